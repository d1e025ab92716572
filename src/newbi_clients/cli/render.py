"""Everything the CLI shows: Rich on a terminal, plain text when piped, JSON/CSV for scripts.

Data (tables, fiches, JSON, CSV, ids) goes to stdout; messages, warnings and previews go
to stderr. Rich honours ``NO_COLOR``.
"""

import sys
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, TextIO

from newbi_clients.cli.jsonout import (
    dumps,
    emit_json,
    emit_json_stream,
    emit_json_streaming,
    emit_jsonl,
)
from newbi_clients.errors import NewbiError
from newbi_clients.hygiene import visible
from newbi_clients.models import Client

if TYPE_CHECKING:
    from rich.console import Console

    from newbi_clients.fiscal import SellerSettings

# the JSON writers live in ``jsonout``; the commands import them from here
__all__ = ["dumps", "emit_json", "emit_json_stream", "emit_json_streaming", "emit_jsonl"]

Section = tuple[str, list[tuple[str, str]]]
REGIME_LABELS = {
    "french_vat": "TVA française",
    "reverse_charge": "Autoliquidation",
    "eu_no_vat_number": "TVA française (client UE sans n° de TVA)",
    "eu_individual": "TVA française (particulier UE)",
    "outside_eu": "Hors UE",
    "franchise": "Franchise en base de TVA",
    "overseas": "Outre-mer (à confirmer)",
}


@cache
def err_console() -> "Console":
    """Rich console on stderr."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


@cache
def out_console() -> "Console":
    """Rich console on stdout."""
    from rich.console import Console

    return Console(highlight=False)


def stdout_is_terminal() -> bool:
    """True when stdout is a terminal (Rich output) rather than a pipe or a file."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _soft() -> bool:
    """Wrap messages on a terminal only: a log file or a pipe gets whole lines."""
    return not err_console().is_terminal


def print_error(exc: NewbiError) -> None:
    """An expected error, in red on stderr."""
    from rich.markup import escape

    err_console().print(
        f"[bold red]Erreur :[/] {escape(visible(exc.message, True))}", soft_wrap=_soft()
    )


def warn(message: str) -> None:
    """A warning on stderr."""
    from rich.markup import escape

    err_console().print(
        f"[yellow]Attention :[/] {escape(visible(message, True))}", soft_wrap=_soft()
    )


def info(message: str) -> None:
    """A message on stderr."""
    from rich.markup import escape

    err_console().print(escape(visible(message, True)), soft_wrap=_soft())


# --- JSON and friends (in jsonout; imported from here by the commands) ---------------


def csv_stream() -> TextIO:
    """stdout, for the csv module."""
    return sys.stdout


def emit_ids(clients: Iterable[Client], out: TextIO | None = None) -> None:
    """One id a line, for xargs and ``tag add --stdin``."""
    out = out or sys.stdout
    for client in clients:
        out.write(f"{client.id}\n")


# --- tables -----------------------------------------------------------------------------

LIST_COLUMNS = ("ID", "Nom", "Type", "Email", "Téléphone", "Ville", "SIRET / TVA", "Tags")


def list_row(client: Client) -> tuple[str, ...]:
    """The cells of a client in a listing."""
    from newbi_clients.validation import format_phone

    address = client.billing_address
    city = address.city if address and address.city else ""
    if address and address.country != "FR":
        city = f"{city} ({address.country})" if city else address.country
    return (
        str(client.id),
        client.display_name + (" [BLOQUÉ]" if client.blocked else ""),
        client.kind.label,
        client.email or "",
        format_phone(client.phone) or "",
        city,
        client.siret or client.vat_number or "",
        ", ".join(client.tags),
    )


def emit_rows(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    title: str | None = None,
    drop: Sequence[str] | None = None,
) -> int:
    """Rows as a table that fits the terminal (see :mod:`newbi_clients.cli.tables`)."""
    from newbi_clients.cli import tables

    return tables.emit_rows(headers, rows, title, drop)


