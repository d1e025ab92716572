"""The values of documents, read from text and checked: types and statuses with their French
labels, amounts (integer cents, never a float), VAT rates and dates; due dates from the
payment terms, and the client's discount.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Discount
from newbi_clients.validation import parse_decimal

TYPES = {"invoice": "Facture", "quote": "Devis", "credit_note": "Avoir"}
STATUSES = {
    "invoice": ("draft", "sent", "partially_paid", "paid", "cancelled"),
    "credit_note": ("draft", "sent", "partially_paid", "paid", "cancelled"),
    "quote": ("draft", "sent", "accepted", "refused", "expired"),
}
STATUS_LABELS = {
    "draft": "brouillon", "sent": "envoyé", "partially_paid": "payé en partie", "paid": "payé",
    "cancelled": "annulé", "accepted": "accepté", "refused": "refusé", "expired": "expiré",
}  # fmt: skip
_ARTICLES = {"invoice": "une facture", "quote": "un devis", "credit_note": "un avoir"}
# an invoice is feminine: « facture payée »
_FEMININE = {
    "sent": "envoyée",
    "partially_paid": "payée en partie",
    "paid": "payée",
    "cancelled": "annulée",
}


def status_label(status: str, kind: str) -> str:
    """The French label of a status, agreeing with the document: « facture payée »."""
    if kind == "invoice":
        return _FEMININE.get(status, STATUS_LABELS[status])
    return STATUS_LABELS[status]


# the names of the types, then those of invoicing tools' exports (Dolibarr: « Facture
# standard », « Facture avoir », « Facture d'acompte », « Facture de remplacement »;
# Odoo: « Facture client », « Avoir client »)
_TYPE_ALIASES = {
    "invoice": "invoice",
    "facture": "invoice",
    "quote": "quote",
    "devis": "quote",
    "creditnote": "credit_note",
    "avoir": "credit_note",
    **dict.fromkeys(("facturestandard", "factureclient", "customerinvoice", "facturedacompte",
                     "factureacompte", "facturederemplacement"), "invoice"),
    **dict.fromkeys(("factureavoir", "avoirclient", "facturedavoir",
                     "customercreditnote", "creditmemo", "refund"), "credit_note"),
    **dict.fromkeys(("estimate", "quotation", "propositioncommerciale", "proposition"), "quote"),
}  # fmt: skip
# the status names of invoicing tools' exports, for the statuses they mean here (Dolibarr:
# « Validée (à payer) », « Impayée », « Réglement commencé », « Abandonnée »; its
# proposals: « Signée (à facturer) », « Non signée (fermée) », « Facturée »; Odoo:
# « Comptabilisé », « Payé », « Partiellement payé »)
_PAYABLE_STATUSES = {
    **dict.fromkeys(("brouillonavalider",), "draft"),
    **dict.fromkeys(("validee", "valideeapayer", "impayee", "impaye", "nonpayee", "nonpaye",
                     "apayer", "enattente", "enattentedepaiement", "ouverte", "open", "unpaid",
                     "due", "overdue", "enretard", "comptabilise", "posted", "emise", "emis"),
                    "sent"),
    **dict.fromkeys(("payeepartiellement", "partiellementpayee", "partiellementpaye",
                     "reglementcommence", "commencee", "paiementpartiel", "partiallypaid",
                     "partial"), "partially_paid"),
    **dict.fromkeys(("reglee", "regle", "soldee", "solde", "acquittee", "encaissee",
                     "enpaiement"), "paid"),
    **dict.fromkeys(("abandonnee", "abandonne", "canceled", "void"), "cancelled"),
}  # fmt: skip
_STATUS_ALIASES = {
    "invoice": _PAYABLE_STATUSES,
    "credit_note": _PAYABLE_STATUSES,
    "quote": {
        **dict.fromkeys(("validee", "valideeouverte", "ouverte", "open", "enattente", "pending",
                         "envoyee"), "sent"),
        **dict.fromkeys(("signee", "signeeafacturer", "facturee", "acceptee", "won", "gagne"),
                        "accepted"),
        **dict.fromkeys(("nonsignee", "nonsigneefermee", "refusee", "declined", "rejected",
                         "perdu", "lost"), "refused"),
        **dict.fromkeys(("expiree",), "expired"),
    },
}  # fmt: skip
_CENT = Decimal("0.01")
# the largest amount, in euros: far beyond any invoice, and its cents (and the sum of
# ninety of them) stay within SQLite's 64-bit integers
MAX_AMOUNT = Decimal("999999999999999.99")


def _fail(field_: str, value: str | None, message: str) -> ValidationFailed:
    return ValidationFailed.single(field_, value, message)


def parse_amount(value: object, field_: str = "amount") -> int:
    """Cents from « 1 234,56 », « 1234.56 » or « 12 » (at most 2 decimals)."""
    text = str(value or "").strip().removesuffix("€").removesuffix("EUR").strip()
    number = parse_decimal(text) if text else None
    if number is None:
        raise _fail(field_, str(value), f"Montant invalide : « {value} » (ex. 1234,56)")
    if abs(number) > MAX_AMOUNT:
        raise _fail(
            field_, str(value), f"Montant invalide : « {value} » dépasse 999 999 999 999 999,99"
        )
    if number != number.quantize(_CENT):
        raise _fail(field_, str(value), f"Montant invalide : « {value} » a plus de 2 décimales")
    return int(number * 100)


def parse_rate(value: object) -> Decimal:
    """A VAT rate in percent: « 20 », « 5,5 », « 20 % »."""
    text = str(value or "").strip().removesuffix("%").strip()
    number = parse_decimal(text) if text else None
    if number is None or not 0 <= number <= 100:
        raise _fail("vat_rate", str(value), f"Taux de TVA invalide : « {value} » (ex. 20 ou 5,5)")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")


def parse_date(value: object, field_: str = "date") -> str:
    """An ISO date from 2026-03-15, 15/03/2026, 15/03/26 (or a spreadsheet date-time)."""
    text = str(value or "").strip()
    text = re.sub(r"[T ]00:00(:00)?$", "", text)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise _fail(field_, text, f"Date invalide : « {text} » (format JJ/MM/AAAA ou AAAA-MM-JJ)")


def due_date(issued: str, terms_days: int, end_of_month: bool) -> str:
    """N days after the invoice date, or N days then the end of that month (« 30 jours fin de
    mois »: the date plus 30 days, carried to the last day of its month).

    >>> due_date("2026-01-15", 30, False), due_date("2026-01-15", 45, True)
    ('2026-02-14', '2026-03-31')
    """
    day = dt.date.fromisoformat(issued) + dt.timedelta(days=terms_days)
    if end_of_month:
        day = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day.isoformat()


def apply_discount(amount: int, discount: Discount | None) -> int:
    """An amount (cents) after the client's default discount; never below zero."""
    if discount is None:
        return amount
    if discount.type == "percent":
        kept = Decimal(amount) * (Decimal(100) - discount.value) / Decimal(100)
        return max(0, int(kept.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    return max(0, amount - int(discount.value * 100))


def ttc_from_rate(amount_ht: int, rate: Decimal) -> int:
    """Amount including tax, rounded half-up to the cent."""
    total = Decimal(amount_ht) * (Decimal(100) + rate) / Decimal(100)
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def normalize_type(value: object) -> str:
    """invoice / quote / credit_note (facture / devis / avoir)."""
    from newbi_clients.validation import match_key

    kind = _TYPE_ALIASES.get(match_key(str(value or "")).replace("_", ""))
    if kind is None:
        raise _fail(
            "type", str(value), f"Type de document invalide : « {value} » (facture, devis ou avoir)"
        )
    return kind


def normalize_status(kind: str, value: object) -> str:
    """A status allowed for this type of document."""
    from newbi_clients.validation import match_key

    key = match_key(str(value or "")).replace("_", "")
    for status in STATUSES[kind]:
        # « Payée » for a credit note too: a « facture d'avoir » is feminine
        feminine = status_label(status, "invoice" if kind == "credit_note" else kind)
        labels = (STATUS_LABELS[status], status_label(status, kind), feminine)
        if key in (status.replace("_", ""), *(match_key(label) for label in labels)):
            return status
    if key in _STATUS_ALIASES[kind]:
        return _STATUS_ALIASES[kind][key]
    allowed = ", ".join(STATUSES[kind])
    raise _fail(
        "status",
        str(value),
        f"Statut invalide pour {_ARTICLES[kind]} : « {value} » ({allowed})",
    )
