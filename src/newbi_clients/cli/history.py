"""history add / pay / list / import, stats, and config."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.history import Document
    from newbi_clients.stats import Stats
    from newbi_clients.storage import ClientStore

history_app = typer.Typer(
    help="Factures, devis, avoirs et paiements des clients.\n\n"
    "Exemple : newbi-clients history add acme --number F-2026-001 --date 15/01/2026"
    " --amount-ht 1000 --vat-rate 20",
    no_args_is_help=True,
    rich_markup_mode=None,
)
config_app = typer.Typer(
    help="Réglages du vendeur (activité, franchise de TVA, délais, devise).\n\n"
    "Exemple : newbi-clients config set default_terms_days 45",
    no_args_is_help=True,
    rich_markup_mode=None,
)
ClientArg = Annotated[
    str,
    typer.Argument(
        metavar="CLIENT", help="Identifiant, email, SIRET ou nom du client.", show_default=False
    ),
]

SETTINGS = {
    "activity": ("services", "Activité : services ou goods (ventes de biens)"),
    "vat_franchise": ("false", "Franchise en base de TVA (art. 293 B) : true ou false"),
    "default_terms_days": ("30", "Délai de paiement par défaut : 15, 30, 45 ou 60"),
    "default_currency": ("EUR", "Devise par défaut (ISO 4217)"),
    "vies.url": ("https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number", "Adresse du service VIES (contrôle en ligne explicite)"),
}  # fmt: skip


def register(app: typer.Typer) -> None:
    """Attach history, stats and config."""
    app.add_typer(history_app, name="history")
    app.add_typer(config_app, name="config")
    app.command("stats")(stats)


@history_app.command("add")
def history_add(
    client_ref: ClientArg,
    type_: Annotated[str, typer.Option("--type", help="invoice (facture), quote (devis) ou credit_note (avoir).")] = "invoice",
    number: Annotated[str, typer.Option("--number", help="Numéro du document (unique par type).", show_default=False)] = "",
    date: Annotated[str, typer.Option("--date", help="Date d'émission (JJ/MM/AAAA ou AAAA-MM-JJ).", show_default=False)] = "",
    amount_ht: Annotated[str, typer.Option("--amount-ht", help="Montant hors taxes (ex. 1234,56).", show_default=False)] = "",
    vat_rate: Annotated[str | None, typer.Option("--vat-rate", help="Taux de TVA en % pour calculer le TTC (ex. 20).")] = None,
    amount_ttc: Annotated[str | None, typer.Option("--amount-ttc", help="Montant TTC (au lieu du taux).")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Échéance (sinon : conditions de paiement du client).")] = None,
    status: Annotated[str | None, typer.Option("--status", help="draft, sent (défaut), partially_paid, paid, cancelled ; devis : accepted, refused, expired.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Devise (sinon celle du client).")] = None,
    apply_discount: Annotated[bool, typer.Option("--apply-discount", help="Applique la remise par défaut du client au montant HT.")] = False,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Enregistre une facture, un devis ou un avoir ; l'échéance suit les conditions du client.

    Exemple : newbi-clients history add acme --number F-2026-001 --date 15/01/2026 --amount-ht 1000 --vat-rate 20
    """
    from newbi_clients.cli.render import emit_json, info
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.history import NewDocument, add_document

    for flag, value in (("--number", number), ("--date", date), ("--amount-ht", amount_ht)):
        if not value:
            raise ValidationFailed.single(flag.strip("-"), None, f"Option {flag} obligatoire")
    with open_store() as store:
        client = resolve(store, client_ref)
        document = add_document(
            store,
            client,
            NewDocument(
                type_,
                number,
                date,
                amount_ht,
                vat_rate,
                amount_ttc,
                due,
                status,
                currency,
                apply_discount,
            ),
            check_vat=True,
        )
        info(f"{_label(document)} pour #{client.id} {client.display_name}.")
        if format_ is ViewFormat.JSON:
            emit_json(document.to_dict())
        else:
            emit_documents([document])


def _label(document: "Document") -> str:
    """« Facture F-1 enregistrée », « Devis D-1 enregistré »."""
    from newbi_clients.history import TYPES

    done = "enregistrée" if document.type == "invoice" else "enregistré"
    return f"{TYPES[document.type]} {document.number} {done}"


