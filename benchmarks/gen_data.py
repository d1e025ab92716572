"""Generate realistic French client files for the import / search / export benchmarks.

The rows follow the product's import template (see the README) with a usual mix: about
60 % French businesses (« professionnel ») with a valid 14-digit SIRET (10 % of them
with their FR VAT number), about 3 % EU businesses (DE, BE, ES, IT) with a
valid VAT number and a phone number of their country, and individuals (« particulier »)
for the rest. Names, streets and cities come from Faker (fr_FR, and de_DE / nl_BE /
es_ES / it_IT for the EU businesses), seeded: the same command always writes the same
file, whatever the number of worker processes.

Every non-planted row has a unique email (lower-case ASCII), a unique valid phone
number, a unique SIRET / VAT number, and a 5-digit French postal code (leading zeros
kept, metropolitan departments only). The unique values are built from a sequence
number (``--start`` + row index) through fixed keyed permutations, so two files whose
sequence ranges do not overlap never collide, whatever their seeds.

Usage::

    python benchmarks/gen_data.py csv  OUT.csv  [--rows N] [--seed S] [--start K]
                                                [--duplicates PCT] [--workers W]
    python benchmarks/gen_data.py xlsx OUT.xlsx [same options]
    python benchmarks/gen_data.py check FILE [--planted FILE.planted.csv]

``csv``
    UTF-8 (no BOM), comma-separated, the 25-column template header.
``xlsx``
    Same rows, written with openpyxl's write-only mode. As a spreadsheet user would have
    typed them, about half of the rows store « Code postal » and « SIRET » as numbers
    (01000 becomes 1000), compact phone numbers of those rows (0612345678) as numbers
    too, « Délai de paiement » and fixed « Remise » amounts as numbers, and a percentage
    « Remise » (5%) as the float 0.05 with the number format ``0%``. The importer must
    read them back as the text the user meant.
``check``
    Reads a generated CSV or XLSX back and validates it with python-stdnum,
    email-validator and phonenumbers; checks uniqueness and the planted duplicates.
    Exit status 1 if anything is wrong.

Options:

``--rows N`` (default 100000)
    Number of data rows in the file, planted duplicates included.
``--seed S`` (default 2026)
    Random seed.
``--start K`` (default 0)
    Offset of the unique sequences (emails, phones, SIRETs, VAT numbers). A file made
    with ``--start 1000000`` can be imported into a book built from a 1,000,000-row file
    made with ``--start 0`` without any collision (other than its own planted
    duplicates). ``--start`` + ``--rows`` must stay below 10,000,000.
``--duplicates PCT`` (default 0)
    Plant round(N × PCT / 100) rows that duplicate an earlier row of the same file:
    half ``email`` (same email, other letter case), a quarter ``siret`` (same SIRET
    written with spaces, « 732 829 320 00074 », other email and phone), a quarter
    ``name_postal_code`` (same name and postal code, other email, phone, SIRET / VAT
    number). They are listed in ``OUT.planted.csv`` (columns ``row``, ``original_row``,
    ``kind``, ``key``), rows numbered as in a spreadsheet (header = row 1).
``--workers W`` (default: number of CPUs)
    Worker processes. Rows are made in chunks of 10,000 with per-chunk seeds, so the
    output does not depend on W.

Examples::

    python benchmarks/gen_data.py csv benchmarks/work/clients_1m.csv --rows 1000000 \\
        --duplicates 1
    python benchmarks/gen_data.py csv benchmarks/work/import_100k.csv --rows 100000 \\
        --start 1000000
    python benchmarks/gen_data.py xlsx benchmarks/work/import_100k.xlsx --rows 100000 \\
        --start 1000000
    python benchmarks/gen_data.py check benchmarks/work/import_100k.csv
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import re
import sys
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newbi_clients.transfer.export import CONTACT_COLUMNS, TEMPLATE_COLUMNS

# the import template, which is also the header of the CSV export, without the columns of
# the primary contact (the generated clients have none)
HEADER = list(TEMPLATE_COLUMNS[: len(TEMPLATE_COLUMNS) - len(CONTACT_COLUMNS)])
(
    C_TYPE,
    C_NAME,
    C_FIRST,
    C_EMAIL,
    C_PHONE,
    C_ADDR,
    C_LINE2,
    C_POSTCODE,
    C_CITY,
    C_COUNTRY,
    C_DADDR,
    C_DPOSTCODE,
    C_DCITY,
    C_DCOUNTRY,
    C_SIRET,
    C_VAT,
    C_TERMS,
    C_EOM,
    C_METHOD,
    C_DISCOUNT,
    C_CURRENCY,
    C_SECTOR,
    C_SEGMENT,
    C_TAGS,
    C_NOTES,
) = range(len(HEADER))

BUSINESS = "professionnel"
INDIVIDUAL = "particulier"
K_INDIVIDUAL, K_FR_BUSINESS, K_EU_BUSINESS = 0, 1, 2
SHARE_FR_BUSINESS = 0.60
SHARE_EU_BUSINESS = 0.03
SHARE_FR_VAT = 0.10

CHUNK_ROWS = 10_000
MAX_SEQUENCE = 10_000_000  # the 7-digit permutations below are bijections on [0, 10**7)

SECTORS = ["Retail", "Services", "Tech", "Industrie", "BTP", "Santé", "Conseil"]
SEGMENTS = ["VIP", "Régulier", "Occasionnel"]
SEGMENT_WEIGHTS = list(itertools.accumulate([10, 50, 40]))
TAGS = ["VIP", "Newsletter", "Salon 2025", "Relance", "Partenaire"]
TAG_COUNT_WEIGHTS = list(itertools.accumulate([45, 33, 15, 7]))
TERMS = ["30", "15", "45", "60"]
TERMS_WEIGHTS = list(itertools.accumulate([72, 8, 12, 8]))
METHODS = ["virement", "cheque", "prelevement", "carte"]
METHOD_WEIGHTS = list(itertools.accumulate([50, 12, 18, 20]))
DISCOUNTS = ["", "5%", "10%", "50", "100"]
DISCOUNT_WEIGHTS = list(itertools.accumulate([88, 5, 2, 3, 2]))

# (activity, sector): « Boulangerie Martin », « Martin Conseil »
ACTIVITIES_BEFORE = [
    ("Boulangerie", "Retail"),
    ("Pâtisserie", "Retail"),
    ("Boucherie", "Retail"),
    ("Fromagerie", "Retail"),
    ("Librairie", "Retail"),
    ("Fleurs", "Retail"),
    ("Épicerie fine", "Retail"),
    ("Cave", "Retail"),
    ("Pharmacie", "Santé"),
    ("Cabinet médical", "Santé"),
    ("Cabinet dentaire", "Santé"),
    ("Laboratoire", "Santé"),
    ("Kinésithérapie", "Santé"),
    ("Garage", "Services"),
    ("Transports", "Services"),
    ("Coiffure", "Services"),
    ("Restaurant", "Services"),
    ("Hôtel", "Services"),
    ("Agence immobilière", "Services"),
    ("Nettoyage", "Services"),
    ("Plomberie", "BTP"),
    ("Électricité", "BTP"),
    ("Menuiserie", "BTP"),
    ("Maçonnerie", "BTP"),
    ("Charpente", "BTP"),
    ("Couverture", "BTP"),
    ("Peinture", "BTP"),
    ("Studio", "Tech"),
    ("Informatique", "Tech"),
    ("Imprimerie", "Industrie"),
    ("Métallerie", "Industrie"),
    ("Usinage", "Industrie"),
    ("Mécanique", "Industrie"),
    ("Cabinet", "Conseil"),
    ("Expertise comptable", "Conseil"),
    ("Avocats", "Conseil"),
    ("Formation", "Conseil"),
]
ACTIVITIES_AFTER = [
    ("Conseil", "Conseil"),
    ("Consulting", "Conseil"),
    ("Informatique", "Tech"),
    ("Digital", "Tech"),
    ("Logiciels", "Tech"),
    ("Immobilier", "Services"),
    ("Transports", "Services"),
    ("Services", "Services"),
    ("Distribution", "Retail"),
    ("Négoce", "Retail"),
    ("Bâtiment", "BTP"),
    ("Rénovation", "BTP"),
    ("Industrie", "Industrie"),
    ("Plasturgie", "Industrie"),
    ("Médical", "Santé"),
]
LEGAL_FORMS = ["SAS", "SARL", "EURL", "SASU", "SA", "SNC", "SCI"]
LEGAL_FORM_WEIGHTS = list(itertools.accumulate([30, 30, 12, 12, 8, 4, 4]))
LEGAL_FORM_RE = re.compile(
    r"\s+(?:SAS|SARL|EURL|SASU|SA|SNC|SCI|S\.A\.R\.L\.|S\.A\.S\.|S\.A\.|GmbH|AG|KG|BV|"
    r"NV|SRL|S\.L\.|S\.L\.N\.E|S\.A\.|SPA|S\.p\.A\.|e figli)\.?$",
    re.IGNORECASE,
)
BUSINESS_LOCALS = [
    "contact",
    "compta",
    "comptabilite",
    "facturation",
    "info",
    "direction",
    "administratif",
    "commercial",
]
LINE2_TEMPLATES = [
    "Bâtiment {L}",
    "Appartement {n}",
    "Résidence Les Tilleuls",
    "Résidence du Parc",
    "BP {n}",
    "{floor}e étage",
    "Escalier {L}",
    "ZI des Granges",
    "ZA du Moulin",
    "Lieu-dit {last}",
    "Porte {n}",
]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
ROLES = ["comptable", "gérant", "gérante", "assistante de direction", "responsable achats"]
NOTE_TEMPLATES = [
    "Client depuis {year}",
    "Préfère être contacté par email",
    "Relancer avant le {day} {month}",
    "Contact : {civ} {last}, {role}",
    "Facturation trimestrielle",
    "Ne pas appeler le lundi",
    "Paiement souvent en retard ; relancer à J+15",
    'Ancien fournisseur : "{last} {form}"',
    "Rencontré au salon de {city} en {year}",
    "Devis signé le {day} {month} {year}",
]

# Landline zone (first digit of the national number) by metropolitan department.
PHONE_ZONES = {
    "1": "75 77 78 91 92 93 94 95",
    "2": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85",
    "3": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "4": "01 03 04 05 06 07 11 13 15 20 26 30 34 38 42 43 48 63 66 69 73 74 83 84",
    "5": "09 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87",
}
DEPARTMENT_ZONE = {dep: zone for zone, deps in PHONE_ZONES.items() for dep in deps.split()}
DEPARTMENTS = sorted(DEPARTMENT_ZONE)
# Second digits such that every 7-digit continuation is a valid French number
# (checked against phonenumbers' metadata for region FR).
LANDLINE_SECOND = {"1": "0123456789", "2": "01234578", "3": "0123456789", "4": "123456789"}
LANDLINE_SECOND["5"] = "012345678"
MOBILE_PREFIXES = ["60", "61", "62", "64", "65", "66", "67", "68", "73", "75", "76", "77", "78"]
VOIP_PREFIXES = ["95", "97", "98"]

# EU businesses: (country, Faker locale, weight, phone prefixes, email TLD)
EU_COUNTRIES = [
    ("DE", "de_DE", 35, ["30", "40", "89", "221", "69", "711", "211", "351"], "de"),
    ("BE", "nl_BE", 25, ["47", "48", "49", "46"], "be"),
    ("ES", "es_ES", 20, ["91", "93", "96", "95"], "es"),
    ("IT", "it_IT", 20, ["02", "06", "011", "051", "055", "081"], "it"),
]
EU_WEIGHTS = list(itertools.accumulate(c[2] for c in EU_COUNTRIES))
CALLING_CODES = {"DE": "49", "BE": "32", "ES": "34", "IT": "39"}

# ---------------------------------------------------------------- unique sequences


def _permute(x: int, a: int, b: int, key: int) -> int:
    """A keyed bijection of [0, a*b) (four rounds of the FE1 Feistel construction)."""
    for rnd in range(4):
        left, right = divmod(x, b)
        h = ((right + key + rnd * 0x5BD1E995) * 0x9E3779B1) & 0xFFFFFFFF
        h ^= h >> 15
        h = (h * 0x85EBCA6B) & 0xFFFFFFFF
        h ^= h >> 13
        x = a * right + (left + h) % a
    return x


def _perm7(seq: int, key: int) -> str:
    """7 digits, distinct for distinct seq < 10**7."""
    return f"{_permute(seq, 1000, 10_000, key):07d}"


LA_POSTE_SIREN_BASE = 35_600_000  # 356000000 follows another checksum rule


def siren_for(seq: int) -> str:
    from stdnum import luhn

    x = _permute(seq, 9000, 10_000, 0x51E4)
    while x + 10_000_000 == LA_POSTE_SIREN_BASE:  # cycle-walk past the exception
        x = _permute(x, 9000, 10_000, 0x51E4)
    base = str(10_000_000 + x)
    return base + luhn.calc_check_digit(base)


def siret_for(siren: str, rnd: random.Random) -> str:
    from stdnum import luhn

    r = rnd.random()
    if r < 0.55:
        establishment = "0001"
    elif r < 0.70:
        establishment = "0002"
    elif r < 0.80:
        establishment = f"{rnd.randint(3, 9):04d}"
    else:
        establishment = f"{rnd.randint(10, 250):04d}"
    return siren + establishment + luhn.calc_check_digit(siren + establishment)


def fr_vat_for(siren: str) -> str:
    from stdnum.fr import siren as fr_siren

    return "FR" + fr_siren.to_tva(siren)


def eu_vat_for(country: str, seq: int, rnd: random.Random) -> str:
    digits = _perm7(seq, 0xEC0 + ord(country[0]))
    if country == "DE":
        from stdnum.iso7064 import mod_11_10

        number = str(rnd.randint(1, 9)) + digits
        return "DE" + number + mod_11_10.calc_check_digit(number)
    if country == "BE":
        number = "0" + digits
        return "BE" + number + f"{97 - int(number) % 97:02d}"
    if country == "ES":
        from stdnum.es import cif

        number = rnd.choice("AB") + digits
        return "ES" + number + cif.calc_check_digits(number)[0]
    if country == "IT":
        from stdnum import luhn

        if digits == "0000000":
            digits = "1000000"  # the only value mapped there; no other seq yields it
        number = digits + f"{rnd.randint(1, 100):03d}"
        return "IT" + number + luhn.calc_check_digit(number)
    raise ValueError(country)


def fr_phone_for(seq: int, rnd: random.Random, kind: str, department: str) -> str:
    """A valid French number, unique by seq, in one of the formats people type."""
    if kind == "mobile":
        prefix = rnd.choice(MOBILE_PREFIXES)
    elif kind == "voip":
        prefix = rnd.choice(VOIP_PREFIXES)
    else:
        zone = DEPARTMENT_ZONE.get(department, "1")
        prefix = zone + rnd.choice(LANDLINE_SECOND[zone])
    nsn = prefix + _perm7(seq, 0x7E1)
    pairs = [nsn[1:3], nsn[3:5], nsn[5:7], nsn[7:9]]
    r = rnd.random()
    if r < 0.50:
        return f"0{nsn[0]} " + " ".join(pairs)
    if r < 0.65:
        return "0" + nsn
    if r < 0.75:
        return f"0{nsn[0]}." + ".".join(pairs)
    if r < 0.92:
        return f"+33 {nsn[0]} " + " ".join(pairs)
    return f"+33 (0){nsn[0]} " + " ".join(pairs)


def eu_phone_for(country: str, prefixes: Sequence[str], seq: int, rnd: random.Random) -> str:
    import phonenumbers

    nsn = rnd.choice(prefixes) + _perm7(seq, 0x7E2)
    if country == "IT":
        nsn += str(rnd.randrange(10))
    number = phonenumbers.parse(f"+{CALLING_CODES[country]}{nsn}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# ---------------------------------------------------------------- text helpers

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, sep: str = "-") -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NON_ALNUM.sub(sep, text).strip(sep)


def name_token(text: str) -> str:
    """« Le Gall » → « legall », « Jean-Noël » → « jean-noel »."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z-]+", "", text).strip("-")


