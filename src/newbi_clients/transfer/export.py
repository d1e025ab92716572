"""Writers for clients: CSV and XLSX (the import template's columns), JSON, with formula
escaping; vCard is in ``vcard``.

The CSV header is the import template (its last columns hold the primary contact), then
one column per custom field, so that export → import round-trips. A cell that
a spreadsheet would run as a formula is prefixed with « ' »; the importer removes exactly
that prefix again.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from newbi_clients.models import CONTACT_FIELDS, Client, Contact, Kind, format_decimal
from newbi_clients.transfer.limits import check_cell_lengths

if TYPE_CHECKING:
    from newbi_clients.search import ClientQuery
    from newbi_clients.storage import ClientStore

TEMPLATE_COLUMNS = (
    "Type",
    "Nom",
    "Prénom",
    "Email",
    "Téléphone",
    "Adresse",
    "Complément d'adresse",
    "Code postal",
    "Ville",
    "Pays",
    "Adresse de livraison",
    "Code postal livraison",
    "Ville livraison",
    "Pays livraison",
    "SIRET",
    "TVA intracommunautaire",
    "Délai de paiement",
    "Fin de mois",
    "Mode de paiement",
    "Remise",
    "Devise",
    "Secteur",
    "Segment",
    "Tags",
    "Notes",
    # the person of a company row: its primary contact
    "Contact prénom",
    "Contact nom",
    "Contact fonction",
    "Contact service",
    "Contact email",
    "Contact téléphone",
)
CONTACT_COLUMNS = TEMPLATE_COLUMNS[-6:]
TEMPLATE_EXAMPLE = (
    "professionnel",
    "ACME SAS",
    "",
    "contact@acme.fr",
    "01 42 00 00 00",
    "12 rue de la Paix",
    "Bâtiment B",
    "75002",
    "Paris",
    "FR",
    "",
    "",
    "",
    "",
    "73282932000074",
    "FR44732829320",
    "30",
    "non",
    "virement",
    "5%",
    "EUR",
    "Services",
    "VIP",
    "Salon 2025, Newsletter",
    "Client depuis 2019",
    "Claire",
    "Martin",
    "Acheteuse",
    "Achats",
    "claire.martin@acme.fr",
    "06 12 34 56 78",
)
FORMULA_STARTS = ("=", "@", "\t", "\r", "\n")
_SIGNED_NUMBER = re.compile(r"^[+-][0-9][0-9 .,\u00a0]*$")


def escape_formula(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula, keeping numbers intact.

    >>> escape_formula("=HYPERLINK(1)")
    "'=HYPERLINK(1)"
    >>> escape_formula("+33612345678"), escape_formula("-12.50")
    ('+33612345678', '-12.50')
    >>> escape_formula("-2+3")
    "'-2+3"
    """
    if not value:
        return value
    if value[0] == "'" and len(value) > 1 and escape_formula(value[1:]) != value[1:]:
        return "'" + value  # so that the importer's unescape gives this very value back
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    if value[0] in "+-" and not _SIGNED_NUMBER.match(value):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """Remove the prefix that :func:`escape_formula` added, and only that one."""
    if len(value) > 1 and value[0] == "'" and escape_formula(value[1:]) == value:
        return value[1:]
    return value


def _note_text(text: str) -> str:
    # a line that starts with a space or « [ » gets one more space, so that it is never
    # read back as the start of another note; the importer removes that space
    lines = text.split("\n")
    rest = (f" {x}" if x.startswith((" ", "[")) else x for x in lines[1:])
    return "\n".join([lines[0], *rest])


def _notes_cell(client: Client) -> str:
    return "\n".join(f"[{n.at}] {_note_text(n.text)}" for n in client.notes)


