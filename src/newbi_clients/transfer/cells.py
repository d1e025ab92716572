"""From the cells of an imported row to the raw values of a client: notes read back with
their dates, and what a spreadsheet took given back (the leading zeros of postal codes,
SIRETs and phone numbers; a town written in the address; a SIREN in the SIRET column).
"""

from __future__ import annotations

import re
from typing import Any

from newbi_clients import validation as v
from newbi_clients.conditions import read_terms
from newbi_clients.errors import ValidationFailed
from newbi_clients.models import TERMS_DAYS
from newbi_clients.transfer.mapping import HeaderMap
from newbi_clients.transfer.semantics import row_fields

_NOTE_LINE = re.compile(r"^\[(\d{4}-\d{2}-\d{2}T[0-9:.+\-Z]+)\] ?(.*)$")
_ADDRESS_WITH_TOWN = re.compile(r"^(?P<street>.*?)[\s,]+(?P<cp>\d{5})\s+(?P<city>[^\d,][^,]*?)\s*$")
_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?E\+?\d+$", re.IGNORECASE)


def parse_notes(cell: str, stamp: str) -> list[tuple[str, str]]:
    """Notes from a cell: « [ISO date] text » lines (as exported) keep their date."""
    text = cell.strip()
    if not text:
        return []
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not _NOTE_LINE.match(lines[0]):
        return [(stamp, text)]
    notes: list[tuple[str, str]] = []
    for line in lines:
        match = _NOTE_LINE.match(line)
        if match:
            notes.append((match.group(1), match.group(2)))
        else:
            at, body = notes[-1]
            notes[-1] = (at, f"{body}\n{line[1:] if line.startswith(' ') else line}")
    return notes


_FRENCH_POSTAL = frozenset({"FR", "MC"})


def _country_code(text: object) -> str | None:
    """The ISO code of a raw country cell (FR when empty), None when unknown."""
    try:
        return v.normalize_country(text)
    except ValidationFailed:
        return None


def _pad_postal(code: str, country: str | None) -> str:
    """French codes (and overseas) that lost their zero; the others are padded by the
    validator itself (``normalize_postal_code``)."""
    if country in _FRENCH_POSTAL and code.isdigit() and len(code) == 4:
        return "0" + code
    return code


def _pad_siret(siret: str) -> str:
    """A SIRET that lost one or two leading zeros, kept padded only when it then checks."""
    if siret.isdigit() and len(siret) in (12, 13):
        padded = siret.zfill(14)
        try:
            v.normalize_siret(padded)
        except ValidationFailed:
            return siret
        return padded
    return siret


def _written_out(value: str) -> str:
    """An identifier a spreadsheet wrote in scientific notation with every digit
    (« 7.3282932000074E13 »), written out (« 73282932000074 »); any other value as it is
    (with digits lost, « 7,32829E+13 », it is refused by :func:`scientific_errors`)."""
    if not _SCIENTIFIC.match(value):
        return value
    mantissa, _, exponent = value.upper().partition("E")
    digits = mantissa.replace(".", "").replace(",", "")
    width = int(exponent) + 1  # digits of the whole number
    # every digit written (zeros after the last one are no decimals: 7,32829320000740E+13)
    if len(digits) >= width and not digits[width:].strip("0"):
        return digits[:width]
    return value


def _repaired_phone(phone: str, in_france: bool) -> str:
    """A phone as it was before a spreadsheet made a number of it: written out from
    scientific notation, its leading 0 given back (612345678 in France)."""
    if "E" in phone or "e" in phone:
        phone = _written_out(phone)
    if in_france and len(phone) == 9 and phone.isdigit() and phone[0] != "0":
        return "0" + phone
    return phone