def company_domain(name: str, tld: str) -> str:
    label = ascii_slug(LEGAL_FORM_RE.sub("", name))[:60].strip("-") or "entreprise"
    return f"{label}.{tld}"


def pick(rnd: random.Random, values: Sequence[str], cum_weights: Sequence[int]) -> str:
    return rnd.choices(values, cum_weights=cum_weights)[0]


# ---------------------------------------------------------------- row generation

_FAKERS: dict[str, Any] = {}


def _faker(locale: str) -> Any:
    fk = _FAKERS.get(locale)
    if fk is None:
        from faker import Faker

        fk = _FAKERS[locale] = Faker(locale)
        if locale == "it_IT":
            # Faker builds this list from a set: its order changes with PYTHONHASHSEED.
            from faker.providers.address import it_IT

            it_IT.Provider.cities = sorted(it_IT.Provider.cities)
    return fk


def _common_fields(row: list[str], rnd: random.Random, fk: Any, sector: str) -> None:
    row[C_TERMS] = pick(rnd, TERMS, TERMS_WEIGHTS)
    row[C_EOM] = "oui" if rnd.random() < 0.25 else "non"
    row[C_METHOD] = pick(rnd, METHODS, METHOD_WEIGHTS)
    row[C_DISCOUNT] = pick(rnd, DISCOUNTS, DISCOUNT_WEIGHTS)
    row[C_CURRENCY] = "EUR"
    row[C_SECTOR] = sector
    segment = pick(rnd, SEGMENTS, SEGMENT_WEIGHTS)
    row[C_SEGMENT] = segment
    count = rnd.choices(range(4), cum_weights=TAG_COUNT_WEIGHTS)[0]
    tags = rnd.sample(TAGS, count)
    if segment == "VIP" and "VIP" not in tags and rnd.random() < 0.5:
        tags.insert(0, "VIP")
    row[C_TAGS] = ", ".join(tags)
    if rnd.random() < 0.08:
        row[C_NOTES] = rnd.choice(NOTE_TEMPLATES).format(
            year=rnd.randint(2008, 2025),
            day=rnd.randint(1, 28),
            month=rnd.choice(MONTHS),
            civ=rnd.choice(["M.", "Mme"]),
            last=fk.last_name(),
            role=rnd.choice(ROLES),
            form=pick(rnd, LEGAL_FORMS, LEGAL_FORM_WEIGHTS),
            city=fk.city(),
        )


