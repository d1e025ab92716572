"""Invoices, quotes, credit notes and payments of a client, as stored in the book.

Amounts are integer cents everywhere; they are read from text by :mod:`documents`
(« 1 234,56 », « 1234.56 ») and never go through a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newbi_clients.documents import (
    TYPES,
    _fail,
    apply_discount,
    due_date,
    normalize_status,
    normalize_type,
    parse_amount,
    parse_date,
    parse_rate,
    status_label,
    ttc_from_rate,
)
from newbi_clients.models import Client, PaymentMethod, format_money, format_money_fr
from newbi_clients.storage import ClientStore, now
from newbi_clients.validation import normalize_currency, normalize_payment_method


@dataclass(slots=True)
class Payment:
    """A payment received against an invoice."""

    id: int
    date: str
    amount: int
    method: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: the amount as a string."""
        return {"date": self.date, "amount": format_money(self.amount), "method": self.method}

    @property
    def method_label(self) -> str | None:
        """The method in French, as a client's payment method is shown (« Chèque »)."""
        return PaymentMethod(self.method).label if self.method else None


@dataclass(slots=True)
class Document:
    """An invoice, a quote or a credit note."""

    id: int
    client_id: int
    type: str
    number: str
    date: str
    due_date: str | None
    amount_ht: int
    amount_ttc: int
    currency: str
    status: str
    payments: list[Payment] = field(default_factory=list)

    @property
    def paid(self) -> int:
        """Cents received so far."""
        return sum(p.amount for p in self.payments)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a document (the scripting contract of the README)."""
        return {
            "type": self.type,
            "number": self.number,
            "date": self.date,
            "due_date": self.due_date,
            "amount_ht": format_money(self.amount_ht),
            "amount_ttc": format_money(self.amount_ttc),
            "currency": self.currency,
            "status": self.status,
            "payments": [p.to_dict() for p in self.payments],
        }


@dataclass(slots=True)
class NewDocument:
    """What ``history add`` receives, as text."""

    type: str
    number: str
    date: str
    amount_ht: str
    vat_rate: str | None = None
    amount_ttc: str | None = None
    due_date: str | None = None
    status: str | None = None
    currency: str | None = None
    apply_discount: bool = False
    # the decimal mark of the file the amounts come from (see documents.decimal_mark)
    decimal_mark: str | None = None


def build_document(
    client: Client, new: NewDocument, zero_vat: bool | None = None
) -> dict[str, Any]:
    """Validate a new document for a client: the row to store.

    Without a VAT rate or an amount including tax: when ``zero_vat`` is given (the CLI and
    imports give it), the amount including tax is the amount excluding tax if the client's
    invoices carry no VAT (franchise, reverse charge, export), and one of them is required
    otherwise; when it is None, no VAT is assumed.

    :raises ValidationFailed: for an invalid type, number, date, amount, rate or status.
    """
    kind = normalize_type(new.type)
    number = new.number.strip()
    if not number:
        raise _fail("number", new.number, "Numéro de document obligatoire")
    issued = parse_date(new.date)
    amount_ht = parse_amount(new.amount_ht, "amount_ht", new.decimal_mark)
    # invoicing tools (Dolibarr, Odoo's signed totals) export a credit note's amounts as
    # negative numbers: the sign says what the type says, and the amounts are kept positive
    refund = kind == "credit_note" and amount_ht < 0
    if refund:
        amount_ht = -amount_ht
    elif amount_ht < 0:
        raise _fail("amount_ht", new.amount_ht, "Montant négatif : enregistrez plutôt un avoir")
    if new.apply_discount:
        amount_ht = apply_discount(amount_ht, client.discount)
    if new.amount_ttc is not None and new.vat_rate is not None:
        raise _fail(
            "amount_ttc", new.amount_ttc, "Donnez le taux de TVA ou le montant TTC, pas les deux"
        )
    if new.amount_ttc is not None:
        amount_ttc = parse_amount(new.amount_ttc, "amount_ttc", new.decimal_mark)
        if refund and amount_ttc > 0:
            raise _fail(
                "amount_ttc", new.amount_ttc, "Montant TTC positif pour un montant HT négatif"
            )
        amount_ttc = -amount_ttc if refund else amount_ttc
        if amount_ttc < amount_ht:
            raise _fail("amount_ttc", new.amount_ttc, "Le montant TTC est inférieur au montant HT")
    elif new.vat_rate is not None:
        amount_ttc = ttc_from_rate(amount_ht, parse_rate(new.vat_rate))
    else:
        amount_ttc = None
    due = parse_date(new.due_date, "due_date") if new.due_date else None
    if due is not None and due < issued:
        raise _fail("due_date", new.due_date, f"Échéance ({due}) antérieure à la date ({issued})")
    if due is None and kind != "quote":
        due = due_date(issued, client.terms_days, client.end_of_month)
    currency = normalize_currency(new.currency) or client.currency
    status = normalize_status(kind, new.status) if new.status else "sent"
    if amount_ttc is None:
        if zero_vat is False:
            raise _fail(
                "amount_ttc",
                None,
                "Montant TTC inconnu : indiquez le taux de TVA (ex. 20) ou le montant TTC",
            )
        amount_ttc = amount_ht  # no VAT on this client's invoices
    return {
        "client_id": client.id,
        "type": kind,
        "number": number,
        "date": issued,
        "due_date": due,
        "amount_ht": amount_ht,
        "amount_ttc": amount_ttc,
        "currency": currency,
        "status": status,
    }


def add_document(
    store: ClientStore, client: Client, new: NewDocument, check_vat: bool = False
) -> Document:
    """Record a document; with ``check_vat``, a VAT rate or an amount including tax is
    required unless the client's invoices carry no VAT.

    :raises ValidationFailed: invalid values, or a number already used for this type.
    """
    row = build_document(client, new, without_vat(store, client) if check_vat else None)
    with store.transaction():
        return insert_document(store, row)


def without_vat(store: ClientStore, client: Client) -> bool:
    """Whether the client's invoices carry no VAT (its regime, with the seller's settings)."""
    from newbi_clients.fiscal import client_regime

    regime = client_regime(client, store.seller_settings())
    if regime.code in ("franchise", "reverse_charge"):
        return True
    return regime.code == "outside_eu" and not regime.mention.startswith("TVA française")


def insert_document(store: ClientStore, row: dict[str, Any]) -> Document:
    taken = store.execute(
        "SELECT client_id FROM documents WHERE type = ? AND number = ?",
        [row["type"], row["number"]],
    ).fetchone()
    if taken:
        raise _fail(
            "number", row["number"],
            f"{TYPES[row['type']]} {row['number']} existe déjà (client #{taken[0]}) :"
            " un numéro ne sert qu'une fois",
        )  # fmt: skip
    row = {**row, "created_at": now()}
    doc_id = int(store.db.table("documents").insert(row).last_pk or 0)
    store.audit(
        "history", row["client_id"], None, None, {"document": row["number"], "type": row["type"]}
    )
    return get_document(store, doc_id)


def get_document(store: ClientStore, doc_id: int) -> Document:
    """A document with its payments."""
    row = store.execute(
        "SELECT id, client_id, type, number, date, due_date, amount_ht, amount_ttc, currency,"
        " status FROM documents WHERE id = ?",
        [doc_id],
    ).fetchone()
    document = Document(*row)
    document.payments = [
        Payment(*p)
        for p in store.execute(
            "SELECT id, date, amount, method FROM payments WHERE document_id = ? ORDER BY date, id",
            [doc_id],
        )
    ]
    return document


def documents_of(store: ClientStore, client_id: int) -> list[Document]:
    """All documents of a client, oldest first."""
    ids = [r[0] for r in store.execute(
        "SELECT id FROM documents WHERE client_id = ? ORDER BY date, id", [client_id]
    )]  # fmt: skip
    return [get_document(store, i) for i in ids]


def add_payment(
    store: ClientStore, client: Client, number: str, amount: str, date: str, method: str | None
) -> Document:
    """Record a payment of an invoice; partial payments add up, overpayment is refused.

    :raises ValidationFailed: unknown invoice, invalid amount or date, or more than what is due.
    """
    cents = parse_amount(amount)
    if cents <= 0:
        raise _fail("amount", amount, "Le montant payé doit être positif")
    paid_on = parse_date(date)
    method_value = normalize_payment_method(method).value if method else None  # type: ignore[union-attr]
    with store.transaction():
        row = store.execute(
            "SELECT id FROM documents WHERE client_id = ? AND type = 'invoice' AND number = ?",
            [client.id, number.strip()],
        ).fetchone()
        if row is None:
            raise _fail(
                "number",
                number,
                f"Facture {number} introuvable pour #{client.id} {client.display_name}",
            )
        document = get_document(store, row[0])
        if document.status in ("cancelled", "draft", "paid"):
            raise _fail(
                "number",
                number,
                f"La facture {number} est {status_label(document.status, 'invoice')} :"
                " paiement refusé",
            )
        if paid_on < document.date:
            raise _fail(
                "date", date, f"Paiement daté du {paid_on}, avant la facture ({document.date})"
            )
        remaining = document.amount_ttc - document.paid
        if cents > remaining:
            raise _fail(
                "amount", amount,
                f"Paiement refusé : {format_money_fr(cents)} {document.currency} dépasse le reste"
                f" dû de {format_money_fr(remaining)} {document.currency} sur la facture {number}",
            )  # fmt: skip
        store.execute(
            "INSERT INTO payments (document_id, date, amount, method, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [document.id, paid_on, cents, method_value, now()],
        )
        status = "paid" if cents == remaining else "partially_paid"
        store.execute("UPDATE documents SET status = ? WHERE id = ?", [status, document.id])
        store.audit("history", client.id, {"status": document.status}, {"status": status},
                    {"payment": format_money(cents), "document": number})  # fmt: skip
    return get_document(store, document.id)
