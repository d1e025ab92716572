"""``history import``: documents and payments from a CSV or XLSX file, for migrations.

Each row names its client by email, SIRET or exact name; a row that matches no client (or
several), or whose values are invalid, is rejected with its row number and column.
Everything is written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newbi_clients import validation as v
from newbi_clients.documents import normalize_status, normalize_type, parse_amount, parse_date
from newbi_clients.errors import ImportRejected, ValidationFailed
from newbi_clients.history import (
    NewDocument,
    add_payment,
    build_document,
    insert_document,
    without_vat,
)
from newbi_clients.models import Client, format_money, format_money_fr
from newbi_clients.storage import ClientStore, now
from newbi_clients.transfer.plan import RowError
from newbi_clients.transfer.read import open_table

# header names, as match_key writes them: ours, then those of the exports of invoicing tools
# (Dolibarr's « Factures clients et règlements » dataset: « Ref. facture », « Date
# facturation », « Date limite règlement », « Total HT », « Statut facture », « Date
# paiement », « Mode règlement »; Odoo's invoice list: « Partenaire », « Date de
# facturation », « Date d'échéance », « Hors taxes signé », « Total signé »)
_ALIASES = {
    "client_email": ("email", "mail", "courriel", "emailclient", "clientemail", "emailtiers"),
    "client_siret": ("siret", "siretclient", "clientsiret", "idprof2", "idprof2siret",
                     "idprofessionnel2"),
    "client_name": ("client", "nom", "nomduclient", "raisonsociale", "name", "clientname", "customer",
                    "tiers", "nomtiers", "nomdutiers", "partenaire", "partner", "societe", "company", "companyname",
                    "customername"),
    "type": ("type", "typededocument", "document", "doctype", "typefacture", "typedefacture",
             "invoicetype"),
    "number": ("numero", "n", "no", "numerodefacture", "number", "reference", "ref", "numerodedocument",
               "reffacture", "referencefacture", "numerofacture", "invoicenumber", "invoiceno",
               "invoiceref"),
    "date": ("date", "datedemission", "datedefacture", "dateemission", "issuedate", "datefacture",
             "datefacturation", "datedefacturation", "invoicedate"),
    "due_date": ("echeance", "datedecheance", "duedate", "dateecheance", "datelimitereglement",
                 "datelimitedereglement", "datelimitedepaiement"),
    "amount_ht": ("montantht", "ht", "totalht", "amountht", "netamount", "montanthorstaxe",
                  "horstaxes", "horstaxessigne", "totalhorstaxes", "montanthorstaxes", "subtotal",
                  "untaxedamount"),
    "amount_ttc": ("montantttc", "ttc", "totalttc", "amountttc", "grossamount", "total",
                   "totalsigne", "montanttotal", "totalamount"),
    "vat_rate": ("tauxdetva", "tva", "vatrate", "tauxtva"),
    "currency": ("devise", "currency", "monnaie"),
    "status": ("statut", "status", "etat", "statutfacture", "etatdelafacture", "invoicestatus"),
    # Odoo's « État du paiement » (payment_state) beside its « Statut » (Comptabilisé)
    "payment_status": ("etatdupaiement", "statutdupaiement", "etatdepaiement", "paymentstatus",
                       "paymentstate"),
    "payment_date": ("datedepaiement", "payele", "paymentdate", "datepaiement", "datedereglement",
                     "datereglement"),
    "payment_amount": ("montantpaye", "paye", "paid", "paymentamount", "montantregle", "regle",
                       "montantpaiement", "montantreglement", "amountpaid", "amountpayment"),
    "payment_method": ("modedepaiement", "mode", "paymentmethod", "modedereglement", "moyendepaiement",
                       "modereglement", "modepaiement"),
}  # fmt: skip
_FIELDS = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
_REQUIRED = {"number": "Numéro", "date": "Date", "amount_ht": "Montant HT"}


@dataclass(slots=True)
class HistoryReport:
    """What ``history import`` did."""

    documents: int = 0
    payments: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of the report."""
        return {
            "documents": self.documents,
            "payments": self.payments,
            "rejected": self.rejected,
            "errors": [e.to_dict() for e in self.errors],
            "dry_run": self.dry_run,
        }