def client_to_cells(client: Client, fields: Sequence[str] = ()) -> list[str]:
    """A client as the template's cells (unescaped), then the values of the custom
    ``fields`` named."""
    billing = client.billing_address
    delivery = client.delivery_address
    discount = ""
    if client.discount:
        value = format_decimal(client.discount.value)
        discount = f"{value}%" if client.discount.type == "percent" else f"{client.discount.value}"
    delivery_line = ""
    if delivery:
        delivery_line = ", ".join(p for p in (delivery.line1, delivery.line2) if p)
    return [
        "particulier" if client.kind is Kind.INDIVIDUAL else "professionnel",
        client.name,
        client.first_name or "",
        client.email or "",
        client.phone or "",
        (billing.line1 or "") if billing else "",
        (billing.line2 or "") if billing else "",
        (billing.postal_code or "") if billing else "",
        (billing.city or "") if billing else "",
        billing.country if billing else "",
        delivery_line,
        (delivery.postal_code or "") if delivery else "",
        (delivery.city or "") if delivery else "",
        delivery.country if delivery else "",
        client.siret or client.siren or "",
        client.vat_number or "",
        str(client.terms_days),
        "oui" if client.end_of_month else "non",
        client.payment_method.value if client.payment_method else "",
        discount,
        client.currency,
        client.sector or "",
        client.segment or "",
        ", ".join(client.tags),
        _notes_cell(client),
        *_contact_cells(client.primary_contact),
        *(client.fields.get(name, "") for name in fields),
    ]


def _contact_cells(contact: Contact | None) -> list[str]:
    if contact is None:
        return [""] * len(CONTACT_COLUMNS)
    return [getattr(contact, key) or "" for key in CONTACT_FIELDS]


def cells_of_clients(clients: Iterable[Client], fields: Sequence[str] = ()) -> Iterator[list[str]]:
    """The template cells of clients already loaded (and of the custom ``fields``)."""
    return (client_to_cells(c, fields) for c in clients)


# The same cells as client_to_cells, computed by SQLite for a whole export (a test checks
# that both give the same rows): no Client object is built, which keeps an export of a
# million clients as fast as a plain `sqlite-utils rows --csv`.
_CELLS_SQL = """
SELECT c.id, CASE c.kind WHEN 'individual' THEN 'particulier' ELSE 'professionnel' END,
 c.name, coalesce(c.first_name, ''), coalesce(c.email, ''), coalesce(c.phone, ''),
 coalesce(c.billing_line1, ''), coalesce(c.billing_line2, ''),
 coalesce(c.billing_postal_code, ''), coalesce(c.billing_city, ''),
 CASE WHEN coalesce(c.billing_line1, c.billing_line2, c.billing_postal_code, c.billing_city)
  IS NULL AND c.billing_country = 'FR' THEN '' ELSE c.billing_country END,
 coalesce(c.delivery_line1, '') || CASE WHEN c.delivery_line1 IS NOT NULL
  AND c.delivery_line2 IS NOT NULL THEN ', ' ELSE '' END || coalesce(c.delivery_line2, ''),
 coalesce(c.delivery_postal_code, ''), coalesce(c.delivery_city, ''),
 coalesce(c.delivery_country, ''), coalesce(c.siret, c.siren, ''), coalesce(c.vat_number, ''),
 CAST(c.terms_days AS TEXT), CASE c.end_of_month WHEN 1 THEN 'oui' ELSE 'non' END,
 coalesce(c.payment_method, ''), CASE c.discount_type WHEN 'percent'
  THEN c.discount_value || '%' WHEN 'amount' THEN c.discount_value ELSE '' END,
 c.currency, coalesce(c.sector, ''), coalesce(c.segment, '')
"""