def _line2(rnd: random.Random, fk: Any) -> str:
    return rnd.choice(LINE2_TEMPLATES).format(
        L=rnd.choice("ABCDEF"), n=rnd.randint(1, 120), floor=rnd.randint(2, 12), last=fk.last_name()
    )


def _postcode(department: str, rnd: random.Random) -> str:
    """Most French postal codes end with 0 (a town), some do not (a CEDEX, a district)."""
    if rnd.random() < 0.8:
        return f"{department}{rnd.randrange(100):02d}0"
    return f"{department}{rnd.randrange(1000):03d}"


def _fr_address(row: list[str], rnd: random.Random, fk: Any, line2_share: float) -> str:
    department = rnd.choice(DEPARTMENTS)
    row[C_ADDR] = fk.street_address()
    if rnd.random() < line2_share:
        row[C_LINE2] = _line2(rnd, fk)
    row[C_POSTCODE] = _postcode(department, rnd)
    row[C_CITY] = fk.city()
    row[C_COUNTRY] = "FR"
    return department


def _fr_delivery(row: list[str], rnd: random.Random, fk: Any) -> None:
    row[C_DADDR] = fk.street_address()
    row[C_DPOSTCODE] = _postcode(rnd.choice(DEPARTMENTS), rnd)
    row[C_DCITY] = fk.city()
    row[C_DCOUNTRY] = "FR"