@history_app.command("pay")
def history_pay(
    client_ref: ClientArg,
    number: Annotated[str, typer.Argument(metavar="NUMÉRO", help="Numéro de la facture.", show_default=False)],
    amount: Annotated[str, typer.Option("--amount", help="Montant reçu (TTC).", show_default=False)] = "",
    date: Annotated[str, typer.Option("--date", help="Date du paiement.", show_default=False)] = "",
    method: Annotated[str | None, typer.Option("--method", help="virement, cheque, prelevement, carte ou especes.")] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Enregistre un paiement (partiel ou total) d'une facture ; un trop-perçu est refusé.

    Exemple : newbi-clients history pay acme F-2026-001 --amount 600 --date 20/02/2026 --method virement
    """
    from newbi_clients.cli.render import emit_json, info
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.history import add_payment, status_label

    for flag, value in (("--amount", amount), ("--date", date)):
        if not value:
            raise ValidationFailed.single(flag.strip("-"), None, f"Option {flag} obligatoire")
    with open_store() as store:
        client = resolve(store, client_ref)
        document = add_payment(store, client, number, amount, date, method)
        info(f"Paiement enregistré : facture {number} {status_label(document.status, 'invoice')}.")
        if format_ is ViewFormat.JSON:
            emit_json(document.to_dict())
        else:
            emit_documents([document])


@history_app.command("list")
def history_list(client_ref: ClientArg, format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les factures, devis, avoirs et paiements d'un client.

    Exemple : newbi-clients history list acme --format json
    """
    from newbi_clients.cli.render import emit_json, info
    from newbi_clients.history import documents_of

    with open_store() as store:
        client = resolve(store, client_ref)
        documents = documents_of(store, client.id or 0)
    if format_ is ViewFormat.JSON:
        emit_json([d.to_dict() for d in documents])
    elif not emit_documents(documents):
        info(f"Aucun document pour #{client.id} {client.display_name}.")


def emit_documents(documents: "list[Document]") -> int:
    """Documents and their payments as a table."""
    from newbi_clients.cli.tables import emit_rows
    from newbi_clients.history import TYPES, status_label
    from newbi_clients.models import format_money

    rows = []
    for d in documents:
        paid = "; ".join(f"{p.date} {_money(format_money(p.amount))}" for p in d.payments)
        rows.append(
            (
                TYPES[d.type],
                d.number,
                d.date,
                d.due_date or "",
                _money(format_money(d.amount_ht)),
                _money(format_money(d.amount_ttc)),
                d.currency,
                status_label(d.status, d.type),
                paid,
            )
        )
    return emit_rows(
        ("Type", "Numéro", "Date", "Échéance", "HT", "TTC", "Devise", "Statut", "Paiements"), rows
    )


def _money(text: str) -> str:
    """« 1234.50 » (a JSON amount) shown the French way: « 1 234,50 »."""
    from newbi_clients.history import parse_amount
    from newbi_clients.models import format_money_fr

    return format_money_fr(parse_amount(text))


@history_app.command("import")
def history_import(
    file: Annotated[Path, typer.Argument(metavar="FICHIER", help="CSV ou XLSX : client (email, SIRET ou nom), type, numéro, date, montants, statut, paiement.", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Vérifie sans rien écrire.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse tout le fichier si une ligne est rejetée.")] = False,
    encoding: Annotated[str | None, typer.Option("--encoding", help="Encodage du CSV.")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", "-d", help="Séparateur du CSV.", metavar="CAR")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille du classeur.", metavar="NOM")] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Accepté comme pour « import » (rien n'est demandé).")] = False,
) -> None:  # fmt: skip
    """Importe un historique de factures, devis, avoirs et paiements (migration).

    Exemple : newbi-clients history import factures.xlsx --dry-run
    """
    from newbi_clients.cli.render import emit_json, info
    from newbi_clients.cli.tables import emit_rows
    from newbi_clients.history_import import import_history_safely

    with open_store() as store:
        report = import_history_safely(
            store,
            file,
            dry_run=dry_run,
            strict=strict,
            encoding=encoding,
            delimiter=delimiter,
            sheet=sheet,
        )
    for error in report.errors[:20]:
        info(f"  Ligne {error.row}, colonne « {error.column} » : {error.message}")
    if format_ is ViewFormat.JSON:
        emit_json(report.to_dict())
    else:
        emit_rows(
            ("Résultat", "Lignes"),
            [
                ("Documents", str(report.documents)),
                ("Paiements", str(report.payments)),
                ("Rejetés", str(report.rejected)),
            ],
        )
    if dry_run:
        info("Simulation (--dry-run) : rien n'a été écrit.")


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
        client_id = resolve(store, client_ref).id if client_ref else None
        figures = compute(store, client_id)
        months = monthly_revenue(store, client_id)
        split = status_split(store, client_id)
    if format_ is ViewFormat.JSON:
        emit_json(
            figures.to_dict()
            | {
                "monthly_revenue": [
                    {"month": m, figures.to_dict()["currency"]: "0.00"}
                    | {c: _plain(a) for c, a in v.items()}
                    for m, v in months
                ],
                "invoice_statuses": split,
            }
        )
        return
    emit_stats(figures)
    _draw(months, split)


def _plain(cents: int) -> str:
    from newbi_clients.models import format_money

    return format_money(cents)


def stats_rows(figures: "Stats") -> list[tuple[str, str]]:
    """Statistics as (label, value) rows, one block per currency."""
    from newbi_clients.models import format_money
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
            (f"Chiffre d'affaires HT ({s.currency})", _money(format_money(s.revenue)) + cur),
            ("Factures", str(s.invoice_count)),
            ("Taux de paiement (montant TTC)", rate),
            ("Factures entièrement payées", full),
            ("Encours", _money(format_money(s.outstanding)) + cur),
            ("En retard", _money(format_money(s.overdue)) + cur),
            ("Délai moyen de paiement", delay),
        ]
    rows.append(("Dernière activité", figures.last_activity or "—"))
    return rows


def emit_stats(figures: "Stats") -> None:
    """The statistics table."""
    from newbi_clients.cli.tables import emit_rows

    emit_rows(("Indicateur", "Valeur"), stats_rows(figures))


def _draw(months: list[tuple[str, dict[str, int]]], split: dict[str, int]) -> None:
    """Bar charts on a terminal: monthly revenue, invoices by status."""
    from newbi_clients.cli.render import out_console, stdout_is_terminal
    from newbi_clients.history import status_label
    from newbi_clients.models import format_money

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
            _money(format_money(amount)),
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


# --- config -----------------------------------------------------------------------------


def _check_setting(key: str, value: str) -> str:
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.validation import normalize_currency, normalize_terms, parse_bool

    if key not in SETTINGS:
        raise ValidationFailed.single(
            "key", key, f"Réglage inconnu : « {key} » (réglages : {', '.join(SETTINGS)})"
        )
    if key == "activity":
        if value not in ("services", "goods"):
            raise ValidationFailed.single(key, value, "Activité : services ou goods")
        return value
    if key == "vat_franchise":
        flag = parse_bool(value, key)
        return "true" if flag else "false"
    if key == "default_terms_days":
        return str(normalize_terms(value))
    if key == "default_currency":
        return str(normalize_currency(value))
    return value


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help=", ".join(SETTINGS))],
    value: Annotated[str, typer.Argument(metavar="VALEUR")],
) -> None:
    """Change un réglage du vendeur.

    Exemple : newbi-clients config set vat_franchise true
    """
    from newbi_clients.cli.render import info

    checked = _check_setting(key, value)
    with open_store(write=True) as store:
        store.set_setting(key, checked)
    info(f"{key} = {checked}")