def _map(header: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    columns: dict[int, str] = {}
    labels: dict[str, str] = {}
    for index, text in enumerate(header):
        key = _FIELDS.get(v.match_key(text))
        if key and key not in labels:
            columns[index] = key
            labels[key] = text
    missing = [label for key, label in _REQUIRED.items() if key not in labels]
    if not {"client_email", "client_siret", "client_name"} & labels.keys():
        missing.append("Client (email, SIRET ou nom)")
    if missing:
        found = ", ".join(f"« {h} »" for h in header if h.strip())
        raise ImportRejected(
            f"Colonnes obligatoires absentes : {', '.join(missing)}. Colonnes trouvées : {found}."
        )
    return columns, labels


def _probes(column: str, value: str) -> list[str]:
    if column == "email_key":
        return [v.email_key(value) or ""]
    if column == "siret":
        return [value.replace(" ", "").replace(".", "")]
    # « Éléonore Dupont » as shown, or « Dupont Éléonore » as sorted: every word order
    words = v.fold(value).split()
    return list(dict.fromkeys(" ".join(words[i:] + words[:i]) for i in range(len(words))))


def _find_client(store: ClientStore, raw: dict[str, str]) -> Client:
    for key, column in (
        ("client_email", "email_key"),
        ("client_siret", "siret"),
        ("client_name", "sort_name"),
    ):
        value = raw.get(key)
        if not value:
            continue
        probes = _probes(column, value)
        rows = store.execute(
            f"SELECT DISTINCT id FROM clients WHERE {column} IN ({', '.join('?' * len(probes))})"
            " AND merged_into IS NULL LIMIT 2",
            probes,
        ).fetchall()
        if len(rows) == 1:
            return store.get(rows[0][0])
        if len(rows) > 1:
            raise ValidationFailed.single(
                key,
                value,
                f"Plusieurs clients correspondent à « {value} » : précisez l'email ou le SIRET",
            )
    shown = raw.get("client_email") or raw.get("client_siret") or raw.get("client_name") or ""
    key = next(
        (k for k in ("client_email", "client_siret", "client_name") if raw.get(k)), "client_name"
    )
    raise ValidationFailed.single(key, shown, f"Aucun client ne correspond à « {shown} »")


def import_history(
    store: ClientStore, path: Path, dry_run: bool = False, strict: bool = False, **options: Any
) -> HistoryReport:
    """Import documents (and their payments) from a file.

    :raises ImportRejected: unreadable file, missing columns, or rejected rows with ``strict``.
    """
    table = open_table(path, **options)
    columns, labels = _map(table.header)
    report = HistoryReport(dry_run=dry_run)
    stamp = now()
    with store.transaction():
        for number, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            raw = {
                key: cells[i].strip()
                for i, key in columns.items()
                if i < len(cells) and cells[i].strip()
            }
            try:
                with store.transaction():  # a savepoint: a rejected row leaves nothing
                    paid = _import_row(store, raw, stamp)
                report.documents += 1
                report.payments += paid
            except ValidationFailed as exc:
                report.rejected += 1
                for error in exc.errors:
                    column = labels.get(error.key or error.field) or labels.get(
                        error.field, error.field
                    )
                    report.errors.append(RowError(number, column, error.value, error.message))
        if strict and report.rejected:
            raise ImportRejected(
                f"Import refusé (--strict) : {report.rejected} ligne(s) rejetée(s) ; rien n'a été écrit."
            )
        if dry_run:
            raise _DryRun(report)
    return report


class _DryRun(Exception):
    """Rolls the transaction back after a dry run."""

    def __init__(self, report: HistoryReport) -> None:
        self.report = report


def import_history_safely(store: ClientStore, path: Path, **options: Any) -> HistoryReport:
    """:func:`import_history`, where a dry run returns its report after the rollback."""
    try:
        return import_history(store, path, **options)
    except _DryRun as done:
        return done.report


def _untyped(amount_ht: str) -> str:
    """The type of a document whose row says none: a credit note when its amount is
    negative (as Dolibarr's exports write them), an invoice otherwise."""
    try:
        return "credit_note" if parse_amount(amount_ht, "amount_ht") < 0 else "invoice"
    except ValidationFailed:
        return "invoice"  # the amount's own error is said when the document is built


def _status(raw: dict[str, str], kind: str) -> str | None:
    """The row's status; an invoice's payment status (Odoo's « État du paiement ») says
    more than its status (« Comptabilisé »), unless it is cancelled or a draft."""
    status, paying = raw.get("status"), raw.get("payment_status")
    if not paying or kind == "quote":
        return status
    try:
        if status and normalize_status(kind, status) in ("cancelled", "draft"):
            return status
    except ValidationFailed:
        return status  # its own error is said when the document is built
    return paying


def _further_payment(store: ClientStore, client: Client, raw: dict[str, str]) -> bool:
    """Whether the row is another payment line of an invoice already imported (Dolibarr's
    export writes an invoice once a payment, its amounts on each line): its payment is
    then recorded on that invoice."""
    if not raw.get("payment_amount") or (raw.get("type") and _kind(raw["type"]) != "invoice"):
        return False
    row = store.execute(
        "SELECT amount_ht FROM documents WHERE client_id = ? AND type = 'invoice' AND number = ?",
        [client.id, raw["number"]],
    ).fetchone()
    try:
        return row is not None and row[0] == parse_amount(raw["amount_ht"], "amount_ht")
    except ValidationFailed:
        return False


def _kind(text: str) -> str | None:
    try:
        return normalize_type(text)
    except ValidationFailed:
        return None


def _import_row(store: ClientStore, raw: dict[str, str], stamp: str) -> int:
    client = _find_client(store, raw)
    for key in ("number", "date", "amount_ht"):
        if not raw.get(key):
            raise ValidationFailed.single(
                key, None, f"Valeur obligatoire manquante ({_REQUIRED[key]})"
            )
    if _further_payment(store, client, raw):
        add_payment(store, client, raw["number"], raw["payment_amount"],
                    raw.get("payment_date") or raw["date"], raw.get("payment_method"))  # fmt: skip
        return 1
    kind = raw.get("type") or _untyped(raw["amount_ht"])
    document = build_document(
        client,
        NewDocument(
            type=kind, number=raw["number"], date=raw["date"],
            amount_ht=raw["amount_ht"], vat_rate=raw.get("vat_rate") if not raw.get("amount_ttc") else None,
            amount_ttc=raw.get("amount_ttc"), due_date=raw.get("due_date"),
            status=_status(raw, _kind(kind) or "invoice"), currency=raw.get("currency"),
        ),
        without_vat(store, client),
    )  # fmt: skip
    if document["type"] == "credit_note":
        # a credit note's refund (Dolibarr writes it as a negative payment) is no payment
        # of the client's: the credit note is kept, with its status
        insert_document(store, document)
        return 0
    if raw.get("payment_amount") or raw.get("payment_date"):
        if document["type"] != "invoice" or document["status"] in ("cancelled", "draft"):
            what = (
                "un devis" if document["type"] == "quote" else "une facture annulée ou en brouillon"
            )
            raise ValidationFailed.single(
                "payment_amount",
                raw.get("payment_amount"),
                f"Paiement refusé : on ne paie pas {what}",
            )
        amount = parse_amount(
            raw.get("payment_amount") or format_money(document["amount_ttc"]), "payment_amount"
        )
        if amount > document["amount_ttc"] or amount <= 0:
            raise ValidationFailed.single(
                "payment_amount",
                raw.get("payment_amount"),
                "Montant payé invalide : il doit être positif et au plus égal au montant TTC",
            )
        paid_on = parse_date(raw.get("payment_date") or document["date"], "payment_date")
        if paid_on < document["date"]:
            raise ValidationFailed.single(
                "payment_date",
                raw.get("payment_date"),
                f"Paiement daté du {paid_on}, avant le document ({document['date']})",
            )
        method = v.normalize_payment_method(raw.get("payment_method"))
        status = "paid" if amount == document["amount_ttc"] else "partially_paid"
        # an export repeats the invoice's final status (« Payée ») on each of its payment
        # lines: the status then follows the payments recorded
        if raw.get("status") and document["status"] not in (status, "sent", "paid"):
            raise ValidationFailed.single(
                "status",
                raw.get("status"),
                f"Statut « {raw.get('status')} » incohérent avec le paiement de"
                f" {format_money_fr(amount)} sur {format_money_fr(document['amount_ttc'])}",
            )
        document["status"] = status
        created = insert_document(store, document)
        store.execute(
            "INSERT INTO payments (document_id, date, amount, method, created_at) VALUES (?, ?, ?, ?, ?)",
            [created.id, paid_on, amount, method.value if method else None, stamp],
        )
        return 1
    insert_document(store, document)
    return 0
