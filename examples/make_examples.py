"""Generate examples/clients.xlsx: 1,000 fictitious French clients, saved by LibreOffice Calc.

Run once by hand, from the repository root:

    .venv/bin/python examples/make_examples.py

It writes the rows with openpyxl in a temporary folder, has LibreOffice open
and re-save the workbook (``soffice --headless --convert-to xlsx``) so that
examples/clients.xlsx is a real Calc file, then reads it back and checks the
counts written in examples/README.md (it fails if they do not hold).

Needs Faker, openpyxl, python-stdnum, phonenumbers and email-validator (all
in the dev venv) and ``soffice`` (Debian: ``libreoffice-calc-nogui``).  The
data depend on the Faker version (made with Faker 40.63.0, seed 2026);
Calc stamps the file with the time of saving, so bytes differ between runs.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import phonenumbers
from email_validator import EmailNotValidError, validate_email
from faker import Faker
from faker.providers.address.it_IT import Provider as ItalianAddresses
from stdnum.eu import vat
from stdnum.fr import siren, siret

from newbi_clients.transfer.export import TEMPLATE_COLUMNS

HERE = Path(__file__).resolve().parent
SEED = 2026

# the import template, which is also the header of the CSV export
HEADER = list(TEMPLATE_COLUMNS)

N_FRENCH_BUSINESSES = 540
N_EU_BUSINESSES = 50
N_INDIVIDUALS = 390
N_EMAIL_DUPLICATES = 6  # same email as an earlier individual, other letter case
N_SIRET_DUPLICATES = 4  # same SIRET as an earlier business, written with spaces
FAULTS = ["email"] * 3 + ["siret"] * 3 + ["nom"] * 2 + ["delai"] * 2

SECTORS = [
    "Retail",
    "Services",
    "Tech",
    "Industrie",
    "Santé",
    "BTP",
    "Conseil",
    "Restauration",
    "Transport",
    "Immobilier",
]
TAGS = ["VIP", "Newsletter", "Salon 2025", "Relance", "Partenaire", "Prospect chaud"]
KNOWN_EU_VAT = ["DE136695976", "BE0403170701", "NL004495445B01", "IT00743110157", "ESA28015865"]
EU_LOCALES = {"DE": "de_DE", "BE": "nl_BE", "NL": "nl_NL", "IT": "it_IT", "ES": "es_ES"}
NOTES = [
    "Acompte de {n} € reçu",
    "Relancer pour le devis de {n} €",
    "Préfère les échanges par email",
    "Rencontré au salon",
    "Facture {n} réglée en retard",
    "Client recommandé par un partenaire",
    "Souhaite un rendez-vous trimestriel",
    "Remise exceptionnelle accordée sur {n} €",
]


def weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


class Generator:
    def __init__(self) -> None:
        Faker.seed(SEED)
        self.fake = Faker(["fr_FR", *EU_LOCALES.values()])
        self.fr = self.fake["fr_FR"]
        self.rng = random.Random(SEED)
        self.emails: set[str] = set()
        self.sirets: set[str] = set()
        self.vats: set[str] = set(KNOWN_EU_VAT)

    # -- identifiers -------------------------------------------------------
    def unique_email(self, make) -> str:
        while True:
            email = make().lower()
            if email.casefold() not in self.emails:
                validate_email(email, check_deliverability=False)
                self.emails.add(email.casefold())
                return email

    def new_siret(self) -> str:
        while True:
            number = self.fr.siret().replace(" ", "")
            if (
                siret.is_valid(number)
                and number not in self.sirets
                and not number.startswith("356000000")
            ):
                self.sirets.add(number)
                return number

    def phone(self, locale: str, region: str) -> str:
        for _ in range(30):
            number = self.fake[locale].phone_number()
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                    return number
            except phonenumbers.NumberParseException:
                pass
        if region == "BE":  # Faker's Belgian numbers rarely parse
            while True:
                d = "".join(self.rng.choice("0123456789") for _ in range(7))
                number = f"+32 2 {d[:3]} {d[3:5]} {d[5:]}"
                if phonenumbers.is_valid_number(phonenumbers.parse(number, "BE")):
                    return number
        return ""

    def eu_vat(self, country: str) -> str:
        """A valid VAT number: a known one first, then random digits with a computed check."""
        known = [v for v in KNOWN_EU_VAT if v.startswith(country) and v in self.vats]
        if known:
            self.vats.discard(known[0])
            return known[0]
        digits = lambda n: "".join(self.rng.choice("0123456789") for _ in range(n))  # noqa: E731
        while True:
            if country == "DE":
                stem, tails = "DE" + self.rng.choice("123456789") + digits(7), "0123456789"
            elif country == "BE":
                stem, tails = (
                    "BE0" + self.rng.choice("123456789") + digits(6),
                    [f"{i:02d}" for i in range(100)],
                )
            elif country == "NL":
                stem, tails = (
                    "NL" + self.rng.choice("123456789") + digits(7),
                    [f"{d}B01" for d in "0123456789"],
                )
            elif country == "IT":
                stem, tails = "IT" + digits(7) + f"{self.rng.randint(1, 99):03d}", "0123456789"
            else:  # ES, a company (CIF) number
                stem, tails = "ES" + self.rng.choice("ABG") + digits(7), "0123456789"
            for tail in tails:
                if vat.is_valid(stem + tail) and stem + tail not in self.vats:
                    self.vats.add(stem + tail)
                    return stem + tail

    # -- rows --------------------------------------------------------------
    def conditions(self, row: dict, business: bool) -> None:
        rng = self.rng
        if business:
            row["Délai de paiement"] = int(
                weighted(rng, [("30", 70), ("45", 12), ("60", 10), ("15", 8)])
            )
            row["Fin de mois"] = weighted(rng, [("non", 65), ("oui", 35)])
            row["Mode de paiement"] = weighted(
                rng, [("virement", 60), ("prelevement", 15), ("cheque", 15), ("carte", 10)]
            )
        else:
            row["Mode de paiement"] = weighted(
                rng, [("carte", 45), ("virement", 25), ("cheque", 20), ("especes", 10)]
            )
        kind = weighted(rng, [("", 80), ("percent", 12), ("amount", 8)])
        if kind == "percent":
            row["Remise"] = rng.choice([0.02, 0.05, 0.05, 0.1, 0.15])
        elif kind == "amount":
            row["Remise"] = rng.choice(["20 EUR", "50 EUR", "100 EUR"])
        row["Devise"] = "EUR"
        row["Secteur"] = rng.choice(SECTORS) if business else ""
        row["Segment"] = weighted(rng, [("Régulier", 55), ("Occasionnel", 35), ("VIP", 10)])
        if rng.random() < 0.8:
            tags = rng.sample(TAGS, rng.randint(1, 3))
            if row["Segment"] == "VIP" and "VIP" not in tags:
                tags.insert(0, "VIP")
            row["Tags"] = ", ".join(tags)
        if rng.random() < 0.25:
            note = rng.choice(NOTES)
            row["Notes"] = (
                note.format(n=f"{rng.randint(2, 90) * 50:,}".replace(",", " "))
                if "€" in note
                else note.format(n=f"F-2025-{rng.randint(1, 999):03d}")
            )

    def address(self, row: dict, locale: str, country: str, prefix: str = "") -> None:
        fake = self.fake[locale]
        row["Adresse" if not prefix else "Adresse de livraison"] = fake.street_address()
        if locale == "it_IT":
            # it_IT's city() picks from a set (order varies between runs): take the
            # city of the postcode instead, which is also more realistic.
            postcode = fake.postcode()
            city = ItalianAddresses.cap_city_province[postcode][0][0]
        else:
            postcode, city = fake.postcode(), fake.city()
        row["Code postal" + prefix] = postcode
        row["Ville" + prefix] = city
        row["Pays" + prefix] = country

    def french_business(self) -> dict:
        row = {"Type": "professionnel", "Nom": self.fr.company()}
        number = self.new_siret()
        row["SIRET"] = number
        row["TVA intracommunautaire"] = "FR" + siren.to_tva(number[:9])
        row["Email"] = self.unique_email(self.fr.company_email)
        row["Téléphone"] = self.phone("fr_FR", "FR")
        self.address(row, "fr_FR", "FR")
        if self.rng.random() < 0.15:
            row["Complément d'adresse"] = self.rng.choice(
                ["Bâtiment A", "ZI Nord", "BP 42", "3e étage", "Parc d'activités"]
            )
        if self.rng.random() < 0.1:
            self.address(row, "fr_FR", "FR", " livraison")
        self.conditions(row, business=True)
        return row

    def eu_business(self) -> dict:
        country = self.rng.choice(list(EU_LOCALES))
        locale = EU_LOCALES[country]
        fake = self.fake[locale]
        row = {"Type": "professionnel", "Nom": fake.company()}
        row["TVA intracommunautaire"] = self.eu_vat(country)
        row["Email"] = self.unique_email(fake.company_email)
        row["Téléphone"] = self.phone(locale, country)
        self.address(row, locale, country)
        self.conditions(row, business=True)
        return row

    def individual(self) -> dict:
        row = {"Type": "particulier", "Nom": self.fr.last_name(), "Prénom": self.fr.first_name()}
        if self.rng.random() < 0.9:
            row["Email"] = self.unique_email(self.fr.free_email)
        row["Téléphone"] = self.phone("fr_FR", "FR")
        self.address(row, "fr_FR", "FR")
        if self.rng.random() < 0.08:
            self.address(row, "fr_FR", "FR", " livraison")
        self.conditions(row, business=False)
        return row

    def faulty(self, fault: str) -> dict:
        if fault == "email":
            row = self.individual()
            local = (row["Prénom"] + "." + row["Nom"]).lower().replace(" ", "")
            row["Email"] = self.rng.choice(
                [f"{local}@", f"{local}@@exemple.fr", f"{local} @exemple.fr"]
            )
        elif fault == "siret":
            row = self.french_business()
            good = row["SIRET"]
            row["SIRET"] = good[:-1] + str((int(good[-1]) + 1) % 10)
            row["TVA intracommunautaire"] = ""
        elif fault == "nom":
            row = self.rng.choice([self.individual, self.french_business])()
            row["Nom"] = ""
        else:
            row = self.french_business()
            row["Délai de paiement"] = 90
        return row


def build_rows() -> tuple[list[dict], dict[str, list[int]]]:
    gen = Generator()
    rng = gen.rng
    kinds = ["fr"] * N_FRENCH_BUSINESSES + ["eu"] * N_EU_BUSINESSES + ["ind"] * N_INDIVIDUALS
    rng.shuffle(kinds)
    make = {"fr": gen.french_business, "eu": gen.eu_business, "ind": gen.individual}
    rows = [make[k]() for k in kinds]
    for i, row in enumerate(rows):
        row["_id"] = i

    # Faulty rows at random places (each one has exactly one fault).
    for fault in FAULTS:
        row = gen.faulty(fault)
        row["_fault"] = fault
        rows.insert(rng.randrange(len(rows) + 1), row)

    # Duplicates, each placed somewhere after the row it repeats.
    individuals = [
        r for r in rows if r["Type"] == "particulier" and r.get("Email") and "_fault" not in r
    ]
    businesses = [r for r in rows if r.get("SIRET") and "_fault" not in r]
    dups = []
    for original in rng.sample(individuals, N_EMAIL_DUPLICATES):
        dup = dict(original, _dup="email", _of=original["_id"])
        local, domain = original["Email"].split("@")
        dup["Email"] = rng.choice(
            [original["Email"].upper(), local.title() + "@" + domain, local + "@" + domain.upper()]
        )
        dup["Téléphone"] = gen.phone("fr_FR", "FR")
        dup["Notes"] = "Fiche créée deux fois"
        dups.append(dup)
    for original in rng.sample(businesses, N_SIRET_DUPLICATES):
        dup = dict(original, _dup="siret", _of=original["_id"])
        dup["SIRET"] = siret.format(original["SIRET"])
        dup["Email"] = gen.unique_email(lambda o=original: "compta@" + o["Email"].split("@")[1])
        dups.append(dup)
    for dup in dups:
        after = next(i for i, r in enumerate(rows) if r.get("_id") == dup["_of"])
        rows.insert(rng.randrange(after + 1, len(rows) + 1), dup)

    report: dict[str, list[int]] = {}
    for n, row in enumerate(rows, start=2):
        if "_fault" in row:
            report.setdefault("fault:" + row["_fault"], []).append(n)
        if "_dup" in row:
            original = next(m for m, r in enumerate(rows, start=2) if r.get("_id") == row["_of"])
            report.setdefault("dup:" + row["_dup"], []).append((n, original))
    return rows, report


def write_xlsx(rows: list[dict], path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Clients"
    ws.append(HEADER)
    for row in rows:
        ws.append([row.get(col, "") or None for col in HEADER])
        remise = ws.cell(ws.max_row, HEADER.index("Remise") + 1)
        if isinstance(remise.value, float):
            remise.number_format = "0%"
    ws.freeze_panes = "A2"
    wb.save(path)


def save_with_calc(src: Path, dest: Path, work: Path) -> None:
    env = dict(os.environ, LANG="fr_FR.UTF-8", LC_ALL="fr_FR.UTF-8")
    cmd = [
        "soffice",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(work / "calc"),
        str(src),
    ]
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    shutil.copyfile(work / "calc" / src.name, dest)


def check(path: Path, report: dict) -> None:
    """Read the Calc file back and recount faults and duplicates independently."""
    ws = openpyxl.load_workbook(path, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER, rows[0]
    col = {name: i for i, name in enumerate(HEADER)}
    faults: dict[str, list[int]] = {}
    emails: dict[str, int] = {}
    sirets: dict[str, int] = {}
    dups: dict[str, list[tuple[int, int]]] = {}
    for n, values in enumerate(rows[1:], start=2):

        def get(name: str, values: tuple = values) -> Any:
            return values[col[name]]

        email, number = get("Email"), get("SIRET")
        found = []
        if not get("Nom"):
            found.append("nom")
        if email:
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError:
                found.append("email")
        if number and not siret.is_valid(number):
            found.append("siret")
        if get("Délai de paiement") not in (None, 15, 30, 45, 60):
            found.append("delai")
        assert len(found) <= 1, (n, found)
        for fault in found:
            faults.setdefault("fault:" + fault, []).append(n)
        if found:
            continue
        if email and email.casefold() in emails:
            dups.setdefault("dup:email", []).append((n, emails[email.casefold()]))
        elif number and siret.compact(number) in sirets:
            dups.setdefault("dup:siret", []).append((n, sirets[siret.compact(number)]))
        else:
            if email:
                emails[email.casefold()] = n
            if number:
                sirets[siret.compact(number)] = n
    assert {**faults, **dups} == report, ({**faults, **dups}, report)
    kinds = Counter(r[col["Type"]] for r in rows[1:])
    print(f"{len(rows) - 1} rows; {dict(kinds)}")
    for key, value in sorted(report.items()):
        print(f"  {key}: {value}")


def main() -> None:
    rows, report = build_rows()
    with tempfile.TemporaryDirectory(prefix="newbi-examples-") as tmp:
        work = Path(tmp)
        raw = work / "clients.xlsx"
        write_xlsx(rows, raw)
        save_with_calc(raw, HERE / "clients.xlsx", work)
    check(HERE / "clients.xlsx", report)


if __name__ == "__main__":
    main()
