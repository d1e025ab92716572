"""What a row means, from the cells its mapped columns hold: never from column order.

Several columns may feed one field, in priority order: the first value wins and the
others are kept (extra emails and phones become a note). A row that names an
organisation is a business named after it, and the person on the row (first and last
name, job title, email, phone) is its contact; with the contacts a file lists in columns
of their own, they are kept as ``contacts`` (the first one primary; a person that does not
validate becomes a note). The
kind comes from an explicit column, else from Odoo's ``company_type`` or ``is_company``,
Dolibarr's « Type du tiers », or the organisation. An address in one cell (Google's
« Address 1 - Formatted ») is read only when no column of the address holds anything.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from newbi_clients import validation as v
from newbi_clients.builder import FIELD_KEYS
from newbi_clients.errors import ValidationFailed
from newbi_clients.text import fold
from newbi_clients.transfer.export import unescape_formula
from newbi_clients.transfer.mapping import HeaderMap

# fields of a client taken as the first value found: every field of ``add`` but those
# built from several columns here (type, names, emails, phones, first address line, tags)
_SINGLE = tuple(
    k
    for k in FIELD_KEYS
    if k not in ("kind", "name", "first_name", "email", "phone", "address", "tags")
)
CONTACT_KEYS = ("first_name", "last_name", "position", "department", "email", "phone")
_TRUE = {"1", "true", "vrai", "oui", "yes", "x"}
_FALSE = {"0", "false", "faux", "non", "no"}
_PRIVATE = {"particulier", "teprivate", "private", "individual", "individu", "individuprive"}


_SINGLE_SET = frozenset(_SINGLE)
_NONE: list[None] = [None]
# fields read as they are by build_client: custom fields, the flat « Contact … » columns
_AS_IS = ("fields.", "contact_")
_KIND_SOURCES = frozenset({"company_type", "is_company", "third_party_type"})


class _Direct(dict[str, bool]):
    """Whether a field's first value is the raw value as it is, by field key: worked out
    once a key instead of on every cell of every row."""

    def __missing__(self, key: str) -> bool:
        self[key] = direct = key in _SINGLE_SET or key.startswith(_AS_IS)
        return direct


_DIRECT = _Direct()
# the fields whose values the functions below read from ``values`` (the others are only
# taken as they are): a direct field among them is read both ways
_READ_AS_VALUES = frozenset({
    "email", "phone", "mobile", "tags", "notes", "address", "delivery_address", "contacts",
    "kind", "company_type", "is_company", "third_party_type", "organization", "first_name",
    "last_name", "name", "full_name", "job_title",
})  # fmt: skip
_NO_CELLS = itemgetter(slice(0, 0))
# the columns of an address: when one is filled, a whole address in one cell is not read
_ADDRESS_PARTS = ("address", "line2", "postal_code", "city", "country")
# « 75002 Paris », « 10117 Berlin », « L-1450 Luxembourg »: a postal code, then its town
_CODE_TOWN = re.compile(r"^(?:[A-Z]{1,2}-)?(?P<code>\d{4,5})\s+(?P<city>[^\d\s].*)$")


@dataclass(frozen=True, slots=True)
class _Reader:
    """How the plain columns of a row are read, worked out once a header: the cells of
    the fields taken as they are (``direct``) straight into the raw values, those of the
    others into lists of values; ``shared`` are direct fields also read as values."""

    width: int
    direct_keys: tuple[str, ...]
    direct_cells: Callable[[list[str]], Sequence[str]]
    other_keys: tuple[str, ...]
    other_cells: Callable[[list[str]], Sequence[str]]
    shared: tuple[str, ...]


def _cells_at(indexes: list[int]) -> Callable[[list[str]], Sequence[str]]:
    """The cells at ``indexes``, always as a sequence (itemgetter of one index gives a
    bare cell: a one-cell slice instead)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    if indexes:
        return itemgetter(slice(indexes[0], indexes[0] + 1))
    return _NO_CELLS


def _reader(headers: HeaderMap) -> _Reader | None:
    """The plan of :class:`_Reader` for ``headers`` (None when no plain column)."""
    if headers.reader is None:
        direct = [(k, i) for k, i in headers.singles if _DIRECT[k]]
        other = [(k, i) for k, i in headers.singles if not _DIRECT[k]]
        headers.reader = (
            _Reader(
                headers.single_width,
                tuple(k for k, _ in direct),
                _cells_at([i for _, i in direct]),
                tuple(k for k, _ in other),
                _cells_at([i for _, i in other]),
                tuple(k for k, _ in direct if k in _READ_AS_VALUES),
            )
            if headers.singles
            else False
        )
    return headers.reader or None


def cell_values(cells: list[str], headers: HeaderMap) -> dict[str, list[str]]:
    """The non-empty values of each field, in priority order (multi-values split)."""
    values: dict[str, list[str]] = {}
    width = len(cells)
    # (the usual row, as wide as its plain columns, is read by _plain_row instead)
    for key, index in headers.singles:
        if index < width:
            cell = cells[index].strip()
            if cell:
                values[key] = [unescape_formula(cell) if cell[0] == "'" else cell]
    for key, indexes in headers.multiples:
        found = [v for index in indexes if index < width for v in _cell(cells[index], headers)]
        if found:
            values[key] = found
    return values


