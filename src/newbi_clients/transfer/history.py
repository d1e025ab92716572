"""``history import``: documents and payments from a CSV or XLSX file, for migrations.

Each row names its client by email, SIRET or exact name; a row that matches no client (or
several), or whose values are invalid, is rejected with its row number and column.
Everything is written in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newbi_clients import validation as v
from newbi_clients.documents import (
    TYPES,
    decimal_mark,
    normalize_status,
    normalize_type,
    parse_amount,
    parse_date,
    parse_rate,
    ttc_from_rate,
)
from newbi_clients.errors import FieldError, ImportRejected, ValidationFailed
from newbi_clients.history import (
    NewDocument,
    add_payment,
    build_document,
    insert_document,
    without_vat,
)
from newbi_clients.models import Client, format_money, format_money_fr
from newbi_clients.storage import ClientStore, now
from newbi_clients.transfer.historyclients import find_client
from newbi_clients.transfer.historycolumns import REQUIRED, map_columns
from newbi_clients.transfer.plan import RowError
from newbi_clients.transfer.read import open_table

_AMOUNTS = ("amount_ht", "amount_ttc", "payment_amount")


@dataclass(slots=True)
class HistoryReport:
    """What ``history import`` did: documents created and payments added (a further line of
    an invoice adds its payment and no document), rows whose document and payment the book
    has already (a file imported again), rows rejected."""

    documents: int = 0
    payments: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # what reading the file found (the encoding or separator decided, the sheet read, cells
    # beyond the header's last column…), said on stderr and in JSON as by the client import
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of the report."""
        return {
            "documents": self.documents,
            "payments": self.payments,
            "skipped": self.skipped,
            "rejected": self.rejected,
            "errors": [e.to_dict() for e in self.errors],
            "notices": list(self.notices),
            "dry_run": self.dry_run,
        }


class HistoryRefused(ImportRejected):
    """Nothing was written: every row was rejected, or some were under ``--strict``. The
    report names them."""

    def __init__(self, message: str, report: HistoryReport) -> None:
        super().__init__(message)
        self.report = report


def _decimal_mark(rows: Iterable[tuple[int, list[str]]], columns: dict[int, str]) -> str | None:
    """The decimal mark the amounts of the file show (see :func:`documents.decimal_mark`)."""
    indexes = [i for i, key in columns.items() if key in _AMOUNTS]
    return decimal_mark(
        cells[i].strip()
        for _, cells in rows
        for i in indexes
        if i < len(cells) and cells[i].strip()
    )