def cells_of_store(
    store: ClientStore, query: ClientQuery, fields: Sequence[str] = ()
) -> Iterator[list[str]]:
    """The template cells of the clients a query selects, in id (creation) order, streamed,
    then the values of the custom ``fields`` named.

    Tags, notes, primary contacts and field values come from more cursors walked in step
    with the clients (a merge on the client id), not from a subquery per client.
    """
    from newbi_clients.search import build_where
    from newbi_clients.validation import tag_key

    where, params, _ = build_where(query)
    sql = f"{_CELLS_SQL} {where} ORDER BY c.id"
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit)}"
    tags = store.conn.execute(
        "SELECT ct.client_id, t.name FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
        " ORDER BY ct.client_id"
    )
    notes = store.conn.execute("SELECT client_id, at, text FROM notes ORDER BY client_id, id")
    contacts = store.conn.execute(
        f"SELECT client_id, {', '.join(CONTACT_FIELDS)} FROM contacts WHERE is_primary"
        " ORDER BY client_id"
    )
    values = store.conn.execute(
        "SELECT fv.client_id, d.name, fv.value FROM field_values fv JOIN field_defs d"
        " ON d.id = fv.field_id ORDER BY fv.client_id"
    )
    tag = next(tags, None)
    note = next(notes, None)
    contact = next(contacts, None)
    value = next(values, None)
    for row in store.conn.execute(sql, params):
        client_id = row[0]
        names: list[str] = []
        while tag is not None and tag[0] <= client_id:
            if tag[0] == client_id:
                names.append(tag[1])
            tag = next(tags, None)
        texts: list[str] = []
        while note is not None and note[0] <= client_id:
            if note[0] == client_id:
                texts.append(f"[{note[1]}] {_note_text(note[2])}")
            note = next(notes, None)
        person: list[str] = [""] * len(CONTACT_COLUMNS)
        while contact is not None and contact[0] <= client_id:
            if contact[0] == client_id:
                person = [c or "" for c in contact[1:]]
            contact = next(contacts, None)
        own: dict[str, str] = {}
        while value is not None and value[0] <= client_id:
            if value[0] == client_id:
                own[value[1]] = value[2]
            value = next(values, None)
        yield [*row[1:], ", ".join(sorted(names, key=tag_key)), "\n".join(texts), *person,
               *(own.get(name, "") for name in fields)]  # fmt: skip


_RISKY = frozenset("=@\t\r\n+-'")


def write_csv(
    rows: Iterable[Sequence[str]], out: TextIO, delimiter: str = ",", fields: Sequence[str] = ()
) -> int:
    """Stream template rows as CSV under the template header (then a column per custom
    field named), formulas neutralised; returns the number of rows."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*TEMPLATE_COLUMNS, *fields])
    count = 0
    risky = _RISKY
    for cells in rows:
        writer.writerow([c if not c or c[0] not in risky else escape_formula(c) for c in cells])
        count += 1
    return count


def write_template(out: TextIO, delimiter: str = ",") -> None:
    """The import template: header and one example row."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE)


def write_json(items: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array written item by item (flat memory); returns the count."""
    count = 0
    out.write("[")
    for item in items:
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(items: Iterable[dict[str, Any]], out: TextIO) -> int:
    """One JSON object a line; returns the count."""
    count = 0
    for item in items:
        out.write(json.dumps(item, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_xlsx_rows(
    target: Path | BinaryIO, header: Sequence[str], rows: Iterable[Sequence[str]], title: str
) -> int:
    """An XLSX sheet of text cells, streamed (openpyxl write-only): never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    bold = Font(bold=True)

    def text_cell(value: str, header_cell: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=_xlsx_safe(value))
        cell.data_type = "s"  # a value, even when it starts with « = »
        if header_cell:
            cell.font = bold
        return cell

    sheet.append([text_cell(h, True) for h in header])
    count = 0
    try:
        for row in rows:
            cells = [escape_formula(c) if c else c for c in row]
            check_cell_lengths(header, cells, count + 2)
            sheet.append([text_cell(c) if c else None for c in cells])
            count += 1
    except BaseException:
        sheet.close()  # ends openpyxl's writer now, not noisily when collected
        raise
    book.save(target)
    return count


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_safe(value: str) -> str:
    """Control characters that XML 1.0 (and so XLSX) cannot hold, which only older data
    may still carry, are written as their visible symbol (ESC as ␛), as on screen: never
    dropped silently."""
    return _XLSX_ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), value)


def write_xlsx(
    rows: Iterable[Sequence[str]], target: Path | BinaryIO, fields: Sequence[str] = ()
) -> int:
    """Template rows as an XLSX sheet with the template's columns (then a column per
    custom field named); returns the count."""
    return write_xlsx_rows(target, [*TEMPLATE_COLUMNS, *fields], rows, "Clients")