def _cell(text: str, headers: HeaderMap) -> list[str]:
    cell = text.strip()
    if not cell:
        return []
    cell = unescape_formula(cell)
    if headers.literal_newlines:
        cell = cell.replace("\\r\\n", "\n").replace("\\n", "\n")
    separator = headers.multi_value
    if separator and separator in cell:
        return [p.strip() for p in cell.split(separator) if p.strip()]
    return [cell]


def _plain_row(
    cells: list[str], headers: HeaderMap, reader: _Reader
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """What :func:`cell_values` and the first values of the direct fields give, for a row
    wide enough for its plain columns: the direct fields' cells go straight to the raw
    values, with no one-value list made and read back for each (in the order of
    ``cell_values``: plain columns, then the fields of several)."""
    strip = str.strip
    raw: dict[str, Any] = {}
    for key, cell in zip(reader.direct_keys, map(strip, reader.direct_cells(cells)), strict=True):
        if cell:
            raw[key] = unescape_formula(cell) if cell[0] == "'" else cell
    values: dict[str, list[str]] = {}
    for key, cell in zip(reader.other_keys, map(strip, reader.other_cells(cells)), strict=True):
        if cell:
            values[key] = [unescape_formula(cell) if cell[0] == "'" else cell]
    for key in reader.shared:
        if key in raw:
            values[key] = [raw[key]]
    width = len(cells)
    for key, indexes in headers.multiples:
        found = [v for index in indexes if index < width for v in _cell(cells[index], headers)]
        if found:
            values[key] = found
            if _DIRECT[key]:
                raw[key] = found[0]
    return raw, values


def row_fields(cells: list[str], headers: HeaderMap) -> dict[str, Any]:
    """The raw values of a client read from a row (``contact`` and ``extra_notes`` too)."""
    reader = _reader(headers)
    if reader is not None and len(cells) >= reader.width:  # the usual case
        raw, values = _plain_row(cells, headers, reader)
        if not raw and not values:
            return {}
    else:
        values = cell_values(cells, headers)
        if not values:
            return {}
        raw = {k: found[0] for k, found in values.items() if _DIRECT[k]}
    extra: list[str] = []
    emails = values.get("email", [])
    if len(emails) > 1:
        emails = _unique(emails, str.casefold)
    raw["email"] = emails[0] if emails else None
    if len(emails) > 1:
        extra.append("Autres emails : " + ", ".join(emails[1:]))
    phones = values.get("phone", [])
    if "mobile" in values:
        phones = phones + values["mobile"]
    if len(phones) > 1:
        phones = _unique(phones, _digits)
    raw["phone"] = phones[0] if phones else None
    if len(phones) > 1:
        extra.append("Autres téléphones : " + ", ".join(phones[1:]))
    if "tags" in values:
        raw["tags"] = _tags(values["tags"], headers.drop_tags)
    if "notes" in values:
        raw["notes"] = "\n".join(values["notes"])
    for street, line2 in (("address", "line2"), ("delivery_address", "delivery_line2")):
        if street in values:
            _split_lines(raw, values, street, line2)
    if "formatted_address" in values and not any(raw.get(k) for k in _ADDRESS_PARTS):
        _formatted_address(raw, values["formatted_address"][0])
    raw["contacts"] = _listed_contacts(values)
    _names(raw, values, _kind(values, headers), extra)
    raw["extra_notes"] = extra
    return raw


def _listed_contacts(values: dict[str, list[str]]) -> list[Any]:
    """The people of a vCard's company (« contacts »: a JSON list of objects); our
    template's « Contact … » columns stay flat keys, which build_client reads as one more
    contact. What is not an object is kept as it is, for build_client to refuse."""
    if "contacts" not in values:
        return []  # the usual row: no loop run for nothing
    found: list[Any] = []
    for text in values["contacts"]:
        try:
            people = json.loads(text)
        except ValueError:  # not JSON (a column mapped with --map): refused by build_client
            people = text
        if people is not None:  # « null »: nobody
            found.extend(people if isinstance(people, list) else [people])
    return found


def _unique(items: list[str], key: Any) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit()) or text


def _tags(labels: list[str], drop: tuple[str, ...]) -> str | None:
    """Tags from labels: the exporter's system labels dropped, Google's « * » removed."""
    if not drop and len(labels) == 1:
        return labels[0]
    dropped = {fold(d) for d in drop}
    kept = [t.removeprefix("* ").strip() for t in labels if fold(t) not in dropped]
    return ", ".join(t for t in kept if t) or None


def _split_lines(
    raw: dict[str, Any], values: dict[str, list[str]], street: str, line2: str
) -> None:
    text = values.get(street, [None])[0]
    if text is None or ("\n" not in text and "\r" not in text):
        raw[street] = text
        return
    lines = [line.strip(" ,") for line in text.replace("\r", "\n").split("\n") if line.strip()]
    raw[street] = lines[0] if lines else None
    rest = [*lines[1:], *([raw[line2]] if raw.get(line2) else [])]
    if rest:
        raw[line2] = ", ".join(rest)


