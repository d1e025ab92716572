"""Payment conditions: terms, end of month, method, discount, currency."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

from newbi_clients.models import TERMS_DAYS, Discount, PaymentMethod
from newbi_clients.text import clean, fold, match_key
from newbi_clients.text import fail as _fail


@lru_cache(maxsize=16384)
def normalize_terms(value: object) -> int | None:
    """Payment terms in days: 15, 30, 45 or 60 (French law caps them at 60)."""
    text = clean(value)
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)(?:[.,]0+)?\s*(?:j|jours?|d|days?)?", text.lower())
    if match is None:
        days, end_of_month = read_terms(text)
        if end_of_month and days is not None:
            raise _fail(
                "terms_days",
                text,
                f"Délai de paiement invalide : « {text} » ; donnez le délai seul ({days}) et la"
                " fin de mois à part",
            )
        raise _fail(
            "terms_days", text, "Délai de paiement invalide : choisissez 15, 30, 45 ou 60 jours"
        )
    days = int(match.group(1))
    if days > 60:
        raise _fail(
            "terms_days",
            text,
            f"Délai de paiement refusé : {days} jours dépasse le maximum légal de 60 jours"
            " (art. L441-10 du Code de commerce) ; choisissez 15, 30, 45 ou 60",
        )
    if days not in TERMS_DAYS:
        raise _fail(
            "terms_days", text, "Délai de paiement invalide : choisissez 15, 30, 45 ou 60 jours"
        )
    return days


# payment terms as invoicing tools write them: « 30 jours », « 45 j fin de mois » (Dolibarr's
# « 60 jours fin de mois »), « net 30 », « 60 days end of month »
_TERMS_WORDS = re.compile(
    r"(?:net\s*)?(\d+)(?:[.,]0+)?\s*(?:j|jours?|d|days?)?\.?(?:\s*net)?"
    r"(?:\s*[,-]?\s*(fin\s*de\s*mois|fdm|end\s*of\s*(?:the\s*)?month|eom))?"
)
# payment on receipt: no days at all (Dolibarr's « À réception », « comptant », Odoo's
# « Immediate Payment »)
_ON_RECEIPT = frozenset(
    {
        "areception", "reception", "alareception", "areceptiondefacture",
        "areceptiondelafacture", "paiementareception", "comptant", "paiementcomptant",
        "immediat", "paiementimmediat", "immediate", "immediatepayment", "dueonreceipt",
        "onreceipt", "uponreceipt", "cash",
    }
)  # fmt: skip


def read_terms(value: object) -> tuple[int | None, bool]:
    """The days and the end of month that payment terms written in words say, unchecked
    (:func:`normalize_terms` checks the days): « 60 jours fin de mois » → (60, True),
    « 30 jours » → (30, False), « À réception » or « comptant » → (0, False); (None, False)
    when they name no number of days.

    >>> read_terms("60 jours fin de mois"), read_terms("A réception"), read_terms("bientôt")
    ((60, True), (0, False), (None, False))
    """
    text = clean(value)
    if text is None:
        return None, False
    if match_key(text) in _ON_RECEIPT:
        return 0, False
    match = _TERMS_WORDS.fullmatch(fold(text).strip())
    if match is None:
        return None, False
    return int(match.group(1)), match.group(2) is not None


_TRUE = {"oui", "o", "yes", "y", "true", "vrai", "1", "x"}
_FALSE = {"non", "n", "no", "false", "faux", "0"}


@lru_cache(maxsize=16384)
def parse_bool(value: object, field: str = "end_of_month") -> bool | None:
    """oui/non, yes/no, true/false, 1/0."""
    if isinstance(value, bool):
        return value
    text = clean(value)
    if text is None:
        return None
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _fail(field, text, f"Valeur invalide : « {text} » (répondez oui ou non)")


_METHODS = {
    "virement": PaymentMethod.VIREMENT,
    "virementbancaire": PaymentMethod.VIREMENT,
    "virementsepa": PaymentMethod.VIREMENT,
    "transfer": PaymentMethod.VIREMENT,
    "banktransfer": PaymentMethod.VIREMENT,
    "vir": PaymentMethod.VIREMENT,
    "cheque": PaymentMethod.CHEQUE,
    "check": PaymentMethod.CHEQUE,
    "chq": PaymentMethod.CHEQUE,
    "prelevement": PaymentMethod.PRELEVEMENT,
    "prelevementsepa": PaymentMethod.PRELEVEMENT,
    "directdebit": PaymentMethod.PRELEVEMENT,
    "sepa": PaymentMethod.PRELEVEMENT,
    "carte": PaymentMethod.CARTE,
    "cartebancaire": PaymentMethod.CARTE,
    "cb": PaymentMethod.CARTE,
    "card": PaymentMethod.CARTE,
    "especes": PaymentMethod.ESPECES,
    "espece": PaymentMethod.ESPECES,
    "cash": PaymentMethod.ESPECES,
    "liquide": PaymentMethod.ESPECES,
}


@lru_cache(maxsize=16384)
def normalize_payment_method(value: object, field: str = "payment_method") -> PaymentMethod | None:
    """virement, cheque, prelevement, carte or especes (accents and usual synonyms accepted)."""
    text = clean(value)
    if text is None:
        return None
    method = _METHODS.get(match_key(text))
    if method is None:
        raise _fail(
            field,
            text,
            f"Mode de paiement invalide : « {text} » (virement, cheque, prelevement, carte"
            " ou especes)",
        )
    return method


def parse_decimal(text: str) -> Decimal | None:
    """A number written the French or English way: « 1 234,56 », « 1234.56 », « -5 »."""
    compact = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in compact and "." in compact:
        # the last separator is the decimal one
        if compact.rfind(",") > compact.rfind("."):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            compact = compact.replace(",", "")
    else:
        compact = compact.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", compact):
        return None
    try:
        return Decimal(compact)
    except InvalidOperation:
        return None


# a point, then three digits, after one to three: thousands or decimals (see
# documents.parse_amount)
_LONE_POINT = re.compile(r"([1-9]\d{0,2})\.(\d{3})")


def _ambiguous_discount(text: str, whole: str, decimals: str) -> str:
    """Why « 1.000 » is refused as a discount: its two readings, and what to write."""
    grouped = f"{whole} {decimals}"
    if decimals.endswith("0"):
        cents = f"{whole},{decimals[:2]}"
        return (
            f"Remise ambiguë : « {text} » vaut {grouped} si le point sépare les milliers,"
            f" {cents} s'il sépare les décimales ; écrivez {whole}{decimals} ou {cents}"
        )
    return (
        f"Remise ambiguë : « {text} » vaut {grouped} si le point sépare les milliers ;"
        f" écrivez {whole}{decimals} si c'est bien {grouped}"
    )


@lru_cache(maxsize=16384)
def parse_discount(value: object, currency: str = "EUR") -> Discount | None:
    """« 5% » / « 5,5 % » (percentage) or « 50 » / « 50 EUR » / « 50 € » (fixed amount)."""
    text = clean(value)
    if text is None:
        return None
    message = (
        f"Remise invalide : « {text} » (un pourcentage comme 5 % ou un montant comme 50"
        f" ou 50 {currency})"
    )
    body = text
    kind = "amount"
    if body.endswith("%"):
        kind, body = "percent", body[:-1]
    else:
        for suffix, code in (("€", "EUR"), ("EUR", "EUR"), (currency, currency)):
            if body.upper().endswith(suffix.upper()):
                if code != currency:
                    raise _fail(
                        "discount",
                        text,
                        f"Remise invalide : « {text} » est en euros, mais la devise du client"
                        f" est {currency}",
                    )
                body = body[: -len(suffix)]
                break
    body = body.strip()
    lone = _LONE_POINT.fullmatch(body) if kind == "amount" else None
    if lone:
        # « 1.000 » is 1 000 with a point between thousands, or 1,00: read as 1,00 it
        # would divide the discount by a thousand without a word
        raise _fail("discount", text, _ambiguous_discount(text, lone.group(1), lone.group(2)))
    number = parse_decimal(body)
    if number is None:
        raise _fail("discount", text, message)
    if number < 0:
        raise _fail("discount", text, "Remise invalide : une remise ne peut pas être négative")
    if kind == "percent" and number > 100:
        raise _fail("discount", text, "Remise invalide : un pourcentage ne peut pas dépasser 100 %")
    if kind == "amount":
        try:
            number = number.quantize(Decimal("0.01"))
        except InvalidOperation:  # more digits than a Decimal holds (28)
            raise _fail("discount", text, "Remise invalide : montant trop grand") from None
    return Discount(kind, number)


@cache
def _currency_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


@lru_cache(maxsize=16384)
def normalize_currency(value: object, field: str = "currency") -> str | None:
    """An ISO 4217 currency code (EUR, USD, CHF…); « € » is read as EUR."""
    text = clean(value)
    if text is None:
        return None
    code = {"€": "EUR", "$": "USD", "£": "GBP"}.get(text, text.upper())
    if code not in _currency_codes():
        raise _fail(
            field, text, f"Devise invalide : « {text} » (code ISO 4217 comme EUR, USD ou CHF)"
        )
    return code
