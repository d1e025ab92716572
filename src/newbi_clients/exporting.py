"""Writers for clients: CSV (the import template's columns), with formula escaping.

The CSV header is the import template, so that export → import round-trips. A cell that
a spreadsheet would run as a formula is prefixed with « ' »; the importer removes exactly
that prefix again.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TextIO

from newbi_clients.models import Client, Kind, format_decimal

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
)
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


def _notes_cell(client: Client) -> str:
    return "\n".join(f"[{n.at}] {n.text}" for n in client.notes)


def client_to_cells(client: Client) -> list[str]:
    """A client as the template's cells (unescaped)."""
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
    ]


def write_csv(clients: Iterable[Client], out: TextIO, delimiter: str = ",") -> int:
    """Stream clients as CSV with the template header; returns the number of rows."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    count = 0
    for client in clients:
        writer.writerow([escape_formula(cell) for cell in client_to_cells(client)])
        count += 1
    return count


def write_template(out: TextIO, delimiter: str = ",") -> None:
    """The import template: header and one example row."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE)