def company_name(rnd: random.Random, fk: Any) -> tuple[str, str]:
    last = fk.last_name()
    r = rnd.random()
    if r < 0.35:
        activity, sector = rnd.choice(ACTIVITIES_BEFORE)
        return f"{activity} {last}", sector
    if r < 0.50:
        activity, sector = rnd.choice(ACTIVITIES_BEFORE)
        return f"{activity} {last} {pick(rnd, LEGAL_FORMS, LEGAL_FORM_WEIGHTS)}", sector
    if r < 0.68:
        activity, sector = rnd.choice(ACTIVITIES_AFTER)
        return f"{last} {activity}", sector
    if r < 0.80:
        activity, sector = rnd.choice(ACTIVITIES_AFTER)
        return f"{last} {activity} {pick(rnd, LEGAL_FORMS, LEGAL_FORM_WEIGHTS)}", sector
    if r < 0.88:
        return f"{last} & {fk.last_name()}", rnd.choice(SECTORS)
    if r < 0.92:
        return f"{last} et Fils", rnd.choice(SECTORS)
    return f"{last} {fk.last_name()} {pick(rnd, LEGAL_FORMS, LEGAL_FORM_WEIGHTS)}", rnd.choice(
        SECTORS
    )


def individual_email(first: str, last: str, seq: int, rnd: random.Random, domain: str) -> str:
    f, name = name_token(first) or "client", name_token(last) or "client"
    r = rnd.random()
    if r < 0.45:
        local = f"{f}.{name}"
    elif r < 0.60:
        local = f"{f[0]}{name}"
    elif r < 0.72:
        local = f"{name}.{f}"
    elif r < 0.84:
        local = f"{f}_{name}"
    else:
        local = f"{f}{name}"
    # The local part ends with a letter, so the trailing digits are exactly seq:
    # two rows share an email only if they share seq.
    return f"{local.strip('-_.')}{seq}@{domain}"