def emit_table(clients: Iterable[Client], title: str | None = None, revenue: bool = False) -> int:
    """Clients as a table (see :func:`emit_rows`), with their revenue when ``revenue``;
    returns the count."""
    if not revenue:
        return emit_rows(LIST_COLUMNS, (list_row(c) for c in clients), title)
    from newbi_clients.models import format_money_fr

    return emit_rows(
        (*LIST_COLUMNS[:2], "CA HT", *LIST_COLUMNS[2:]),
        (
            (*row[:2], f"{format_money_fr(c.revenue_cents)} {c.currency}", *row[2:])
            for c in clients
            for row in (list_row(c),)
        ),
        title,
    )


# --- the fiche ----------------------------------------------------------------------------


def _address_lines(client: Client) -> list[tuple[str, str]]:
    from newbi_clients.validation import country_label

    lines: list[tuple[str, str]] = []
    for label, address in (
        ("Facturation", client.billing_address),
        ("Livraison", client.delivery_address),
    ):
        if address is None:
            continue
        town = " ".join(filter(None, (address.postal_code, address.city)))
        parts = [
            p for p in (address.line1, address.line2, town, country_label(address.country)) if p
        ]
        lines.append((label, "\n".join(parts)))
    if client.billing_address and not client.delivery_address:
        lines.append(("Livraison", "identique à la facturation"))
    return lines


def fiche_sections(client: Client, settings: "SellerSettings | None" = None) -> list[Section]:
    """The fiche of a client as labelled sections (rendered by Rich or as plain text)."""
    from newbi_clients.fiscal import client_regime, zone_of
    from newbi_clients.validation import format_phone

    regime = client_regime(client, settings)
    identity = [
        ("Type", client.kind.label),
        ("Nom" if client.kind.value == "individual" else "Raison sociale", client.name),
        ("Prénom", client.first_name or ""),
        ("Email", client.email or ""),
        ("Téléphone", format_phone(client.phone) or ""),
    ]
    fiscal = [
        ("SIRET", _spaced(client.siret, (3, 3, 3, 5)) if client.siret else ""),
        ("SIREN", _spaced(client.siren, (3, 3, 3)) if client.siren else ""),
        ("TVA intracom.", client.vat_number or ""),
        *vies_lines(client),
        ("Zone", zone_of(client.country).value),
        ("Régime de TVA", REGIME_LABELS.get(regime.code, regime.code)),
        ("Mention facture", regime.mention),
    ]
    if regime.warning:
        fiscal.append(("Attention", regime.warning))
    payment = [
        ("Délai", f"{client.terms_days} jours" + (" fin de mois" if client.end_of_month else "")),
        ("Mode", client.payment_method.label if client.payment_method else ""),
        ("Remise", _discount(client)),
        ("Devise", client.currency),
    ]
    organisation = [
        ("Secteur", client.sector or ""),
        ("Segment", client.segment or ""),
        ("Tags", ", ".join(client.tags)),
    ]
    status = [
        ("Créé le", local_time(client.created_at)),
        ("Modifié le", local_time(client.updated_at)),
    ]
    if client.archived_at:
        status.append(("Archivé le", local_time(client.archived_at)))
    if client.merged_into:
        status.append(("Fusionné dans", f"#{client.merged_into}"))
    notes = [(local_time(n.at), n.text) for n in client.notes]
    blocked = (
        [("Depuis le", local_time(client.blocked.at)), ("Motif", client.blocked.reason)]
        if client.blocked
        else []
    )
    sections: list[Section] = [
        ("CLIENT BLOQUÉ : ne pas facturer", blocked),
        ("Identité et contact", [(k, val) for k, val in identity if val]),
        ("Contacts", contact_lines(client)),
        ("Adresses", _address_lines(client)),
        ("Identifiants fiscaux et TVA", [(k, val) for k, val in fiscal if val]),
        ("Conditions de paiement", [(k, val) for k, val in payment if val]),
        ("Organisation", [(k, val) for k, val in organisation if val]),
        ("Champs personnalisés", list(client.fields.items())),
        ("Notes", notes),
        ("Suivi", status),
    ]
    return sections