def import_history(
    store: ClientStore, path: Path, dry_run: bool = False, strict: bool = False, **options: Any
) -> HistoryReport:
    """Import documents (and their payments) from a file.

    A row whose document (same client, number, date and amounts) and payment the book has
    already is counted as skipped, not refused: a file imported twice adds nothing.

    :raises HistoryRefused: every row rejected, or some with ``strict``; nothing written.
    :raises ImportRejected: unreadable file, missing columns.
    """
    table = open_table(path, **options)
    columns, labels = map_columns(table.header)
    # a first reading, for the decimal mark of the amounts (« 12.500 » is 12 500 in a file
    # that writes « 1.480,80 »), whatever the row it is on; then the rows
    rows = _Rows(store, now(), _decimal_mark(table.rows, columns))
    table = open_table(path, **options)
    report = HistoryReport(dry_run=dry_run)
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
                    done = rows.add(raw)
            except ValidationFailed as exc:
                report.rejected += 1
                for error in exc.errors:
                    column = labels.get(error.key or error.field) or labels.get(
                        error.field, error.field
                    )
                    report.errors.append(RowError(number, column, error.value, error.message))
            else:
                report.documents += done.documents
                report.payments += done.payments
                report.skipped += done.skipped
        report.notices = list(table.notices)
        if report.rejected and not (report.documents or report.payments or report.skipped):
            raise HistoryRefused(
                f"Aucune ligne importable : les {report.rejected} ligne(s) du fichier ont été"
                " rejetées ; rien n'a été écrit. Corrigez-les puis relancez l'import.",
                report,
            )
        if strict and report.rejected:
            raise HistoryRefused(
                f"Import refusé (--strict) : {report.rejected} ligne(s) rejetée(s) ;"
                " rien n'a été écrit.",
                report,
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


def _kind(text: str) -> str | None:
    try:
        return normalize_type(text)
    except ValidationFailed:
        return None


@dataclass(slots=True)
class _Done:
    """What a row did."""

    documents: int = 0
    payments: int = 0
    skipped: int = 0


# the fields of add_payment's errors, as the columns of the file name them
_PAYMENT_KEYS = {"amount": "payment_amount", "date": "payment_date"}


class _Rows:
    """The rows of one file, imported one after the other."""

    def __init__(self, store: ClientStore, stamp: str, mark: str | None) -> None:
        self.store = store
        self.stamp = stamp
        self.mark = mark  # the decimal mark of the file's amounts, when they show one
        # payments (document, date, cents) that the rows above recorded or found in the
        # book: a row's payment is already there when the book has it more often than the
        # rows above claimed it (two payments of the same amount on the same day are two)
        self.claimed: Counter[tuple[int, str, int]] = Counter()

    def add(self, raw: dict[str, str]) -> _Done:
        """Import a row: its document, or its payment on the document the book has."""
        store = self.store
        client = find_client(store, raw)
        for key in ("number", "date", "amount_ht"):
            if not raw.get(key):
                raise ValidationFailed.single(
                    key, None, f"Valeur obligatoire manquante ({REQUIRED[key]})"
                )
        kind = raw.get("type") or self._untyped(raw["amount_ht"])
        document = build_document(
            client,
            NewDocument(
                type=kind, number=raw["number"], date=raw["date"], amount_ht=raw["amount_ht"],
                vat_rate=raw.get("vat_rate") if not raw.get("amount_ttc") else None,
                amount_ttc=raw.get("amount_ttc"), due_date=raw.get("due_date"),
                status=_status(raw, _kind(kind) or "invoice"), currency=raw.get("currency"),
                decimal_mark=self.mark,
            ),
            without_vat(store, client),
        )  # fmt: skip
        if raw.get("amount_ttc") and raw.get("vat_rate"):
            _check_rate(document, raw["vat_rate"])
        payment = self._payment(raw, document)
        same = store.execute(
            "SELECT id, client_id, date, amount_ht, amount_ttc, currency FROM documents"
            " WHERE type = ? AND number = ?",
            [document["type"], document["number"]],
        ).fetchone()
        if same is not None:
            return self._again(client, raw, document, same, payment)
        if payment is None:
            insert_document(store, document)
            return _Done(documents=1)
        cents, paid_on, method = payment
        status = "paid" if cents == document["amount_ttc"] else "partially_paid"
        # an export repeats the invoice's final status (« Payée ») on each of its payment
        # lines: the status then follows the payments recorded
        if raw.get("status") and document["status"] not in (status, "sent", "paid"):
            raise ValidationFailed.single(
                "status",
                raw.get("status"),
                f"Statut « {raw.get('status')} » incohérent avec le paiement de"
                f" {format_money_fr(cents)} sur {format_money_fr(document['amount_ttc'])}",
            )
        document["status"] = status
        created = insert_document(store, document)
        store.execute(
            "INSERT INTO payments (document_id, date, amount, method, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [created.id, paid_on, cents, method, self.stamp],
        )
        self.claimed[created.id, paid_on, cents] += 1
        return _Done(documents=1, payments=1)

    def _untyped(self, amount_ht: str) -> str:
        """The type of a document whose row says none: a credit note when its amount is
        negative (as Dolibarr's exports write them), an invoice otherwise."""
        try:
            negative = parse_amount(amount_ht, "amount_ht", self.mark) < 0
        except ValidationFailed:
            return "invoice"  # the amount's own error is said when the document is built
        return "credit_note" if negative else "invoice"

    def _payment(
        self, raw: dict[str, str], document: dict[str, Any]
    ) -> tuple[int, str, str | None] | None:
        """The row's payment of its invoice (cents, date, method), checked; None without
        one, or for a credit note, whose refund (Dolibarr writes it as a negative payment)
        is no payment of the client's: the credit note is kept, with its status."""
        if document["type"] == "credit_note" or not (
            raw.get("payment_amount") or raw.get("payment_date")
        ):
            return None
        if document["type"] != "invoice" or document["status"] in ("cancelled", "draft"):
            what = (
                "un devis" if document["type"] == "quote" else "une facture annulée ou en brouillon"
            )
            raise ValidationFailed.single(
                "payment_amount",
                raw.get("payment_amount"),
                f"Paiement refusé : on ne paie pas {what}",
            )
        cents = parse_amount(
            raw.get("payment_amount") or format_money(document["amount_ttc"]),
            "payment_amount",
            self.mark,
        )
        if cents > document["amount_ttc"] or cents <= 0:
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
        return cents, paid_on, method.value if method else None

    def _again(
        self,
        client: Client,
        raw: dict[str, str],
        document: dict[str, Any],
        same: tuple[Any, ...],
        payment: tuple[int, str, str | None] | None,
    ) -> _Done:
        """A row whose document number the book has: the same document (client, date,
        amounts, currency) is already there, and so is its payment when the book has it;
        otherwise its payment is added (Dolibarr writes an invoice once a payment, its
        amounts on each line). Another document under that number is refused."""
        doc_id, owner, *values = same
        expected = [document["date"], document["amount_ht"], document["amount_ttc"]]
        if owner != client.id or values != [*expected, document["currency"]]:
            raise ValidationFailed.single(
                "number",
                document["number"],
                f"{TYPES[document['type']]} {document['number']} existe déjà (client #{owner}) :"
                " un numéro ne sert qu'une fois",
            )
        if payment is None:
            return _Done(skipped=1)
        cents, paid_on, method = payment
        key = (doc_id, paid_on, cents)
        recorded = self.store.execute(
            "SELECT count(*) FROM payments WHERE document_id = ? AND date = ? AND amount = ?",
            [doc_id, paid_on, cents],
        ).fetchone()[0]
        if recorded > self.claimed[key]:
            self.claimed[key] += 1
            return _Done(skipped=1)
        try:
            add_payment(
                self.store, client, document["number"], format_money(cents), paid_on, method
            )
        except ValidationFailed as exc:
            raise ValidationFailed(
                [
                    FieldError(
                        _PAYMENT_KEYS.get(e.field, e.field),
                        raw.get(_PAYMENT_KEYS[e.field]) if e.field in _PAYMENT_KEYS else e.value,
                        e.message,
                    )
                    for e in exc.errors
                ]
            ) from None
        self.claimed[key] += 1
        return _Done(payments=1)


def _check_rate(document: dict[str, Any], text: str) -> None:
    """A row that gives the amount including tax and the VAT rate: the amount is kept when
    the rate gives it, to a cent a hundred euros excluding tax (the VAT of each line,
    rounded, adds up to a few cents more or less than the VAT of the total)."""
    rate = parse_rate(text)
    ht, ttc = document["amount_ht"], document["amount_ttc"]
    expected = ttc_from_rate(ht, rate)
    if abs(ttc - expected) > max(1, ht // 10_000):
        shown = f"{rate.normalize():f}".replace(".", ",")
        raise ValidationFailed.single(
            "vat_rate",
            text,
            f"Montants incohérents : {format_money_fr(ht)} HT à {shown} % de TVA font"
            f" {format_money_fr(expected)} TTC, pas {format_money_fr(ttc)} ; corrigez le taux"
            " ou le montant TTC, ou videz le taux (le montant TTC suffit)",
        )