@config_app.command("get")
def config_get(
    key: Annotated[str, typer.Argument(metavar="CLÉ", help=", ".join(SETTINGS))],
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:
    """Affiche la valeur d'un réglage (sa valeur par défaut s'il n'a pas été changé).

    Exemple : newbi-clients config get activity
    """
    from newbi_clients.cli.render import emit_json

    _check_setting(key, SETTINGS.get(key, ("", ""))[0])
    with open_store() as store:
        value = store.get_setting(key) or SETTINGS[key][0]
    if format_ is ViewFormat.JSON:
        emit_json({key: value})
    else:
        print(value)


@config_app.command("list")
def config_list(format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les réglages du vendeur.

    Exemple : newbi-clients config list --format json
    """
    from newbi_clients.cli.render import emit_json
    from newbi_clients.cli.tables import emit_rows

    with open_store() as store:
        stored = store.all_settings()
    values = {key: stored.get(key, default) for key, (default, _) in SETTINGS.items()}
    if format_ is ViewFormat.JSON:
        emit_json(values)
    else:
        emit_rows(
            ("Réglage", "Valeur", "Description"), [(k, values[k], SETTINGS[k][1]) for k in SETTINGS]
        )


def show_sections(
    store: "ClientStore", client_id: int
) -> tuple[list[tuple[str, list[tuple[str, str]]]], dict[str, Any]]:
    """Fiche sections for statistics and history, and the ``stats`` JSON of ``show``."""
    from newbi_clients.history import TYPES, documents_of, status_label
    from newbi_clients.models import format_money
    from newbi_clients.stats import compute

    figures = compute(store, client_id)
    documents = documents_of(store, client_id)
    history = []
    for d in documents:
        line = f"{d.date} · {_money(format_money(d.amount_ttc))} {d.currency} TTC · {status_label(d.status, d.type)}"
        history.append((f"{TYPES[d.type]} {d.number}", line))
        for p in d.payments:
            history.append(
                (
                    "  paiement",
                    f"{p.date} · {_money(format_money(p.amount))} {d.currency}"
                    + (f" · {p.method}" if p.method else ""),
                )
            )
    sections = [("Statistiques", stats_rows(figures) if documents else []), ("Historique", history)]
    return sections, {"stats": figures.to_dict(), "history": [d.to_dict() for d in documents]}
