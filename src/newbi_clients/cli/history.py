"""history add / pay / list / import: invoices, quotes, credit notes and payments."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newbi_clients.cli.common import ClientArg, ViewFormat, ViewFormatOpt, open_store, resolve
from newbi_clients.models import format_money

if TYPE_CHECKING:
    from newbi_clients.history import Document
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore
    from newbi_clients.transfer.history import HistoryReport

history_app = typer.Typer(
    help="Factures, devis, avoirs et paiements des clients.\n\n"
    "Exemple : newbi-clients history add acme --number F-2026-001 --date 15/01/2026"
    " --amount-ht 1000 --vat-rate 20",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Attach history."""
    app.add_typer(history_app, name="history")


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
    force: Annotated[bool, typer.Option("--force", help="Enregistre une facture ou un devis même pour un client bloqué.")] = False,
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
        from newbi_clients.blocking import check_invoicable
        from newbi_clients.documents import normalize_type

        check_invoicable(client, normalize_type(type_), force)
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
        _warn_vies(store, client)
        if format_ is ViewFormat.JSON:
            emit_json(document.to_dict())
        else:
            emit_documents([document])


def _warn_vies(store: "ClientStore", client: "Client") -> None:
    """What the VIES check of the client's VAT number means for this document's VAT."""
    if client.vies is None:
        return
    from newbi_clients.cli.render import warn
    from newbi_clients.fiscal import client_regime

    warning = client_regime(client, store.seller_settings()).warning
    if warning:
        warn(warning)


def _label(document: "Document") -> str:
    """« Facture F-1 enregistrée », « Devis D-1 enregistré »."""
    from newbi_clients.documents import TYPES

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
    from newbi_clients.documents import status_label
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.history import add_payment

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
    from newbi_clients.cli.render import french_date
    from newbi_clients.cli.tables import emit_rows
    from newbi_clients.documents import TYPES, status_label

    rows = []
    for d in documents:
        paid = "; ".join(
            f"{french_date(p.date)} {money_fr(format_money(p.amount))}"
            + (f" ({p.method_label})" if p.method_label else "")
            for p in d.payments
        )
        rows.append(
            (
                TYPES[d.type],
                d.number,
                french_date(d.date),
                french_date(d.due_date),
                money_fr(format_money(d.amount_ht)),
                money_fr(format_money(d.amount_ttc)),
                d.currency,
                status_label(d.status, d.type),
                paid,
            )
        )
    return emit_rows(
        ("Type", "Numéro", "Date", "Échéance", "HT", "TTC", "Devise", "Statut", "Paiements"), rows
    )


def money_fr(text: str) -> str:
    """« 1234.50 » (a JSON amount) shown the French way: « 1 234,50 »."""
    from newbi_clients.documents import parse_amount
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
    from newbi_clients.cli.render import info
    from newbi_clients.transfer.history import HistoryRefused, import_history_safely

    with open_store() as store:
        try:
            report = import_history_safely(
                store,
                file,
                dry_run=dry_run,
                strict=strict,
                encoding=encoding,
                delimiter=delimiter,
                sheet=sheet,
            )
        except HistoryRefused as refused:
            # nothing written: the rows and why (the report in JSON, where scripts read it;
            # on screen the refusal says the rest)
            _emit_import_report(refused.report, format_, refusal=True)
            raise
    _emit_import_report(report, format_)
    if dry_run:
        info("Simulation (--dry-run) : rien n'a été écrit.")


def _emit_import_report(
    report: "HistoryReport", format_: ViewFormat, refusal: bool = False
) -> None:
    """What reading the file found and the rejected rows on stderr, then the report (only
    in JSON for a refusal)."""
    from newbi_clients.cli.render import emit_json, info
    from newbi_clients.cli.tables import emit_rows

    for notice in report.notices:
        info(notice)
    for error in report.errors[:20]:
        info(f"  Ligne {error.row}, colonne « {error.column} » : {error.message}")
    if len(report.errors) > 20:
        info(f"  … et {len(report.errors) - 20} autre(s) erreur(s)")
    if format_ is ViewFormat.JSON:
        emit_json(report.to_dict())
    elif not refusal:
        emit_rows(
            ("Résultat", "Nombre"),
            [
                ("Documents créés", str(report.documents)),
                ("Paiements ajoutés", str(report.payments)),
                ("Lignes déjà dans le carnet", str(report.skipped)),
                ("Lignes rejetées", str(report.rejected)),
            ],
        )
