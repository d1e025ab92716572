"""The values of documents, read from text and checked: types and statuses with their French
labels, amounts (integer cents, never a float), VAT rates and dates; due dates from the
payment terms, and the client's discount.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Discount, format_money_fr
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


# the shapes of an amount once its spaces and currency are gone: a group of thousands
# begins with 1 to 3 digits (not a 0) and goes on by threes
_LEADING_GROUP = re.compile(r"[1-9]\d{0,2}")
_DIGITS = re.compile(r"[+-]?[\d.,]*\d[\d.,]*")


def _compact(value: object) -> str:
    """The amount written without its spaces (thousands), apostrophes (Swiss thousands)
    and currency, before or after it (« 1 234,56 € », « EUR 100,00 »)."""
    text = str(value or "").strip()
    for unit in ("€", "EUR"):
        if text.upper().endswith(unit):
            text = text[: -len(unit)]
        elif text.upper().startswith(unit):
            text = text[len(unit) :]
    return re.sub(r"[\s\u00a0\u202f']", "", text)


def _grouped(text: str, separator: str) -> bool:
    """Whether ``text`` is digits grouped by threes with ``separator`` (« 1.234.567 »)."""
    head, *groups = text.split(separator)
    return (
        bool(groups)
        and bool(_LEADING_GROUP.fullmatch(head))
        and all(len(g) == 3 and g.isdigit() for g in groups)
    )


def _shape(compact: str) -> tuple[str, str, str, str]:
    """How a compact amount is written: (shape, sign, integer digits, decimal digits).

    The shape is ``plain`` without separator; ``plain:S`` when its one separator S can
    only be decimal (« 12,5 », « 0.125 », « 1234.567 »); ``grouped:S`` when S only groups
    thousands (« 1.234.567 »); ``both:S`` when thousands are grouped and S, the last
    separator, is the decimal mark (« 1.234,56 »); ``lone:S`` for one S then exactly three
    digits after one to three (« 12.500 », « 1,000 »): thousands or decimals, as the
    file's writing says (the digits are then those before S and those after it);
    ``invalid`` otherwise.
    """
    if not _DIGITS.fullmatch(compact):
        return "invalid", "", "", ""
    sign = compact[0] if compact[0] in "+-" else ""
    body = compact[len(sign) :]
    separators = [c for c in body if c in ".,"]
    if not separators:
        return "plain", sign, body, ""
    last = separators[-1]
    head, _, tail = body.rpartition(last)
    if len(set(separators)) == 2:
        thousands = "," if last == "." else "."
        if not _grouped(head, thousands) or "." in tail or "," in tail:
            return "invalid", "", "", ""
        return "both:" + last, sign, head.replace(thousands, ""), tail
    if len(separators) > 1:
        if not _grouped(body, last):
            return "invalid", "", "", ""
        return "grouped:" + last, sign, body.replace(last, ""), ""
    if len(tail) == 3 and _LEADING_GROUP.fullmatch(head):
        return "lone:" + last, sign, head, tail
    return "plain:" + last, sign, head or "0", tail


def decimal_mark(values: Iterable[object]) -> str | None:
    """The decimal mark that a file's amounts show (« , » in « 1.480,80 », « 99,99 » or
    « 1.234.567 »; « . » in « 1,234.56 », « 1000.5 » or « 1,234,567 »), None when they show
    none or both. It tells how to read an amount such as « 12.500 »: see
    :func:`parse_amount`."""
    marks: set[str] = set()
    for value in values:
        shape, _, _, _ = _shape(_compact(value))
        kind, _, mark = shape.partition(":")
        if kind in ("plain", "both") and mark:
            marks.add(mark)
        elif kind == "grouped":
            marks.add("," if mark == "." else ".")
    return marks.pop() if len(marks) == 1 else None


def parse_amount(value: object, field_: str = "amount", mark: str | None = None) -> int:
    """Cents from « 1 234,56 », « 1234.56 », « 1.234,56 », « 1.234.567 » or « 12 » (at most
    2 decimals, never through a float).

    When « . » and « , » are both written, the last one is the decimal mark. A lone
    separator followed by exactly three digits (« 12.500 », « 1,000 ») may group
    thousands or mark decimals: ``mark`` is the decimal mark the other amounts of the file
    show (:func:`decimal_mark`); without one, a comma is decimal (the French way: « 1,000 »
    is 1), and a point is refused as ambiguous, since reading « 12.500 » as 12,50 divides
    12 500 by a thousand.
    """
    shape, sign, whole, decimals = _shape(_compact(value))
    kind, _, separator = shape.partition(":")
    if kind == "invalid":
        raise _fail(field_, str(value), f"Montant invalide : « {value} » (ex. 1234,56)")
    if kind == "lone":
        if mark is None and separator == ".":
            raise _fail(field_, str(value), _ambiguous(str(value), sign, whole, decimals))
        if (mark or ",") != separator:  # the other one is the decimal mark: thousands
            whole, decimals = whole + decimals, ""
    number = Decimal(f"{sign}{whole or '0'}.{decimals or '0'}")
    if abs(number) > MAX_AMOUNT:
        raise _fail(
            field_, str(value), f"Montant invalide : « {value} » dépasse 999 999 999 999 999,99"
        )
    cents = number.quantize(_CENT, rounding=ROUND_HALF_UP)
    if number != cents:
        raise _fail(
            field_,
            str(value),
            f"Montant invalide : « {value} » a plus de 2 décimales (au centime :"
            f" {format_money_fr(int(cents * 100))})",
        )
    return int(number * 100)


def _ambiguous(value: str, sign: str, whole: str, decimals: str) -> str:
    """Why « 12.500 » is refused: its two readings, and how to write the one meant."""
    sign = sign.lstrip("+")
    thousands = f"{sign}{whole}{decimals}"
    grouped = f"{sign}{int(whole + decimals):,}".replace(",", " ")
    small = Decimal(f"{whole}.{decimals}")
    if small == small.quantize(_CENT):
        cents = f"{sign}{small.quantize(_CENT)}".replace(".", ",")
        return (
            f"Montant ambigu : « {value} » vaut {grouped} si le point sépare les milliers,"
            f" {cents} s'il sépare les décimales ; écrivez {thousands} ou {cents}"
        )
    return (
        f"Montant ambigu : « {value} » vaut {grouped} si le point sépare les milliers ;"
        f" s'il sépare les décimales, le montant en a 3 (2 au plus) ; écrivez {thousands}"
        f" si c'est bien {grouped}"
    )


def parse_rate(value: object) -> Decimal:
    """A VAT rate in percent: « 20 », « 5,5 », « 20 % »."""
    text = str(value or "").strip().removesuffix("%").strip()
    number = parse_decimal(text) if text else None
    if number is None or not 0 <= number <= 100:
        raise _fail("vat_rate", str(value), f"Taux de TVA invalide : « {value} » (ex. 20 ou 5,5)")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y")
# a time after the date, as spreadsheets and exports write date-times: « 2023-05-04T09:15:00 »,
# « 2025-01-13 14:30:00 », « 13/01/2025 14:30 », « 13/01/2025 à 14h30 », with seconds,
# fractions and a time zone or not
_TIME = re.compile(
    r"(?:T|\s+(?:à\s+)?)(?:[01]?\d|2[0-3])[:h][0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?"
    r"\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def parse_date(value: object, field_: str = "date") -> str:
    """An ISO date from 2026-03-15, 15/03/2026, 15/03/26, or a date-time (a spreadsheet's
    date-time cell, an export's « 2025-01-13 14:30:00 »): a document's date has no time,
    and the time is dropped."""
    text = str(value or "").strip()
    day = _TIME.sub("", text)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(day, fmt).date().isoformat()
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
