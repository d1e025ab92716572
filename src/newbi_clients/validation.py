"""Normalise and validate every field of a client.

Each ``normalize_*`` function returns the canonical form of a value or raises
:class:`~newbi_clients.errors.ValidationFailed` with a French message naming the field,
in the manner of python-stdnum's ``validate()``. The libraries that do the real work
(python-stdnum, email-validator, phonenumbers, pycountry) live here and nowhere else;
the slower ones are imported on first use to keep the CLI's start-up light.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from newbi_clients.errors import ValidationFailed
from newbi_clients.models import (
    SECTOR_SUGGESTIONS,
    SEGMENT_SUGGESTIONS,
    TERMS_DAYS,
    Discount,
    Kind,
    PaymentMethod,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

# Overseas departments whose phone numbers belong to their own numbering region.
_OVERSEAS_PHONE_REGIONS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}
_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f/]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

EMAIL_MESSAGE = "Email invalide : vérifiez que l'email contient @ et un domaine valide"
NAME_MESSAGE = "Nom ou raison sociale obligatoire"
SIRET_LENGTH_MESSAGE = "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"
SIRET_CHECKSUM_MESSAGE = (
    "SIRET invalide : la clé de contrôle ne correspond pas (vérifiez chacun des 14 chiffres)"
)


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents: « Éléonore » → « eleonore ».

    >>> fold("Éléonore DUPRÉ")
    'eleonore dupre'
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16384)
def match_key(text: str) -> str:
    """``fold`` without spaces or punctuation: « Code-Postal » → « codepostal »."""
    return _NON_ALNUM.sub("", fold(text).replace("œ", "oe").replace("æ", "ae"))


def clean(value: object) -> str | None:
    """Strip a raw value; empty strings become None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _fail(field: str, value: str | None, message: str) -> ValidationFailed:
    return ValidationFailed.single(field, value, message)


# --- identity -------------------------------------------------------------------------


def normalize_name(value: object) -> str:
    """The mandatory name (last name or company name), whitespace collapsed."""
    text = clean(value)
    if text is None:
        raise _fail("name", None, NAME_MESSAGE)
    return " ".join(text.split())


def normalize_text(value: object) -> str | None:
    """Optional free text: stripped, inner whitespace collapsed, None when empty."""
    text = clean(value)
    return " ".join(text.split()) if text else None


_KINDS = {
    "individual": Kind.INDIVIDUAL,
    "particulier": Kind.INDIVIDUAL,
    "part": Kind.INDIVIDUAL,
    "personne": Kind.INDIVIDUAL,
    "b2c": Kind.INDIVIDUAL,
    "business": Kind.BUSINESS,
    "professionnel": Kind.BUSINESS,
    "pro": Kind.BUSINESS,
    "entreprise": Kind.BUSINESS,
    "societe": Kind.BUSINESS,
    "company": Kind.BUSINESS,
    "b2b": Kind.BUSINESS,
}


@lru_cache(maxsize=16384)
def normalize_kind(value: object) -> Kind:
    """« particulier » / « professionnel » (or individual / business)."""
    text = clean(value)
    kind = _KINDS.get(match_key(text)) if text else None
    if kind is None:
        raise _fail("kind", text, "Type invalide : indiquez « particulier » ou « professionnel »")
    return kind


# --- contact --------------------------------------------------------------------------


def normalize_email(value: object) -> str | None:
    """An email checked offline by email-validator, in its normalised form (domain lower-cased)."""
    text = clean(value)
    if text is None:
        return None
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(text, check_deliverability=False).normalized)
    except EmailNotValidError:
        raise _fail("email", text, EMAIL_MESSAGE) from None


def email_key(email: str | None) -> str | None:
    """The duplicate-detection key of an email: case-insensitive."""
    return email.casefold() if email else None


def phone_region(country: str, postal_code: str | None) -> str:
    """The phonenumbers region for a client: overseas departments have their own."""
    if country == "FR" and postal_code and postal_code[:3] in _OVERSEAS_PHONE_REGIONS:
        return _OVERSEAS_PHONE_REGIONS[postal_code[:3]]
    return country


def normalize_phone(
    value: object, country: str = "FR", postal_code: str | None = None
) -> str | None:
    """A phone number in E.164 (``+33612345678``), read in the client's country.

    In an overseas department the local numbering plan is tried first (0690… is
    +590 690…), then the metropolitan one: a client in La Réunion may well have a
    mainland number.
    """
    text = clean(value)
    if text is None:
        return None
    import phonenumbers

    if text.startswith("00"):
        text = "+" + text[2:]
    region = phone_region(country, postal_code)
    for attempt in dict.fromkeys((region, country)):
        try:
            number = phonenumbers.parse(text, attempt)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    raise _fail(
        "phone",
        text,
        f"Téléphone invalide : « {text} » n'est pas un numéro valide"
        f" pour {country_label(country)} (le format international +33 6 12 34 56 78 est accepté)",
    )