def business_email(name: str, seq: int, rnd: random.Random, fk: Any, tld: str) -> str:
    if rnd.random() < 0.12:  # a small firm on a consumer mailbox
        local = ascii_slug(LEGAL_FORM_RE.sub("", name), ".")[:40].strip(".") or "contact"
        return f"{local}{seq}@{fk.free_email_domain()}"
    if rnd.random() < 0.25:
        local = f"{name_token(fk.first_name())}.{name_token(fk.last_name())}".strip(".-")
    else:
        local = rnd.choice(BUSINESS_LOCALS)
    return f"{local}{seq}@{company_domain(name, tld)}"


def make_row(kind: int, seq: int, rnd: random.Random) -> list[str]:
    """One client row; every unique value derives from seq."""
    fk = _faker("fr_FR")
    row = [""] * len(HEADER)
    if kind == K_INDIVIDUAL:
        row[C_TYPE] = INDIVIDUAL
        first, last = fk.first_name(), fk.last_name()
        row[C_NAME], row[C_FIRST] = last, first
        row[C_EMAIL] = individual_email(first, last, seq, rnd, fk.free_email_domain())
        department = _fr_address(row, rnd, fk, 0.10)
        r = rnd.random()
        phone_kind = "mobile" if r < 0.65 else ("voip" if r < 0.72 else "landline")
        row[C_PHONE] = fr_phone_for(seq, rnd, phone_kind, department)
        if rnd.random() < 0.03:
            _fr_delivery(row, rnd, fk)
        _common_fields(row, rnd, fk, rnd.choice(SECTORS))
    elif kind == K_FR_BUSINESS:
        row[C_TYPE] = BUSINESS
        name, sector = company_name(rnd, fk)
        row[C_NAME] = name
        row[C_EMAIL] = business_email(name, seq, rnd, fk, "fr" if rnd.random() < 0.8 else "com")
        department = _fr_address(row, rnd, fk, 0.20)
        phone_kind = "landline" if rnd.random() < 0.7 else "mobile"
        row[C_PHONE] = fr_phone_for(seq, rnd, phone_kind, department)
        siren = siren_for(seq)
        row[C_SIRET] = siret_for(siren, rnd)
        if rnd.random() < SHARE_FR_VAT:
            row[C_VAT] = fr_vat_for(siren)
        if rnd.random() < 0.12:
            _fr_delivery(row, rnd, fk)
        _common_fields(row, rnd, fk, sector)
    else:
        country, locale, _, prefixes, tld = EU_COUNTRIES[
            rnd.choices(range(len(EU_COUNTRIES)), cum_weights=EU_WEIGHTS)[0]
        ]
        efk = _faker(locale)
        row[C_TYPE] = BUSINESS
        name = efk.company().strip()
        row[C_NAME] = name
        row[C_EMAIL] = business_email(name, seq, rnd, efk, tld)
        row[C_PHONE] = eu_phone_for(country, prefixes, seq, rnd)
        row[C_ADDR] = " ".join(efk.street_address().split())
        row[C_POSTCODE] = efk.postcode()
        row[C_CITY] = efk.city()
        row[C_COUNTRY] = country
        row[C_VAT] = eu_vat_for(country, seq, rnd)
        _common_fields(row, rnd, fk, rnd.choice(SECTORS))
    return row


def gen_chunk(task: tuple[int, int, bytes]) -> list[list[str]]:
    """Rows of one chunk: (chunk seed, first sequence number, kinds)."""
    chunk_seed, first_seq, kinds = task
    for i, locale in enumerate(["fr_FR", *(c[1] for c in EU_COUNTRIES)]):
        _faker(locale).seed_instance(chunk_seed + i)
    rnd = random.Random(chunk_seed)
    return [make_row(kind, first_seq + i, rnd) for i, kind in enumerate(kinds)]


# ---------------------------------------------------------------- planted duplicates


def change_case(email: str, rnd: random.Random) -> str:
    local, _, domain = email.partition("@")
    r = rnd.random()
    if r < 0.4:
        return local.capitalize() + "@" + domain.upper()
    if r < 0.7:
        return ".".join(p.capitalize() for p in local.split(".")) + "@" + domain
    return email.upper()