def contact_lines(client: Client) -> list[tuple[str, str]]:
    """One line per contact: « Claire Martin (principal) : Acheteuse, Achats — email — tél. »."""
    from newbi_clients.validation import format_phone

    lines = []
    for contact in client.contacts:
        role = ", ".join(p for p in (contact.position, contact.department) if p)
        parts = [role, contact.email or "", format_phone(contact.phone) or ""]
        label = f"{contact.display_name}{' (principal)' if contact.primary else ''} [{contact.id}]"
        lines.append((label, " — ".join(p for p in parts if p)))
    return lines


VIES_LABELS = {
    "valid": "valide",
    "invalid": "invalide",
    "unavailable": "VIES indisponible, numéro non confirmé",
    "not_checked": "non vérifié",
}


def vies_lines(client: Client) -> list[tuple[str, str]]:
    """The fiche lines of the VIES check: status and date, name and address VIES gave,
    consultation number, and a name that differs from the client's."""
    check = client.vies
    if check is None:
        return []
    from newbi_clients.vies import names_match

    status = VIES_LABELS.get(check.status, check.status)
    if check.checked_at:
        status += f" (contrôle du {local_time(check.checked_at)})"
    lines = [("Contrôle VIES", status)]
    if check.name:
        same = names_match(client, check.name)
        lines.append(
            (
                "Nom VIES",
                check.name + ("" if same is not False else " (différent du nom du client)"),
            )
        )
    if check.address:
        lines.append(("Adresse VIES", check.address))
    if check.consultation_number:
        lines.append(("N° de consultation", check.consultation_number))
    return lines


def _discount(client: Client) -> str:
    if client.discount is None:
        return ""
    if client.discount.type == "amount":
        return f"{client.discount} {client.currency}"
    return str(client.discount)


def _spaced(value: str, groups: Sequence[int]) -> str:
    parts, start = [], 0
    for size in groups:
        parts.append(value[start : start + size])
        start += size
    return " ".join(parts)


def french_date(day: str | None) -> str:
    """An ISO date as people read it in France: « 2026-01-15 » → « 15/01/2026 »."""
    if not day:
        return ""
    from datetime import date

    try:
        return date.fromisoformat(day[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return day


def local_time(stamp: str | None) -> str:
    """An ISO UTC timestamp in local time, as « 27/11/2026 20:57 »."""
    if not stamp:
        return ""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%d/%m/%Y %H:%M")


def emit_fiche(
    client: Client,
    settings: "SellerSettings | None" = None,
    extra: Sequence[Section] = (),
    to_stderr: bool = False,
) -> None:
    """The fiche of a client: Rich panels on a terminal, « Label : valeur » lines otherwise."""
    base = fiche_sections(client, settings)
    at_notes = next(i for i, s in enumerate(base) if s[0] == "Notes")
    sections = [s for s in [*base[:at_notes], *extra, *base[at_notes:]] if s[1]]
    title = f"#{client.id} {client.display_name}"
    terminal = sys.stderr.isatty() if to_stderr else stdout_is_terminal()
    if not terminal:
        out = sys.stderr if to_stderr else sys.stdout
        out.write(f"{visible(title)}\n")
        for name, rows in sections:
            out.write(f"\n[{name}]\n")
            for label, value in rows:
                # a value of several lines (a note, a merge's values left aside) keeps
                # them, each further line indented under its label's line
                out.write(f"{label} : {visible(value, True).replace(chr(10), chr(10) + '  ')}\n")
        return
    from rich.columns import Columns
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table

    panels = []
    for name, rows in sections:
        grid = Table.grid(padding=(0, 1))
        # a long label wraps at its spaces, so that an identifier keeps its whole line
        grid.add_column(style="bold", max_width=15)
        grid.add_column(overflow="fold")
        for label, value in rows:
            grid.add_row(escape(label), escape(visible(value, True)))
        panels.append(Panel(grid, title=escape(name), title_align="left", border_style="cyan"))
    console = err_console() if to_stderr else out_console()
    badge = " [red](archivé)[/]" if client.archived_at else ""
    badge += " [bold red](BLOQUÉ)[/]" if client.blocked else ""
    console.print(f"[bold]{escape(visible(title))}[/]{badge}")
    console.print(Columns(panels, equal=False, expand=False))
