"""Read a vCard file (3.0 or 4.0, many cards) as a table for the import pipeline.

vobject (the parser khard uses) reads the cards; each card becomes a row whose columns
are named ``vcard:…``, and the ``vcard`` profile of ``profiles.json`` maps them to
fields. Several emails, phones or categories are joined with « ::: » (the profile's
multi-value separator); an address whose label is « Livraison » (as our export writes
it) is the delivery address; our ``X-NEWBI-FISCAL`` line gives the SIRET and VAT number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.read import Table

HEADER = [
    "vcard:fn", "vcard:n.family", "vcard:n.given", "vcard:org", "vcard:kind", "vcard:title",
    "vcard:email", "vcard:tel", "vcard:adr.street", "vcard:adr.extended", "vcard:adr.code",
    "vcard:adr.city", "vcard:adr.country", "vcard:delivery.street", "vcard:delivery.extended",
    "vcard:delivery.code", "vcard:delivery.city", "vcard:delivery.country", "vcard:siret",
    "vcard:vat", "vcard:categories", "vcard:note",
]  # fmt: skip
SEPARATOR = " ::: "
_KINDS = {"org": "professionnel", "organization": "professionnel", "individual": "particulier"}
_FISCAL = re.compile(r"(SIRET|TVA)\s+(\S+)")


def open_vcard(path: Path) -> Table:
    """The cards of a .vcf file as rows.

    :raises ImportRejected: when the file holds no card or cannot be parsed.
    """
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text("cp1252")
    if "BEGIN:VCARD" not in text.upper():
        raise ImportRejected(f"{path.name} ne contient aucune fiche vCard (BEGIN:VCARD).")
    rows = list(_rows(text, path.name))
    return Table("vcard", list(HEADER), 1, iter(rows), encoding="utf-8", size_hint=len(rows))


def _rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    import vobject

    try:
        for number, card in enumerate(vobject.readComponents(text), start=2):
            yield number, _cells(card)
    except Exception as exc:  # vobject raises ParseError and a few others
        raise ImportRejected(f"{name} : fiche vCard illisible ({exc}).") from None


def _values(card: Any, prop: str) -> list[Any]:
    return [line.value for line in card.contents.get(prop, [])]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _cells(card: Any) -> list[str]:
    cells = dict.fromkeys(HEADER, "")
    cells["vcard:fn"] = _text(next(iter(_values(card, "fn")), ""))
    for n in _values(card, "n")[:1]:
        cells["vcard:n.family"], cells["vcard:n.given"] = _text(n.family), _text(n.given)
    for org in _values(card, "org")[:1]:
        cells["vcard:org"] = _text(org[0] if isinstance(org, list) and org else org)
    kind = _text(next(iter(_values(card, "kind")), "")).lower()
    cells["vcard:kind"] = _KINDS.get(kind, "")
    cells["vcard:title"] = _text(next(iter(_values(card, "title")), ""))
    cells["vcard:email"] = SEPARATOR.join(_text(e) for e in _values(card, "email"))
    phones = (_text(t).removeprefix("tel:") for t in _values(card, "tel"))
    cells["vcard:tel"] = SEPARATOR.join(phones)
    for line in card.contents.get("adr", []):
        label = " ".join(line.params.get("LABEL", [])).strip('"').lower()
        prefix = "vcard:delivery" if label == "livraison" else "vcard:adr"
        if cells[f"{prefix}.street"] or cells[f"{prefix}.city"]:
            continue  # the first address of each kind
        adr = line.value
        cells[f"{prefix}.street"] = _text(adr.street)
        cells[f"{prefix}.extended"] = _text(adr.extended)
        cells[f"{prefix}.code"] = _text(adr.code)
        cells[f"{prefix}.city"] = _text(adr.city)
        cells[f"{prefix}.country"] = _text(adr.country)
    for fiscal in _values(card, "x-newbi-fiscal"):
        for key, value in _FISCAL.findall(_text(fiscal)):
            cells["vcard:siret" if key == "SIRET" else "vcard:vat"] = value.rstrip(",")
    categories = [c for value in _values(card, "categories") for c in _as_list(value)]
    cells["vcard:categories"] = SEPARATOR.join(c.strip() for c in categories if c.strip())
    cells["vcard:note"] = "\n".join(_text(n) for n in _values(card, "note"))
    return [cells[h] for h in HEADER]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).split(",")