def spaced_siret(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def make_planted(original: list[str], kind: str, seq: int, rnd: random.Random) -> list[str]:
    row = list(original)
    if kind == "email":
        row[C_EMAIL] = change_case(original[C_EMAIL], rnd)
        return row
    fk = _faker("fr_FR")
    fk.seed_instance(rnd.getrandbits(48))  # independent of what this process made before
    department = original[C_POSTCODE][:2]
    domain = original[C_EMAIL].partition("@")[2]
    country = original[C_COUNTRY]
    if country == "FR":
        phone_kind = "mobile" if original[C_TYPE] == INDIVIDUAL else "landline"
        row[C_PHONE] = fr_phone_for(seq, rnd, phone_kind, department)
    else:
        prefixes = next(c[3] for c in EU_COUNTRIES if c[0] == country)
        row[C_PHONE] = eu_phone_for(country, prefixes, seq, rnd)
    if kind == "siret":  # same company, another contact
        row[C_EMAIL] = f"{rnd.choice(BUSINESS_LOCALS)}{seq}@{domain}"
        row[C_SIRET] = spaced_siret(original[C_SIRET])
        return row
    # name_postal_code: same name and postal code, nothing else in common
    if original[C_TYPE] == INDIVIDUAL:
        row[C_EMAIL] = individual_email(
            original[C_FIRST], original[C_NAME], seq, rnd, fk.free_email_domain()
        )
    else:
        tld = domain.rpartition(".")[2]
        row[C_EMAIL] = business_email(original[C_NAME], seq, rnd, fk, tld)
    if original[C_SIRET]:
        siren = siren_for(seq)
        row[C_SIRET] = siret_for(siren, rnd)
        if original[C_VAT]:
            row[C_VAT] = fr_vat_for(siren)
    elif original[C_VAT]:
        row[C_VAT] = eu_vat_for(country, seq, rnd)
    return row


def planted_key(row: list[str], kind: str) -> str:
    if kind == "email":
        return row[C_EMAIL].lower()
    if kind == "siret":
        return row[C_SIRET].replace(" ", "")
    return f"{row[C_NAME]} | {row[C_POSTCODE]}"


# ---------------------------------------------------------------- sinks


class CsvSink:
    def __init__(self, path: Path) -> None:
        self.file = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow(HEADER)

    def write(self, row: list[str]) -> None:
        self.writer.writerow(row)

    def close(self) -> None:
        self.file.close()


class XlsxSink:
    """Writes values as a spreadsheet user would have typed them."""

    def __init__(self, path: Path, seed: int, start: int) -> None:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        self.path = path
        self.cell = WriteOnlyCell
        self.wb = Workbook(write_only=True)
        self.ws = self.wb.create_sheet("Clients")
        self.ws.append(HEADER)
        self.rnd = random.Random(f"xlsx:{seed}:{start}")

    def write(self, row: list[str]) -> None:
        values: list[Any] = list(row)
        if self.rnd.random() < 0.5:  # typed as numbers: leading zeros are gone
            for col in (C_POSTCODE, C_DPOSTCODE, C_SIRET):
                if row[col].isdigit():
                    values[col] = int(row[col])
            phone = row[C_PHONE]
            if len(phone) == 10 and phone.isdigit():
                values[C_PHONE] = int(phone)
        if row[C_TERMS]:
            values[C_TERMS] = int(row[C_TERMS])
        discount = row[C_DISCOUNT]
        if discount.endswith("%"):
            cell = self.cell(self.ws, value=int(discount[:-1]) / 100)
            cell.number_format = "0%"
            values[C_DISCOUNT] = cell
        elif discount.isdigit():
            values[C_DISCOUNT] = int(discount)
        self.ws.append([v if v != "" else None for v in values])

    def close(self) -> None:
        self.wb.save(self.path)


# ---------------------------------------------------------------- driver


def plan_kinds(count: int, seed: int, start: int) -> bytearray:
    rnd = random.Random(f"kinds:{seed}:{start}")
    kinds = bytearray(count)
    for i in range(count):
        r = rnd.random()
        if r < SHARE_FR_BUSINESS:
            kinds[i] = K_FR_BUSINESS
        elif r < SHARE_FR_BUSINESS + SHARE_EU_BUSINESS:
            kinds[i] = K_EU_BUSINESS
    return kinds


def plan_duplicates(
    kinds: bytearray, planted: int, rnd: random.Random
) -> dict[int, list[tuple[int, int, str]]]:
    """{base index after which to insert: [(planted index, original base index, kind)]}."""
    base = len(kinds)
    businesses = [i for i, k in enumerate(kinds) if k == K_FR_BUSINESS]
    dup_kinds = ["email"] * (planted // 2) + ["siret"] * (planted // 4)
    dup_kinds += ["name_postal_code"] * (planted - len(dup_kinds))
    rnd.shuffle(dup_kinds)
    by_position: dict[int, list[tuple[int, int, str]]] = {}
    if not businesses:
        dup_kinds = ["email" if k == "siret" else k for k in dup_kinds]
    for j, kind in enumerate(dup_kinds):
        original = rnd.choice(businesses) if kind == "siret" else rnd.randrange(base)
        position = rnd.randint(original, base - 1)
        by_position.setdefault(position, []).append((j, original, kind))
    return by_position


def _chunks(kinds: bytearray, seed: int, start: int, workers: int) -> Iterator[list[list[str]]]:
    tasks = []
    for c, offset in enumerate(range(0, len(kinds), CHUNK_ROWS)):
        chunk_seed = random.Random(f"chunk:{seed}:{start}:{c}").getrandbits(48)
        tasks.append((chunk_seed, start + offset, bytes(kinds[offset : offset + CHUNK_ROWS])))
    if workers <= 1:
        yield from map(gen_chunk, tasks)
        return
    import multiprocessing

    with multiprocessing.Pool(workers) as pool:
        pending: deque[Any] = deque()
        queue = iter(tasks)
        for task in itertools.islice(queue, 2 * workers):
            pending.append(pool.apply_async(gen_chunk, (task,)))
        while pending:
            rows = pending.popleft().get()
            task = next(queue, None)
            if task is not None:
                pending.append(pool.apply_async(gen_chunk, (task,)))
            yield rows


def generate(args: argparse.Namespace) -> int:
    out: Path = args.output
    rows: int = args.rows
    if rows < 1:
        sys.exit("--rows must be at least 1")
    if args.start < 0 or args.start + rows > MAX_SEQUENCE:
        sys.exit(f"--start + --rows must stay within [0, {MAX_SEQUENCE:,}]")
    planted = round(rows * args.duplicates / 100)
    base = rows - planted
    if planted and base < 1:
        sys.exit("--duplicates leaves no original row")
    out.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    kinds = plan_kinds(base, args.seed, args.start)
    plant_rnd = random.Random(f"planted:{args.seed}:{args.start}")
    by_position = plan_duplicates(kinds, planted, plant_rnd)
    needed = {orig for items in by_position.values() for _, orig, _ in items}
    originals: dict[int, tuple[int, list[str]]] = {}
    planted_log: list[tuple[int, int, str, str]] = []

    sink: CsvSink | XlsxSink
    sink = CsvSink(out) if args.format == "csv" else XlsxSink(out, args.seed, args.start)
    show_progress = sys.stderr.isatty()
    row_number = 1  # header
    index = 0
    try:
        for chunk in _chunks(kinds, args.seed, args.start, args.workers):
            for row in chunk:
                row_number += 1
                sink.write(row)
                if index in needed:
                    originals[index] = (row_number, row)
                for j, orig, kind in by_position.get(index, ()):
                    orig_number, orig_row = originals[orig]
                    dup = make_planted(orig_row, kind, args.start + base + j, plant_rnd)
                    row_number += 1
                    sink.write(dup)
                    planted_log.append((row_number, orig_number, kind, planted_key(dup, kind)))
                index += 1
            if show_progress:
                print(f"\r{row_number - 1:,} / {rows:,} rows", end="", file=sys.stderr)
    finally:
        sink.close()
    if show_progress:
        print(file=sys.stderr)
    if args.duplicates:
        with planted_path(out).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "original_row", "kind", "key"])
            w.writerows(planted_log)
    elapsed = time.perf_counter() - t0
    print(
        f"{out}: {row_number - 1:,} rows ({planted:,} planted duplicates) in {elapsed:.1f} s "
        f"({(row_number - 1) / elapsed:,.0f} rows/s, {args.workers} workers)",
        file=sys.stderr,
    )
    return 0