def format_phone(e164: str | None) -> str | None:
    """Display form: national for French numbers (06 12 34 56 78), international otherwise."""
    if not e164:
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return str(phonenumbers.format_number(number, style))


# --- addresses ------------------------------------------------------------------------


@cache
def _country_index() -> dict[str, str]:
    import gettext

    import pycountry

    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        names = [getattr(country, a, None) for a in ("name", "official_name", "common_name")]
        for name in [n for n in names if n]:
            index.setdefault(match_key(name), code)
            index.setdefault(match_key(french.gettext(name)), code)
        index[match_key(country.alpha_3)] = code
    for alias, code in {
        "uk": "GB",
        "angleterre": "GB",
        "grandebretagne": "GB",
        "ecosse": "GB",
        "irlandedunord": "GB",
        "usa": "US",
        "etatsunis": "US",
        "hollande": "NL",
        "paysbas": "NL",
        "suisse": "CH",
        "russie": "RU",
        "coreedusud": "KR",
        "southkorea": "KR",
        "vietnam": "VN",
        "tchequie": "CZ",
        "republiquetcheque": "CZ",
        "czechrepublic": "CZ",
        "el": "GR",
        "russia": "RU",
        "greatbritain": "GB",
        "britain": "GB",
        "vatican": "VA",
        "reunion": "RE",
        "lareunion": "RE",
        "palestine": "PS",
        "micronesie": "FM",
        "micronesia": "FM",
        "iran": "IR",
        "syrie": "SY",
        "syria": "SY",
        "bolivie": "BO",
        "bolivia": "BO",
        "venezuela": "VE",
        "tanzanie": "TZ",
        "tanzania": "TZ",
        "taiwan": "TW",
        "laos": "LA",
        "moldavie": "MD",
        "moldova": "MD",
        "coreedunord": "KP",
        "northkorea": "KP",
    }.items():
        index[alias] = code
    return index


@cache
def _alpha2_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=16384)
def normalize_country(value: object, field: str = "country") -> str:
    """ISO 3166-1 alpha-2 from a code (FR, FRA) or a French or English name (Allemagne, Germany)."""
    text = clean(value)
    if text is None:
        return "FR"
    upper = text.upper()
    if len(upper) == 2 and upper in _alpha2_codes():
        return upper
    code = _country_index().get(match_key(text))
    if code is None:
        raise _fail(
            field,
            text,
            f"Pays inconnu : « {text} » (indiquez un code ISO comme FR ou DE, ou le nom du pays"
            " en français ou en anglais)",
        )
    return code


