"""Build the import fixtures of tests/data/ with LibreOffice Calc.

Run once by hand, from the repository root, then commit what it writes:

    .venv/bin/python tests/data/make_fixtures.py

Add ``--describe`` to print, instead, how each XLSX cell was stored (type,
number format, cached formula value) and the bytes of each CSV; that output
is what MANIFEST.md reports:

    .venv/bin/python tests/data/make_fixtures.py --describe

Requirements:

* ``soffice`` (Debian: ``apt-get install libreoffice-calc-nogui``); the
  fixtures were made with LibreOffice 7.4.7.2.
* for ``libreoffice.xlsx`` and ``encrypted.xlsx``, a Python that has the
  ``uno`` module (Debian: ``python3-uno``).  It is ``/usr/bin/python3``
  unless the environment variable ``UNO_PYTHON`` names another one.
* ``--describe`` needs openpyxl and python-calamine (both in the dev venv).

How the files are made: the rows below are written to UTF-8 CSV sources in
a temporary folder, opened by Calc with the CSV import filter (French
language, column types chosen per file, "detect special numbers" on, i.e.
what Calc does when a user types the same text into cells), and saved by
Calc as XLSX, ODS or CSV with ``soffice --headless --convert-to``.  Calc
runs with ``LANG=fr_FR.UTF-8`` so that it behaves like a French
installation (``5 %`` becomes a percent cell shown ``5,00 %``, dates are
``JJ/MM/AA``).  The exact filter strings are in ``csv_import()`` and ``csv_export()``
below and in MANIFEST.md.  Post-processing, where any, is limited to what
Calc on Linux cannot do and is listed in MANIFEST.md: CRLF line endings
(Calc on Linux writes LF) and the UTF-8 BOM (LibreOffice 7.4 has no option
to write one).  ``hostile.csv`` is written by Python's csv module, not by
Calc: opened in Calc, its formulas would be evaluated and the file would no
longer carry them.  ``corrupted.xlsx``, ``empty.csv`` and ``binary.csv``
are byte-level fixtures derived here.

Re-running gives byte-identical CSV files and XLSX files with the same cells
but other bytes: Calc stamps an XLSX with the time of saving, and encryption
uses a random salt.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from newbi_clients.transfer.export import TEMPLATE_COLUMNS

HERE = Path(__file__).resolve().parent

# the import template, which is also the header of the CSV export
HEADER = list(TEMPLATE_COLUMNS)

# The ten base rows (spreadsheet rows 2 to 11 of every template-shaped file),
# as a user types them.  Téléphone, Code postal and SIRET are typed without
# spaces where a user would let the spreadsheet turn them into numbers.
BASE: list[dict[str, str]] = [
    {
        "Type": "professionnel",
        "Nom": "Société Générale d'Œuvres",
        "Email": "contact@sgo-oeuvres.fr",
        "Téléphone": "0612345678",
        "Adresse": "3 place Bernard",
        "Complément d'adresse": "Bâtiment C – 2e étage",
        "Code postal": "01000",
        "Ville": "Bourg-en-Bresse",
        "Pays": "FR",
        "SIRET": "73282932000074",
        "TVA intracommunautaire": "FR44732829320",
        "Délai de paiement": "30",
        "Fin de mois": "non",
        "Mode de paiement": "virement",
        "Remise": "5 %",
        "Devise": "EUR",
        "Secteur": "Industrie",
        "Segment": "VIP",
        "Tags": "VIP, Salon 2025",
        "Notes": "Acompte de 1 500 € reçu le 2 février",
    },
    {
        "Type": "particulier",
        "Nom": "Dupré",
        "Prénom": "Éléonore",
        "Email": "eleonore.dupre@exemple.fr",
        "Téléphone": "0142000000",
        "Adresse": "5 rue Masséna",
        "Code postal": "06000",
        "Ville": "Nice",
        "Pays": "FR",
        "Adresse de livraison": "12 chemin des Oliviers",
        "Code postal livraison": "06100",
        "Ville livraison": "Nice",
        "Pays livraison": "FR",
        "Mode de paiement": "carte",
        "Devise": "EUR",
        "Segment": "Régulier",
        "Tags": "Newsletter",
        "Notes": "Préfère être appelée le matin",
    },
    {
        "Type": "particulier",
        "Nom": "Lefèvre",
        "Prénom": "Françoise",
        "Email": "francoise.lefevre@exemple.fr",
        "Téléphone": "06 98 76 54 32",
        "Adresse": "27 boulevard Saint-Michel",
        "Complément d'adresse": "Appartement 4B",
        "Code postal": "75005",
        "Ville": "Paris",
        "Pays": "FR",
        "Mode de paiement": "cheque",
        "Remise": "50 EUR",
        "Devise": "EUR",
        "Segment": "Occasionnel",
        "Tags": "Relance",
        "Notes": "Livraison le matin, avant 10 h\nDigicode : 4521B",
    },
    {
        "Type": "professionnel",
        "Nom": "Müller Maschinenbau GmbH",
        "Email": "einkauf@mueller-maschinenbau.de",
        "Téléphone": "+49 30 1234567",
        "Adresse": "Friedrichstraße 12",
        "Code postal": "10117",
        "Ville": "Berlin",
        "Pays": "DE",
        "TVA intracommunautaire": "DE136695976",
        "Délai de paiement": "60",
        "Fin de mois": "non",
        "Mode de paiement": "virement",
        "Devise": "EUR",
        "Secteur": "Industrie",
        "Segment": "Régulier",
        "Tags": "Salon 2025",
        "Notes": "Autoliquidation : facturer sans TVA",
    },
    {
        "Type": "particulier",
        "Nom": "Martin",
        "Prénom": "Jean-Pierre",
        "Email": "",
        "Téléphone": "0478000000",
        "Adresse": "14 rue de la République",
        "Code postal": "69002",
        "Ville": "Lyon",
        "Pays": "FR",
        "Mode de paiement": "especes",
        "Devise": "EUR",
        "Segment": "Occasionnel",
        "Notes": "Pas d'adresse e-mail, appeler",
    },
    {
        "Type": "professionnel",
        "Nom": "Atelier Van den Berghe SA",
        "Email": "compta@vandenberghe.be",
        "Téléphone": "+32 2 512 34 56",
        "Adresse": "Rue de la Loi 42",
        "Code postal": "1040",
        "Ville": "Bruxelles",
        "Pays": "BE",
        "TVA intracommunautaire": "BE0403170701",
        "Délai de paiement": "45",
        "Fin de mois": "oui",
        "Mode de paiement": "prelevement",
        "Devise": "EUR",
        "Secteur": "Retail",
        "Segment": "Régulier",
        "Tags": "Newsletter, Relance",
    },
    {
        "Type": "professionnel",
        "Nom": "Tech Azur SAS",
        "Email": "bonjour@techazur.fr",
        "Téléphone": "04 93 00 00 00",
        "Adresse": "400 avenue Roumanille",
        "Complément d'adresse": "Les Templiers, bât. A",
        "Code postal": "06410",
        "Ville": "Biot",
        "Pays": "FR",
        "Adresse de livraison": "15 rue des Artisans",
        "Code postal livraison": "06560",
        "Ville livraison": "Valbonne",
        "Pays livraison": "FR",
        "SIRET": "41234567000019",
        "TVA intracommunautaire": "FR96412345670",
        "Délai de paiement": "30",
        "Fin de mois": "oui",
        "Mode de paiement": "virement",
        "Remise": "10 %",
        "Devise": "EUR",
        "Secteur": "Tech",
        "Segment": "VIP",
        "Tags": "VIP, Newsletter",
    },
    {
        "Type": "professionnel",
        "Nom": "Bâtiments Réunis du Sud SARL",
        "Email": "devis@batiments-reunis.fr",
        "Téléphone": "04 91 00 00 00",
        "Adresse": "8 quai du Port",
        "Code postal": "13002",
        "Ville": "Marseille",
        "Pays": "FR",
        "SIRET": "52012345600011",
        "TVA intracommunautaire": "FR56520123456",
        "Délai de paiement": "45",
        "Fin de mois": "oui",
        "Mode de paiement": "cheque",
        "Remise": "12,50",
        "Devise": "EUR",
        "Secteur": "BTP",
        "Segment": "Occasionnel",
        "Tags": "Relance",
        "Notes": "Chantier « Les Calanques » – devis n° 2024-017",
    },
    {
        "Type": "particulier",
        "Nom": "Cœur",
        "Prénom": "Anaïs",
        "Email": "anais.coeur@exemple.fr",
        "Téléphone": "07 56 78 90 12",
        "Adresse": "9 cours de l'Intendance",
        "Code postal": "33000",
        "Ville": "Bordeaux",
        "Pays": "FR",
        "Mode de paiement": "carte",
        "Devise": "EUR",
        "Segment": "Régulier",
        "Tags": "Newsletter",
        "Notes": "Cliente fidèle depuis 2019",
    },
    {
        "Type": "professionnel",
        "Nom": "Cabinet Médical Napoléon",
        "Email": "secretariat@cabinet-napoleon.fr",
        "Téléphone": "04 95 21 00 00",
        "Adresse": "2 cours Napoléon",
        "Code postal": "20000",
        "Ville": "Ajaccio",
        "Pays": "FR",
        "SIRET": "81234567600017",
        "TVA intracommunautaire": "FR19812345676",
        "Délai de paiement": "15",
        "Fin de mois": "non",
        "Mode de paiement": "virement",
        "Devise": "EUR",
        "Secteur": "Santé",
        "Segment": "Régulier",
        "Notes": "Pénalités de retard : indemnité de 40 €",
    },
]

# Extra column of libreoffice.xlsx only (not a template column): real date cells.
CREATED = [
    "15/03/2024",
    "02/01/2023",
    "28/11/2023",
    "05/06/2024",
    "30/09/2022",
    "14/02/2024",
    "01/07/2024",
    "19/12/2023",
    "08/04/2024",
    "23/10/2024",
]

# Rows of the second sheet of libreoffice.xlsx ("Prospects"), for --sheet.
PROSPECTS = [
    {
        "Type": "professionnel",
        "Nom": "Boulangerie Garnier",
        "Email": "contact@boulangerie-garnier.fr",
        "Adresse": "7 rue du Four",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
    },
    {
        "Type": "particulier",
        "Nom": "Bernard",
        "Prénom": "Lucie",
        "Email": "lucie.bernard@exemple.fr",
        "Adresse": "3 allée des Tilleuls",
        "Code postal": "67000",
        "Ville": "Strasbourg",
        "Pays": "FR",
    },
]

ENGLISH_HEADER = [
    "Name",
    "First name",
    "E-mail",
    "Phone",
    "Address",
    "Zip",
    "City",
    "Country",
    "VAT number",
    "Payment terms",
    "Website",
]
ENGLISH_ROWS = [
    [
        "Société Générale d'Œuvres",
        "",
        "contact@sgo-oeuvres.fr",
        "06 12 34 56 78",
        "3 place Bernard",
        "01000",
        "Bourg-en-Bresse",
        "France",
        "FR44732829320",
        "30",
        "https://www.sgo-oeuvres.fr",
    ],
    [
        "Müller Maschinenbau GmbH",
        "",
        "einkauf@mueller-maschinenbau.de",
        "+49 30 1234567",
        "Friedrichstraße 12",
        "10117",
        "Berlin",
        "Germany",
        "DE136695976",
        "60",
        "",
    ],
    [
        "Schmidt Logistik GmbH",
        "",
        "info@schmidt-logistik.de",
        "+49 40 7654321",
        "Am Sandtorkai 5",
        "20457",
        "Hamburg",
        "Allemagne",
        "DE812345673",
        "45",
        "",
    ],
    [
        "Dupré",
        "Éléonore",
        "eleonore.dupre@exemple.fr",
        "01 42 00 00 00",
        "5 rue Masséna",
        "06000",
        "Nice",
        "France",
        "",
        "",
        "",
    ],
    [
        "Rousseau",
        "Hélène",
        "helene.rousseau@exemple.fr",
        "06 45 67 89 01",
        "12 rue de la Paix 75002 Paris",
        "",
        "",
        "France",
        "",
        "",
        "",
    ],
    [
        "Tech Azur SAS",
        "",
        "bonjour@techazur.fr",
        "04 93 00 00 00",
        "400 avenue Roumanille",
        "06410",
        "Biot",
        "France",
        "FR96412345670",
        "30",
        "https://techazur.fr",
    ],
]

MISSING_HEADER = ["Nom", "Ville", "Téléphone"]
MISSING_ROWS = [
    ["Dupré", "Nice", "01 42 00 00 00"],
    ["Martin", "Lyon", "04 78 00 00 00"],
    ["Lefèvre", "Paris", "06 98 76 54 32"],
]

ADDRESS_ONLY_HEADER = ["Nom", "Email", "Adresse"]
ADDRESS_ONLY_ROWS = [
    ["Garnier", "paul.garnier@exemple.fr", "12 rue de la Paix 75002 Paris"],
    [
        "Société Générale d'Œuvres",
        "contact@sgo-oeuvres.fr",
        "3 place Bernard, 01000 Bourg-en-Bresse",
    ],
    ["Dupré", "eleonore.dupre@exemple.fr", "5 rue Masséna 06000 NICE"],
    ["Mairie du 1er", "contact@mairie-exemple.fr", "1 place de la Comédie 69205 Lyon Cedex 01"],
    ["Lefèvre", "francoise.lefevre@exemple.fr", "27 boulevard Saint-Michel"],
]

BAD_ROWS: list[dict[str, str]] = [
    # row 2: the good row
    {
        "Type": "particulier",
        "Nom": "Dupont",
        "Prénom": "Jean",
        "Email": "jean@exemple.fr",
        "Téléphone": "06 11 22 33 44",
        "Adresse": "10 rue des Lilas",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
        "Délai de paiement": "30",
    },
    # row 3: empty Nom
    {
        "Type": "professionnel",
        "Nom": "",
        "Email": "contact@sans-nom.fr",
        "Téléphone": "02 40 00 00 00",
        "Adresse": "2 rue Crébillon",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
        "Délai de paiement": "30",
    },
    # row 4: email without domain
    {
        "Type": "particulier",
        "Nom": "Martin",
        "Prénom": "Paul",
        "Email": "jean.dupont@",
        "Téléphone": "06 22 33 44 55",
        "Adresse": "4 place Royale",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
        "Délai de paiement": "30",
    },
    # row 5: SIRET with a bad Luhn checksum
    {
        "Type": "professionnel",
        "Nom": "Menuiserie Bernard SARL",
        "Email": "contact@menuiserie-bernard.fr",
        "Téléphone": "02 40 11 22 33",
        "Adresse": "8 rue de la Scierie",
        "Code postal": "44100",
        "Ville": "Nantes",
        "Pays": "FR",
        "SIRET": "73282932000075",
        "Délai de paiement": "30",
    },
    # row 6: SIRET of the wrong length
    {
        "Type": "professionnel",
        "Nom": "Garage des Alpes",
        "Email": "atelier@garage-alpes.fr",
        "Téléphone": "04 76 00 11 22",
        "Adresse": "15 avenue Alsace-Lorraine",
        "Code postal": "38000",
        "Ville": "Grenoble",
        "Pays": "FR",
        "SIRET": "123",
        "Délai de paiement": "30",
    },
    # row 7: payment terms over the legal 60 days
    {
        "Type": "professionnel",
        "Nom": "Imprimerie Morel SAS",
        "Email": "compta@imprimerie-morel.fr",
        "Téléphone": "03 80 00 11 22",
        "Adresse": "6 rue de la Liberté",
        "Code postal": "21000",
        "Ville": "Dijon",
        "Pays": "FR",
        "SIRET": "39876543800013",
        "TVA intracommunautaire": "FR79398765438",
        "Délai de paiement": "90",
    },
    # row 8: same email as row 2, other case: a duplicate, not a rejection
    {
        "Type": "particulier",
        "Nom": "Dupont",
        "Prénom": "Jean",
        "Email": "JEAN@EXEMPLE.FR",
        "Téléphone": "06 11 22 33 45",
        "Adresse": "10 rue des Lilas",
        "Code postal": "44000",
        "Ville": "Nantes",
        "Pays": "FR",
        "Délai de paiement": "30",
        "Notes": "Saisi deux fois",
    },
]

HOSTILE_HEADER = [
    "Type",
    "Nom",
    "Prénom",
    "Email",
    "Téléphone",
    "Adresse",
    "Code postal",
    "Ville",
    "Pays",
    "Notes",
]
HOSTILE_ROWS = [
    [
        "particulier",
        '=HYPERLINK("http://x","y")',
        "Alice",
        "alice@exemple.fr",
        "06 10 00 00 01",
        "1 rue de Rivoli",
        "75001",
        "Paris",
        "FR",
        "@SUM(1)",
    ],
    [
        "particulier",
        "@SUM(1)",
        "Bruno",
        "bruno@exemple.fr",
        "06 10 00 00 02",
        "2 rue de Rivoli",
        "75001",
        "Paris",
        "FR",
        '=HYPERLINK("http://x","y")',
    ],
    [
        "professionnel",
        "+cmd|' /C calc'!A0",
        "",
        "contact@cmd-exemple.fr",
        "01 40 00 00 03",
        "3 rue de Rivoli",
        "75004",
        "Paris",
        "FR",
        "-2+3",
    ],
    [
        "particulier",
        "-2+3",
        "Claire",
        "claire@exemple.fr",
        "06 10 00 00 04",
        "4 rue de Rivoli",
        "75004",
        "Paris",
        "FR",
        "+cmd|' /C calc'!A0",
    ],
    [
        "particulier",
        "\tTabulation",
        "Denis",
        "denis@exemple.fr",
        "06 10 00 00 05",
        "5 rue de Rivoli",
        "75004",
        "Paris",
        "FR",
        "\t=1+2",
    ],
    [
        "particulier",
        "Durand",
        "Emma",
        "emma.durand@exemple.fr",
        "+33612345678",
        "6 rue de Rivoli",
        "75004",
        "Paris",
        "FR",
        "Numéro au format international",
    ],
    [
        "particulier",
        "Garnier",
        "Fabien",
        "fabien.garnier@exemple.fr",
        "06 10 00 00 07",
        "7 rue de Rivoli",
        "75004",
        "Paris",
        "FR",
        "'=1+2",
    ],
]

# Column types of the Calc CSV import filter: 1 standard, 2 text, 4 date (DD/MM/YY).
STANDARD, TEXT, DATE_DMY = 1, 2, 4
IDENTIFIER_COLUMNS = ["Téléphone", "Code postal", "Code postal livraison", "SIRET"]

FRENCH = 1036  # LibreOffice language id of fr-FR
UTF8, CP1252 = 76, 1  # LibreOffice character set ids


def csv_import(sep: int, column_types: dict[int, int]) -> str:
    """The --infilter string: separator, '"', UTF-8, from line 1, column types, fr-FR,
    quoted fields not forced to text, detect special numbers (dates, percents)."""
    types = "/".join(f"{col}/{kind}" for col, kind in sorted(column_types.items()))
    return f"Text - txt - csv (StarCalc):{sep},34,{UTF8},1,{types},{FRENCH},false,true"


def csv_export(sep: int, charset: int) -> str:
    """The --convert-to string: separator, '"', charset, quote only when needed,
    cell contents saved as shown (so 5 % is written « 5,00 % »)."""
    return f"csv:Text - txt - csv (StarCalc):{sep},34,{charset},1,,{FRENCH},false,true,true"


def column_types(header: list[str], text: list[str] = (), dates: list[str] = ()) -> dict[int, int]:
    kinds = {}
    for i, name in enumerate(header, start=1):
        kinds[i] = TEXT if name in text else DATE_DMY if name in dates else STANDARD
    return kinds


class Calc:
    """Runs soffice headless with its own profile and a French locale."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.profile = (work / "profile").as_uri()
        self.env = dict(os.environ, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8")

    def convert(self, src: Path, to: str, outdir: Path, infilter: str | None = None) -> Path:
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = ["soffice", f"-env:UserInstallation={self.profile}", "--headless", "--norestore"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", to, "--outdir", str(outdir), str(src)]
        print("  $", " ".join(_shell_quote(c) for c in cmd[:1] + cmd[2:]), file=sys.stderr)
        subprocess.run(cmd, check=True, env=self.env, stdout=subprocess.DEVNULL)
        out = outdir / (src.stem + "." + to.split(":", maxsplit=1)[0])
        if not out.exists():
            raise SystemExit(f"soffice wrote no {out}")
        return out


def _shell_quote(s: str) -> str:
    return (
        s if all(c.isalnum() or c in "-_./=:" for c in s) else "'" + s.replace("'", "'\\''") + "'"
    )


def write_source(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """An intermediate UTF-8 ';' CSV that Calc imports (what the user typed)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def template_rows(rows: list[dict[str, str]]) -> list[list[str]]:
    return [[row.get(col, "") for col in HEADER] for row in rows]


def to_crlf(data: bytes) -> bytes:
    """Record separators LF -> CRLF; a LF inside a quoted field stays a LF (as Excel writes it)."""
    out = bytearray()
    quoted = False
    for b in data:
        if b == 0x22:
            quoted = not quoted
        if b == 0x0A and not quoted:
            out += b"\r\n"
        else:
            out.append(b)
    return bytes(out)


UNO_HELPER = r"""
import sys, time, subprocess, uno
from com.sun.star.beans import PropertyValue, NamedValue
src, out, encrypted, password, profile, prospects = sys.argv[1:7]
prospects = [line.split("\t") for line in prospects.split("\n")]
pipe = "newbi_fixtures_%d" % __import__("os").getpid()
proc = subprocess.Popen(["soffice", "-env:UserInstallation=" + profile, "--headless", "--norestore",
                         "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL)
def pv(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p
desktop = None
try:
    ctx = uno.getComponentContext()
    resolver = ctx.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", ctx)
    for _ in range(150):
        try:
            rctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.2)
    else:
        raise SystemExit("could not reach soffice")
    desktop = rctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", rctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (pv("Hidden", True),))
    sheets = doc.getSheets()
    sheets.insertNewByName("Prospects", 1)
    sheet = sheets.getByName("Prospects")
    for r, row in enumerate(prospects):
        for c, value in enumerate(row):
            if value:
                sheet.getCellByPosition(c, r).setString(value)
    doc.getCurrentController().setActiveSheet(sheets.getByIndex(0))
    xlsx = "Calc MS Excel 2007 XML"
    doc.storeToURL(uno.systemPathToFileUrl(out), (pv("FilterName", xlsx),))
    # What File > Save As > "Save with password" does for .xlsx: ECMA-376 standard encryption.
    secret = (NamedValue("OOXPassword", password), NamedValue("CryptoType", "Standard"))
    props = (pv("FilterName", xlsx),
             pv("EncryptionData", uno.Any("[]com.sun.star.beans.NamedValue", secret)))
    uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(encrypted),
                                   uno.Any("[]com.sun.star.beans.PropertyValue", props)))
    doc.close(True)
finally:
    if desktop is not None:
        try:
            desktop.terminate()
        except Exception:
            pass
    try:
        proc.wait(timeout=60)
    except Exception:
        proc.kill()
"""


def build(dest: Path) -> None:
    if shutil.which("soffice") is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-calc-nogui")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newbi-fixtures-") as tmp:
        work = Path(tmp)
        calc = Calc(work)
        src = work / "src"
        src.mkdir()

        # a. libreoffice.xlsx: identifiers typed as numbers, 5 % as a percent,
        # a formula for one payment term, an extra column of real dates.
        print("libreoffice.xlsx, encrypted.xlsx", file=sys.stderr)
        rows = template_rows(BASE)
        rows[6][HEADER.index("Délai de paiement")] = "=15*2"  # Tech Azur, row 8
        header = [*HEADER, "Date de création"]
        rows = [[*r, d] for r, d in zip(rows, CREATED, strict=True)]
        clients = write_source(src / "Clients.csv", header, rows)
        xlsx = calc.convert(
            clients,
            "xlsx",
            work / "xlsx",
            csv_import(59, column_types(header, dates=["Date de création"])),
        )
        prospects = "\n".join("\t".join(r) for r in [HEADER, *template_rows(PROSPECTS)])
        uno_python = os.environ.get("UNO_PYTHON", "/usr/bin/python3")
        subprocess.run(
            [
                uno_python,
                "-c",
                UNO_HELPER,
                str(xlsx),
                str(dest / "libreoffice.xlsx"),
                str(dest / "encrypted.xlsx"),
                "secret",
                (work / "profile").as_uri(),
                prospects,
            ],
            check=True,
            env=calc.env,
        )

        # b. cp1252-semicolon.csv: the same numbers-typed sheet saved by Calc as
        # "Western Europe (Windows-1252)", ';', then CRLF as on Windows.
        print("cp1252-semicolon.csv", file=sys.stderr)
        rows = template_rows(BASE)
        rows[6][HEADER.index("Délai de paiement")] = "=15*2"
        numeric = calc.convert(
            write_source(src / "numeric.csv", HEADER, rows),
            "ods",
            work / "ods",
            csv_import(59, column_types(HEADER)),
        )
        out = calc.convert(numeric, csv_export(59, CP1252), work / "cp1252")
        (dest / "cp1252-semicolon.csv").write_bytes(to_crlf(out.read_bytes()))

        # c, d, e. From a sheet where the identifier columns were formatted as text.
        print("utf8-bom.csv, tab.csv, utf8-comma.csv", file=sys.stderr)
        text = calc.convert(
            write_source(src / "text.csv", HEADER, template_rows(BASE)),
            "ods",
            work / "ods",
            csv_import(59, column_types(HEADER, text=IDENTIFIER_COLUMNS)),
        )
        out = calc.convert(text, csv_export(59, UTF8), work / "bom")
        (dest / "utf8-bom.csv").write_bytes(b"\xef\xbb\xbf" + to_crlf(out.read_bytes()))
        out = calc.convert(text, csv_export(9, UTF8), work / "tab")
        shutil.copyfile(out, dest / "tab.csv")
        out = calc.convert(text, csv_export(44, UTF8), work / "comma")
        shutil.copyfile(out, dest / "utf8-comma.csv")

        # f, g, extra, h. Small sheets with every column typed as text.
        for name, head, body, sep in [
            ("english-headers", ENGLISH_HEADER, ENGLISH_ROWS, 44),
            ("missing-columns", MISSING_HEADER, MISSING_ROWS, 59),
            ("address-only", ADDRESS_ONLY_HEADER, ADDRESS_ONLY_ROWS, 59),
            ("bad-rows", HEADER, template_rows(BAD_ROWS), 59),
        ]:
            print(f"{name}.csv", file=sys.stderr)
            sheet = calc.convert(
                write_source(src / f"{name}.csv", head, body),
                "ods",
                work / "ods",
                csv_import(59, column_types(head, text=head)),
            )
            out = calc.convert(sheet, csv_export(sep, UTF8), work / name)
            shutil.copyfile(out, dest / f"{name}.csv")

    # k. hostile.csv: written as an attacker would, not through Calc.
    print("hostile.csv, corrupted.xlsx, empty.csv, binary.csv", file=sys.stderr)
    with (dest / "hostile.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HOSTILE_HEADER)
        w.writerows(HOSTILE_ROWS)

    # j. Broken inputs.
    good = (dest / "libreoffice.xlsx").read_bytes()
    (dest / "corrupted.xlsx").write_bytes(good[: len(good) // 2])
    (dest / "empty.csv").write_bytes(b"")
    noise = bytearray(random.Random(2026).randbytes(2048))
    noise[0:4] = b"\x8e\x00\xfe\x01"  # not a BOM nor a ZIP signature, with a NUL
    noise[1000] = 0
    (dest / "binary.csv").write_bytes(bytes(noise))


def describe(dest: Path) -> None:
    """Print how Calc stored every cell of the XLSX fixtures and the shape of the CSVs."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    for name in ["libreoffice.xlsx"]:
        path = dest / name
        print(f"## {name}\n")
        formulas = openpyxl.load_workbook(path)
        values = openpyxl.load_workbook(path, data_only=True)
        cal = CalamineWorkbook.from_path(str(path))
        print("sheets:", formulas.sheetnames, "calamine:", cal.sheet_names)
        for ws in formulas.worksheets:
            vs = values[ws.title]
            cs = cal.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
            print(f"\n### sheet {ws.title} ({ws.max_row} rows x {ws.max_column} columns)")
            for row in ws.iter_rows(min_row=2 if ws.title == "Clients" else 1):
                for c in row:
                    if c.value is None:
                        continue
                    if c.data_type == "s" and c.number_format == "General":
                        continue
                    cached = vs[c.coordinate].value
                    calv = cs[c.row - 1][c.column - 1]
                    print(
                        f"{c.coordinate:>5} {ws.cell(1, c.column).value!r:28} type={c.data_type} "
                        f"fmt={c.number_format!r:14} openpyxl={c.value!r} cached={cached!r} "
                        f"calamine={calv!r}"
                    )
    for name in ["encrypted.xlsx", "corrupted.xlsx"]:
        path = dest / name
        print(f"\n## {name}: {path.stat().st_size} bytes, starts {path.read_bytes()[:8].hex(' ')}")
        for label, fn in [
            ("openpyxl", lambda p=path: openpyxl.load_workbook(p)),
            ("calamine", lambda p=path: CalamineWorkbook.from_path(str(p))),
        ]:
            try:
                fn()
                print(f"  {label}: opened")
            except Exception as e:  # report whatever the reader raises
                print(f"  {label}: {type(e).__module__}.{type(e).__name__}: {e}")
    for path in sorted(dest.glob("*.csv")):
        data = path.read_bytes()
        bom, crlf, lf, nul = (
            data.startswith(b"\xef\xbb\xbf"),
            data.count(b"\r\n"),
            data.count(b"\n"),
            data.count(b"\0"),
        )
        print(f"\n## {path.name}: {len(data)} bytes, BOM={bom}, CRLF={crlf}, LF={lf}, NUL={nul}")
        if path.name in {"binary.csv", "empty.csv"}:
            continue
        enc = "cp1252" if "cp1252" in path.name else "utf-8-sig"
        text = data.decode(enc)
        first = data.split(b"\n")[0]
        sep = "\t" if b"\t" in first else ";" if b";" in first else ","
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), start=1):
            print(f"  {i:>2}: {row}")


if __name__ == "__main__":
    if "--describe" in sys.argv[1:]:
        describe(HERE)
    else:
        build(HERE)