def planted_path(out: Path) -> Path:
    return out.with_suffix(".planted.csv")


# ---------------------------------------------------------------- check


def _read_rows(path: Path) -> Iterator[list[str]]:
    """Rows as text, undoing what a spreadsheet does to typed numbers."""
    if path.suffix.lower() != ".xlsx":
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            if next(reader) != HEADER:
                raise SystemExit(f"{path}: unexpected header")
            yield from reader
        return
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    rows = wb.worksheets[0].iter_rows()
    if [c.value for c in next(rows)] != HEADER:
        raise SystemExit(f"{path}: unexpected header")
    for cells in rows:
        row = []
        for col, cell in enumerate(cells):
            v = cell.value
            if v is None:
                text = ""
            elif isinstance(v, float) and "%" in (cell.number_format or ""):
                text = f"{round(v * 100):d}%"
            elif isinstance(v, int | float):
                text = str(int(v))
                if col == C_SIRET:
                    text = text.zfill(14)
                elif col == C_PHONE:
                    text = text.zfill(10)
            else:
                text = str(v)
            row.append(text)
        row += [""] * (len(HEADER) - len(row))
        if row[C_COUNTRY] == "FR" and row[C_POSTCODE].isdigit():
            row[C_POSTCODE] = row[C_POSTCODE].zfill(5)
        if row[C_DCOUNTRY] == "FR" and row[C_DPOSTCODE].isdigit():
            row[C_DPOSTCODE] = row[C_DPOSTCODE].zfill(5)
        yield row
    wb.close()


