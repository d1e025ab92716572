"""stats, and the statistics and history sections of the fiche."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store, resolve
from newbi_clients.cli.history import money_fr
from newbi_clients.cli.render import french_date
from newbi_clients.models import format_money

if TYPE_CHECKING:
    from newbi_clients.stats import Stats
    from newbi_clients.storage import ClientStore


def register(app: typer.Typer) -> None:
    """Attach stats."""
    app.command("stats")(stats)


def stats(
    client_ref: Annotated[str | None, typer.Argument(metavar="[CLIENT]", help="Un client ; tout le carnet sinon.", show_default=False)] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Chiffre d'affaires, factures, taux de paiement, encours et retards (un client ou tous).

    Dans un terminal, le chiffre d'affaires mensuel des 12 derniers mois est dessiné.

    Exemple : newbi-clients stats acme --format json
    """
    from newbi_clients.cli.render import emit_json
    from newbi_clients.stats import compute, monthly_revenue, status_split

    with open_store() as store:
        client = resolve(store, client_ref) if client_ref else None
        client_id = client.id if client else None
        figures = compute(store, client_id)
        months = monthly_revenue(store, client_id)
        split = status_split(store, client_id)
    if format_ is ViewFormat.JSON:
        emit_json(
            figures.to_dict()
            | {
                "monthly_revenue": [
                    {"month": m, figures.to_dict()["currency"]: "0.00"}
                    | {c: format_money(a) for c, a in v.items()}
                    for m, v in months
                ],
                "invoice_statuses": split,
            }
        )
        return
    who = f"#{client.id} {client.display_name}" if client else "tout le carnet"
    emit_stats(figures, f"Statistiques : {who}")
    _draw(months, split)


def stats_rows(figures: "Stats") -> list[tuple[str, str]]:
    """Statistics as (label, value) rows, one block per currency."""
    from newbi_clients.stats import CurrencyStats

    rows: list[tuple[str, str]] = []
    currencies = sorted(figures.currencies.values(), key=lambda x: (-x.invoice_count, x.currency))
    for s in currencies or [CurrencyStats(figures.default_currency)]:
        cur = f" {s.currency}"
        rate = (
            f"{s.payment_rate * 100:.1f} %".replace(".", ",") if s.payment_rate is not None else "—"
        )
        full = (
            f"{s.paid_invoice_rate * 100:.1f} %".replace(".", ",")
            if s.paid_invoice_rate is not None
            else "—"
        )
        delay = (
            f"{s.average_days_to_pay} jours".replace(".", ",")
            if s.average_days_to_pay is not None
            else "—"
        )
        rows += [
            (f"Chiffre d'affaires HT ({s.currency})", money_fr(format_money(s.revenue)) + cur),
            ("Factures", str(s.invoice_count)),
            ("Taux de paiement (montant TTC)", rate),
            ("Factures entièrement payées", full),
            ("Encours", money_fr(format_money(s.outstanding)) + cur),
            ("En retard", money_fr(format_money(s.overdue)) + cur),
            ("Délai moyen de paiement", delay),
        ]
    rows.append(("Dernière activité", french_date(figures.last_activity) or "—"))
    return rows


def emit_stats(figures: "Stats", title: str) -> None:
    """The statistics table, under a title naming the client (or the whole book)."""
    from newbi_clients.cli.render import info, stdout_is_terminal
    from newbi_clients.cli.tables import emit_rows

    if not stdout_is_terminal():
        info(title)  # the table itself stays plain lines for scripts
    emit_rows(("Indicateur", "Valeur"), stats_rows(figures), title)


def _draw(months: list[tuple[str, dict[str, int]]], split: dict[str, int]) -> None:
    """Bar charts on a terminal: monthly revenue, invoices by status."""
    from newbi_clients.cli.render import out_console, stdout_is_terminal
    from newbi_clients.documents import status_label

    if not stdout_is_terminal():
        return
    from rich.table import Table

    currencies = sorted({c for _, v in months for c in v}) or ["EUR"]
    main = currencies[0]
    peak = max((abs(v.get(main, 0)) for _, v in months), default=0) or 1
    chart = Table(title=f"Chiffre d'affaires HT mensuel ({main})", show_header=False, box=None)
    for month, values in months:
        amount = values.get(main, 0)
        chart.add_row(
            month,
            "[green]" + "█" * round(40 * max(amount, 0) / peak) + "[/]",
            money_fr(format_money(amount)),
        )
    out_console().print(chart)
    if split:
        total = sum(split.values())
        bars = Table(title="Factures par statut", show_header=False, box=None)
        for status, count in split.items():
            bars.add_row(
                status_label(status, "invoice"),
                "[cyan]" + "█" * round(40 * count / total) + "[/]",
                str(count),
            )
        out_console().print(bars)


def show_sections(
    store: "ClientStore", client_id: int
) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, Any]]:
    """Fiche sections for statistics and history, and the ``stats`` JSON of ``show``."""
    from newbi_clients.documents import TYPES, status_label
    from newbi_clients.history import documents_of
    from newbi_clients.stats import compute

    figures = compute(store, client_id)
    documents = documents_of(store, client_id)
    history = []
    for d in documents:
        line = f"{french_date(d.date)} · {money_fr(format_money(d.amount_ttc))} {d.currency} TTC · {status_label(d.status, d.type)}"
        history.append((f"{TYPES[d.type]} {d.number}", line))
        for p in d.payments:
            history.append(
                (
                    "  paiement",
                    f"{french_date(p.date)} · {money_fr(format_money(p.amount))} {d.currency}"
                    + (f" · {p.method_label}" if p.method_label else ""),
                )
            )
    sections = [("Statistiques", stats_rows(figures) if documents else []), ("Historique", history)]
    return sections, {"stats": figures.to_dict(), "history": [d.to_dict() for d in documents]}