def _formatted_address(raw: dict[str, Any], text: str) -> None:
    """An address typed as free text, as Google keeps it when nobody filled the street and
    the town apart (« 12 rue de la Paix », « 75002 Paris », « France » on their lines): a
    last line naming a country gives the country, a « 75002 Paris » line (the last one but
    the street's) the postal code and the town, the first other line the street and the
    next ones its complement."""
    lines = [line.strip(" ,") for line in text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > 1 and _is_country(lines[-1]):
        raw["country"] = lines.pop()
    first = 1 if len(lines) > 1 else 0  # the first line is the street's, unless alone
    for index in range(len(lines) - 1, first - 1, -1):
        match = _CODE_TOWN.match(lines[index])
        if match:
            raw["postal_code"], raw["city"] = match.group("code"), match.group("city")
            del lines[index]
            break
    if lines:
        raw["address"] = lines[0]
    if len(lines) > 1:
        raw["line2"] = ", ".join(lines[1:])


def _is_country(text: str) -> bool:
    """Whether a line names a country (« France », « Allemagne », « Germany », « DE »)."""
    try:
        v.normalize_country(text)
    except ValidationFailed:
        return False
    return True


def _kind(values: dict[str, list[str]], headers: HeaderMap) -> str | None:
    """« professionnel » / « particulier » from whichever column says it (None: unknown)."""
    if "kind" in values:
        return values["kind"][0]
    if _KIND_SOURCES.isdisjoint(values):
        return headers.kind
    company_type = fold(values.get("company_type", [""])[0])
    if company_type in ("company", "societe", "entreprise"):
        return "professionnel"
    if company_type in ("person", "individual", "particulier", "personne"):
        return "particulier"
    is_company = fold(values.get("is_company", [""])[0])
    if is_company in _TRUE:
        return "professionnel"
    if is_company in _FALSE:
        return "particulier"
    third = values.get("third_party_type")
    if third:
        key = "".join(c for c in fold(third[0]) if c.isalnum())
        return "particulier" if key in _PRIVATE else "professionnel"
    return headers.kind


def _names(raw: dict[str, Any], values: dict[str, list[str]], kind: str | None,
           extra: list[str]) -> None:  # fmt: skip
    """Name, first name, kind and contact: an organisation makes the row a business."""
    get = values.get
    org = (get("organization") or _NONE)[0]
    given = (get("first_name") or _NONE)[0]
    last = (get("last_name") or _NONE)[0]
    name = (get("name") or _NONE)[0]
    full = (get("full_name") or _NONE)[0]
    if full and org and fold(full) == fold(org):
        full = None  # a vCard's FN repeats the organisation's name
    # only an explicit Type column keeps a person with an organisation an individual: the
    # person of an Odoo or Dolibarr contact row (company_type person) is a business's contact
    said = values.get("kind", [""])[0] if org else ""
    individual = bool(said) and fold(said).startswith(("particulier", "individual", "b2c"))
    raw["kind"] = kind
    if org and not individual:
        raw["name"], raw["first_name"] = org, None
        raw["kind"] = "professionnel"
        person_last = last or (name if name and fold(name) != fold(org) else None)
        if person_last and not last:
            # Odoo's display name of a contact: « Company, Person »
            head, comma, rest = person_last.partition(", ")
            if comma and rest and fold(head) == fold(org):
                person_last = rest
        person = {
            "first_name": given,
            "last_name": person_last or (None if given else full),
            "position": (get("job_title") or _NONE)[0],
            "email": raw.get("email"),
            "phone": raw.get("phone"),
        }
        if person["first_name"] or person["last_name"]:
            _absorb_flat_contact(raw, person)
            raw["contacts"].insert(0, person)
        return
    family = name or last
    if family:
        raw["name"], raw["first_name"] = family, given
    else:
        raw["name"], raw["first_name"] = (full or given), (given if full else None)
    if org:
        extra.append(f"Société : {org}")


def _absorb_flat_contact(raw: dict[str, Any], person: dict[str, Any]) -> None:
    """« Contact … » columns without a name of their own (a position, a department)
    describe the person on the row: they complete it instead of making another contact."""
    if raw.get("contact_first_name") or raw.get("contact_last_name"):
        return
    for key in ("position", "department", "email", "phone"):
        value = raw.pop(f"contact_{key}", None)
        if value and not person.get(key):
            person[key] = value


def contact_note(person: dict[str, Any]) -> str:
    """« Contact : Jeanne Martin (Directrice) — jeanne@x.fr, 06 12 34 56 78 »."""
    who = " ".join(p for p in (person.get("first_name"), person.get("last_name")) if p)
    if person.get("position"):
        who += f" ({person['position']})"
    reach = ", ".join(p for p in (person.get("email"), person.get("phone")) if p)
    return f"Contact : {who}" + (f" — {reach}" if reach else "")