def check(args: argparse.Namespace) -> int:
    import email_validator
    import phonenumbers
    from stdnum.eu import vat as eu_vat
    from stdnum.fr import siret as fr_siret

    path: Path = args.file
    planted_file: Path = args.planted or planted_path(path)
    planted: dict[int, tuple[int, str]] = {}
    if planted_file.exists():
        with planted_file.open(encoding="utf-8", newline="") as f:
            for rec in csv.DictReader(f):
                planted[int(rec["row"])] = (int(rec["original_row"]), rec["kind"])

    def phone_ok(text: str, region: str) -> bool:
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
        except phonenumbers.NumberParseException:
            return False

    def email_ok(text: str) -> bool:
        try:
            email_validator.validate_email(text, check_deliverability=False)
        except email_validator.EmailNotValidError:
            return False
        return True

    counts: dict[str, int] = dict.fromkeys(
        [
            "rows",
            "planted",
            "individuals",
            "fr_businesses",
            "eu_businesses",
            "email_valid",
            "email_lower_ascii",
            "phone_valid_region_FR",
            "phone_valid_region_country",
            "postcode_valid",
            "siret_present",
            "siret_valid",
            "vat_present",
            "vat_valid",
            "fr_vat_matches_siren",
            "planted_ok",
        ],
        0,
    )
    errors: list[str] = []
    seen: dict[str, dict[str, int]] = {"email": {}, "siret": {}, "phone": {}, "vat": {}}
    kept: dict[int, list[str]] = {}
    needed = {orig for orig, _ in planted.values()}
    for number, row in enumerate(_read_rows(path), start=2):
        counts["rows"] += 1
        if number in needed:
            kept[number] = row
        if number in planted:
            counts["planted"] += 1
            orig_number, kind = planted[number]
            orig = kept.get(orig_number)
            ok = (
                orig is not None
                and email_ok(row[C_EMAIL])
                and fr_siret.is_valid(row[C_SIRET]) == bool(row[C_SIRET])
                and (
                    (
                        kind == "email"
                        and row[C_EMAIL] != orig[C_EMAIL]
                        and row[C_EMAIL].lower() == orig[C_EMAIL]
                    )
                    or (
                        kind == "siret"
                        and " " in row[C_SIRET]
                        and row[C_SIRET].replace(" ", "") == orig[C_SIRET]
                        and row[C_EMAIL].lower() != orig[C_EMAIL]
                    )
                    or (
                        kind == "name_postal_code"
                        and (row[C_NAME], row[C_FIRST], row[C_POSTCODE])
                        == (orig[C_NAME], orig[C_FIRST], orig[C_POSTCODE])
                        and row[C_EMAIL].lower() != orig[C_EMAIL]
                        and (row[C_SIRET] != orig[C_SIRET] or not orig[C_SIRET])
                    )
                )
            )
            counts["planted_ok"] += ok
            if not ok:
                errors.append(f"row {number}: planted {kind} duplicate of row {orig_number} wrong")
            continue
        country = row[C_COUNTRY]
        if row[C_TYPE] == INDIVIDUAL:
            counts["individuals"] += 1
        elif country == "FR":
            counts["fr_businesses"] += 1
        else:
            counts["eu_businesses"] += 1
        email, phone, siret, vat = row[C_EMAIL], row[C_PHONE], row[C_SIRET], row[C_VAT]
        checks = {
            "email_valid": email_ok(email),
            "email_lower_ascii": email.isascii() and email == email.lower(),
            "phone_valid_region_FR": phone_ok(phone, "FR"),
            "phone_valid_region_country": phone_ok(phone, country),
            "postcode_valid": (
                len(row[C_POSTCODE]) == 5 and row[C_POSTCODE].isdigit()
                if country == "FR"
                else bool(row[C_POSTCODE])
            ),
        }
        if row[C_TYPE] == BUSINESS and country == "FR":
            counts["siret_present"] += bool(siret)
            checks["siret_valid"] = fr_siret.is_valid(siret)
        if vat:
            counts["vat_present"] += 1
            checks["vat_valid"] = eu_vat.is_valid(vat)
            if vat.startswith("FR"):
                checks["fr_vat_matches_siren"] = vat[4:] == siret[:9]
        for name, ok in checks.items():
            counts[name] += ok
            if not ok:
                errors.append(f"row {number}: {name} failed ({row[C_TYPE]}, {country})")
        keys = {"email": email.lower(), "siret": siret, "vat": vat}
        if checks["phone_valid_region_country"]:
            keys["phone"] = phonenumbers.format_number(
                phonenumbers.parse(phone, country), phonenumbers.PhoneNumberFormat.E164
            )
        for name, key in keys.items():
            if key:
                first = seen[name].setdefault(key, number)
                if first != number:
                    errors.append(f"row {number}: {name} {key} already on row {first}")
    counts.update({f"unique_{name}s": len(values) for name, values in seen.items()})
    width = max(map(len, counts))
    for name, value in counts.items():
        print(f"{name:<{width}}  {value:>10,}")
    for line in errors[:20]:
        print(line, file=sys.stderr)
    print(f"{len(errors):,} problems", file=sys.stderr)
    return 1 if errors else 0


# ---------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate realistic French client files (import template columns).",
        epilog="See the module docstring for the details of the data.",
    )
    sub = parser.add_subparsers(dest="format", required=True)
    for fmt in ("csv", "xlsx"):
        p = sub.add_parser(fmt, help=f"write a {fmt.upper()} file")
        p.add_argument("output", type=Path, help=f"the .{fmt} file to write")
        p.add_argument("--rows", type=int, default=100_000, help="data rows (default 100000)")
        p.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        p.add_argument(
            "--start", type=int, default=0, help="offset of the unique sequences (default 0)"
        )
        p.add_argument(
            "--duplicates",
            type=float,
            default=0.0,
            metavar="PCT",
            help="percentage of planted duplicate rows (default 0), listed in OUT.planted.csv",
        )
        p.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="worker processes (default: number of CPUs)",
        )
    p = sub.add_parser("check", help="validate a generated file")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--planted", type=Path, help="planted-duplicates file (default: FILE.planted.csv)"
    )
    args = parser.parse_args(argv)
    action: Callable[[argparse.Namespace], int] = check if args.format == "check" else generate
    return action(args)


if __name__ == "__main__":
    sys.exit(main())