def _repair(raw: dict[str, Any]) -> None:
    """Give back what a spreadsheet took: leading zeros of codes and numbers, the digits of
    identifiers written in scientific notation."""
    get = raw.get
    for key in ("siret", "siren"):
        value = get(key)
        if value and ("E" in value or "e" in value):
            raw[key] = _written_out(value)
    country = _country_code(get("country"))
    in_france = country == "FR"
    postal = get("postal_code") or ""
    if postal:
        padded = _pad_postal(postal, country)
        # no country and a foreign phone (« 1201 », +41…): the client's country is the
        # phone's (see build_client), whose code is not a French one that lost its zero
        if padded == postal or v.clean(get("country")) or not v.phone_country(get("phone")):
            raw["postal_code"] = padded
    elif not get("city") and in_france and get("address"):
        match = _ADDRESS_WITH_TOWN.match(raw["address"])
        if match:
            raw["address"] = match.group("street").rstrip(" ,")
            raw["postal_code"] = match.group("cp")
            raw["city"] = match.group("city")
    delivery = raw.get("delivery_postal_code") or ""
    if delivery:
        delivery_country = _country_code(raw.get("delivery_country") or raw.get("country"))
        raw["delivery_postal_code"] = _pad_postal(delivery, delivery_country)
    phone = get("phone")
    if phone:
        raw["phone"] = _repaired_phone(phone, in_france)
    for contact in get("contacts") or ():  # the person of the row has the row's phone
        if isinstance(contact, dict) and contact.get("phone"):
            contact["phone"] = _repaired_phone(contact["phone"], in_france)
    siret = raw.get("siret") or ""
    if siret.isdigit() and len(siret) == 9 and not raw.get("siren"):
        raw["siren"], raw["siret"] = siret, None  # a SIREN alone in the SIRET column
    elif siret:
        raw["siret"] = _pad_siret(siret)


def _terms(raw: dict[str, Any], text: str) -> None:
    """Payment terms written in words, as invoicing tools export them: « 60 jours fin de
    mois » gives the days and Fin de mois (unless its own column says), « net 30 » the
    days; « À réception », « comptant » or 0 days, which no allowed term says, leave the
    default terms, with a note and a notice naming what the file said, rather than the
    client refused."""
    days, end_of_month = read_terms(text)
    if days == 0 and 0 not in TERMS_DAYS:
        raw["terms_days"] = None
        said = (
            f"Conditions de paiement « {text} » : pas de paiement à réception parmi les délais"
            " (15, 30, 45 ou 60 jours), le délai par défaut s'applique"
        )
        notes = raw.get("extra_notes")
        raw["extra_notes"] = [*notes, said] if isinstance(notes, list) else [said]
        raw["notices"] = [*raw.get("notices", ()), f"{said} ; gardé en note"]
    elif days is not None and (end_of_month or days in TERMS_DAYS):
        raw["terms_days"] = str(days)  # (other days keep their text, refused with it)
        if end_of_month and v.clean(raw.get("end_of_month")) is None:
            raw["end_of_month"] = "oui"


def row_to_raw(cells: list[str], headers: HeaderMap) -> dict[str, Any]:
    """The raw field values of a row (formula escapes removed, lost zeros restored, payment
    terms in words read), with the person on the row (``contact``), what must be kept as
    notes (``extra_notes``) and what the preview must say (``notices``)."""
    raw = row_fields(cells, headers)
    _repair(raw)
    terms = raw.get("terms_days")
    # (nearly always a number of days, or nothing: no reading for them, but for 0)
    if terms and isinstance(terms, str) and (not terms.isdigit() or not terms.strip("0")):
        _terms(raw, terms)
    return raw


def scientific_errors(raw: dict[str, Any]) -> list[tuple[str | None, str, str | None, str]]:
    """(key, field, value, message) of each identifier a spreadsheet wrote as 7.3E+13."""
    errors: list[tuple[str | None, str, str | None, str]] = []
    for key, label in (("siret", "SIRET"), ("phone", "Téléphone"), ("siren", "SIREN")):
        value = raw.get(key)
        # the pattern needs an E: values without one (nearly all) are not matched at all
        if value and ("E" in value or "e" in value) and _SCIENTIFIC.match(value):
            errors.append((key, key, value, (
                f"{label} illisible : le tableur l'a écrit en notation scientifique ({value})"
                " et a perdu des chiffres ; formatez la colonne en texte puis exportez à nouveau"
            )))  # fmt: skip
    return errors