@cache
def country_label(code: str) -> str:
    """The French name of a country code: DE → Allemagne."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    name = getattr(country, "common_name", None) or country.name
    return str(french.gettext(name))


@lru_cache(maxsize=16384)
def normalize_postal_code(
    value: object, country: str = "FR", field: str = "postal_code"
) -> str | None:
    """A postal code; French ones must be 5 digits (kept as text: 01000)."""
    text = clean(value)
    if text is None:
        return None
    if country in ("FR", "MC"):
        compact = _SEPARATORS.sub("", text)
        if not (len(compact) == 5 and compact.isdigit()):
            raise _fail(
                field,
                text,
                f"Code postal invalide : « {text} » (un code postal français contient 5 chiffres,"
                " ex. 75002 ou 01000)",
            )
        return compact
    return " ".join(text.upper().split())


# --- fiscal identifiers -----------------------------------------------------------------


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", text)


def normalize_siret(value: object) -> str | None:
    """A SIRET: 14 digits, Luhn (La Poste exception included); spaces and dots accepted."""
    text = clean(value)
    if text is None:
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siret

    compact = _digits(text)
    if not (len(compact) == 14 and compact.isdigit()):
        raise _fail("siret", text, SIRET_LENGTH_MESSAGE)
    try:
        return str(siret.validate(compact))
    except ValidationError:
        raise _fail("siret", text, SIRET_CHECKSUM_MESSAGE) from None


def normalize_siren(value: object) -> str | None:
    """A SIREN: 9 digits with a Luhn check digit."""
    text = clean(value)
    if text is None:
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren

    compact = _digits(text)
    if not (len(compact) == 9 and compact.isdigit()):
        raise _fail("siren", text, "SIREN invalide : le SIREN doit contenir exactement 9 chiffres")
    try:
        return str(siren.validate(compact))
    except ValidationError:
        raise _fail(
            "siren",
            text,
            "SIREN invalide : la clé de contrôle ne correspond pas"
            " (vérifiez chacun des 9 chiffres)",
        ) from None


def vat_prefix(country: str) -> str:
    """The VAT prefix of a country: GR → EL, and Monaco uses the French FR."""
    return {"GR": "EL", "MC": "FR"}.get(country, country)


def normalize_vat(value: object, country: str = "FR") -> str | None:
    """An intra-community VAT number in compact form (FR44732829320), validated offline.

    Dashes, dots and (non-breaking) spaces are removed, GR is rewritten EL, and a number
    given without its prefix takes the client's country. EU numbers (and XI) are checked
    with stdnum.eu.vat, others with stdnum.vatin.
    """
    text = clean(value)
    if text is None:
        return None
    compact = _SEPARATORS.sub("", text).upper()
    if compact[:1].isdigit():
        compact = vat_prefix(country) + compact
    if compact.startswith("GR"):
        compact = "EL" + compact[2:]
    prefix = compact[:2]
    from stdnum.exceptions import ValidationError

    message = (
        f"Numéro de TVA invalide : « {text} » (format attendu : préfixe pays puis numéro,"
        " ex. FR44732829320 ou DE136695976)"
    )
    try:
        if prefix.lower() in _eu_vat_states():
            from stdnum.eu import vat

            return str(vat.validate(compact))
        from stdnum import vatin

        return str(vatin.validate(compact))
    except ValidationError:
        raise _fail("vat_number", text, message) from None


@cache
def _eu_vat_states() -> frozenset[str]:
    from stdnum.eu import vat

    return frozenset(vat.MEMBER_STATES) | {"el"}


def vat_siren(vat_number: str) -> str | None:
    """The SIREN inside a French VAT number, None for Monaco or non-French numbers."""
    if not vat_number.startswith("FR"):
        return None
    from stdnum.exceptions import ValidationError
    from stdnum.fr import tva

    try:
        return str(tva.to_siren(vat_number))
    except ValidationError:
        return None


def is_eu_vat_number(vat_number: str | None) -> bool:
    """True for a number of the EU VAT system (member states and XI)."""
    return bool(vat_number) and vat_number[:2].lower() in _eu_vat_states()  # type: ignore[index]


# --- payment conditions ---------------------------------------------------------------


@lru_cache(maxsize=16384)
def normalize_terms(value: object) -> int | None:
    """Payment terms in days: 15, 30, 45 or 60 (French law caps them at 60)."""
    text = clean(value)
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)(?:[.,]0+)?\s*(?:j|jours?|d|days?)?", text.lower())
    if match is None:
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
    number = parse_decimal(body.strip())
    if number is None:
        raise _fail("discount", text, message)
    if number < 0:
        raise _fail("discount", text, "Remise invalide : une remise ne peut pas être négative")
    if kind == "percent" and number > 100:
        raise _fail("discount", text, "Remise invalide : un pourcentage ne peut pas dépasser 100 %")
    if kind == "amount":
        number = number.quantize(Decimal("0.01"))
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


# --- organisation ---------------------------------------------------------------------


def _with_suggestions(value: object, suggestions: tuple[str, ...]) -> str | None:
    text = normalize_text(value)
    if text is None:
        return None
    return _suggestion_keys(suggestions).get(match_key(text), text)


@cache
def _suggestion_keys(suggestions: tuple[str, ...]) -> dict[str, str]:
    return {match_key(s): s for s in suggestions}


@lru_cache(maxsize=16384)
def normalize_sector(value: object) -> str | None:
    """Free text; a suggestion typed in another case takes the suggestion's spelling."""
    return _with_suggestions(value, SECTOR_SUGGESTIONS)


@lru_cache(maxsize=16384)
def normalize_segment(value: object) -> str | None:
    """Free text; « vip » becomes « VIP », « regulier » « Régulier »."""
    return _with_suggestions(value, SEGMENT_SUGGESTIONS)


def normalize_tags(values: Iterable[object]) -> list[str]:
    """Tags, unique ignoring case and accents, keeping the first spelling; commas split a value."""
    seen: set[str] = set()
    tags: list[str] = []
    for value in values:
        for part in str(value).split(","):
            tag = normalize_text(part)
            if tag is None:
                continue
            key = tag_key(tag)
            if len(tag) > 100:
                raise _fail("tags", tag, "Tag invalide : 100 caractères au plus")
            if key not in seen:
                seen.add(key)
                tags.append(tag)
    return tags


@lru_cache(maxsize=16384)
def tag_key(tag: str) -> str:
    """The case-insensitive identity of a tag."""
    return fold(" ".join(tag.split()))
