"""Normalise and validate every field of a client.

The validators of fiscal identifiers (``identifiers``), payment conditions
(``conditions``) and countries (``countries``) are re-exported here, so that callers
import every validator from here.

Each ``normalize_*`` function returns the canonical form of a value or raises
:class:`~newbi_clients.errors.ValidationFailed` with a French message naming the field,
in the manner of python-stdnum's ``validate()``. The libraries that do the real work
(python-stdnum, email-validator, phonenumbers, pycountry) live here and in those
modules, nowhere else; the slower ones are imported on first use to keep the CLI's
start-up light.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

# re-exported (« X as X »): callers import every validator from this module
from newbi_clients import fastpaths
from newbi_clients.conditions import normalize_currency as normalize_currency
from newbi_clients.conditions import normalize_payment_method as normalize_payment_method
from newbi_clients.conditions import normalize_terms as normalize_terms
from newbi_clients.conditions import parse_bool as parse_bool
from newbi_clients.conditions import parse_decimal as parse_decimal
from newbi_clients.conditions import parse_discount as parse_discount
from newbi_clients.countries import country_label as country_label
from newbi_clients.countries import normalize_country as normalize_country
from newbi_clients.identifiers import SIRET_CHECKSUM_MESSAGE as SIRET_CHECKSUM_MESSAGE
from newbi_clients.identifiers import SIRET_LENGTH_MESSAGE as SIRET_LENGTH_MESSAGE
from newbi_clients.identifiers import is_eu_vat_number as is_eu_vat_number
from newbi_clients.identifiers import normalize_siren as normalize_siren
from newbi_clients.identifiers import normalize_siret as normalize_siret
from newbi_clients.identifiers import normalize_vat as normalize_vat
from newbi_clients.identifiers import vat_prefix as vat_prefix
from newbi_clients.identifiers import vat_siren as vat_siren
from newbi_clients.models import SECTOR_SUGGESTIONS, SEGMENT_SUGGESTIONS, Kind
from newbi_clients.text import SEPARATORS as _SEPARATORS
from newbi_clients.text import clean as clean
from newbi_clients.text import fail as _fail
from newbi_clients.text import fold as fold
from newbi_clients.text import has_foreign_digits, is_ascii_digits
from newbi_clients.text import match_key as match_key

if TYPE_CHECKING:
    from collections.abc import Iterable

    from newbi_clients.errors import ValidationFailed

# Overseas departments whose phone numbers belong to their own numbering region.
_OVERSEAS_PHONE_REGIONS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}

# French postal codes: France, Monaco and the overseas departments (5 digits)
_FRENCH_POSTAL = frozenset({"FR", "MC", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"})
# countries whose postal codes are a fixed number of digits (France: checked strictly)
FIXED_POSTAL_LENGTHS = {
    "DE": 5, "ES": 5, "IT": 5, "FI": 5, "EE": 5, "HR": 5, "LT": 5, "US": 5, "SK": 5,
    "BE": 4, "CH": 4, "AT": 4, "DK": 4, "LU": 4, "SI": 4, "HU": 4, "BG": 4, "CY": 4, "NO": 4,
}  # fmt: skip
EMAIL_MESSAGE = "Email invalide : vérifiez que l'email contient @ et un domaine valide"
NAME_MESSAGE = "Nom ou raison sociale obligatoire"


# --- identity -------------------------------------------------------------------------


def normalize_name(value: object) -> str:
    """The mandatory name (last name or company name), whitespace collapsed."""
    text = clean(value)
    if text is None:
        raise _fail("name", None, NAME_MESSAGE)
    return collapse(text)


def normalize_text(value: object) -> str | None:
    """Optional free text: stripped, inner whitespace collapsed, None when empty."""
    text = clean(value)
    return collapse(text) if text else None


def collapse(text: str) -> str:
    """A stripped text with each run of whitespace made one space: ``" ".join(text.split())``.

    Stripped and printable, a text's only whitespace is the plain space (tabs, breaks and
    the other Unicode spaces are not printable): without two in a row there is nothing to
    collapse. Most values of an import are such, and skip the split and join.

    >>> collapse("Le  Bon\tCoin"), collapse("Le Bon Coin")
    ('Le Bon Coin', 'Le Bon Coin')
    """
    if "  " not in text and text.isprintable():
        return text
    return " ".join(text.split())


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
    fast = fastpaths.email(text)
    if fast is not None:
        return fast
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


# Regions whose national numbers are dialled with a 0 from anywhere in France.
_OVERSEAS_REGIONS = ("RE", "YT", "GP", "BL", "MF", "MQ", "GF", "PM")
_FRENCH_PHONE = frozenset({"FR", "MC", *_OVERSEAS_REGIONS})


# the spaces a word processor or a French spreadsheet puts between digits (narrow
# no-break, thin, figure…), which phonenumbers does not read as separators
_SPACES_AS_SPACE = {c: " " for c in (*range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}


# an extension written after a number: « poste 12 », « p. 12 », « ext. 12 », « x12 », « #12 »
_EXTENSION = re.compile(
    r"(.*\d)[\s,;/-]*(?:poste|p|ext|extension|x|#)\.?\s*:?\s*(\d{1,6})\s*", re.IGNORECASE
)


def _dialled(text: str) -> str:
    """A phone as dialled: typographic spaces as spaces, the 00 prefix as « + »."""
    if not text.isascii():  # « 06 12 34 56 78 » with a typographer's spaces
        text = text.translate(_SPACES_AS_SPACE)
    return "+" + text[2:] if text.startswith("00") else text


def _extension_refused(text: str, extension: str, alone: str = "") -> ValidationFailed:
    """A phone holds the number only (E.164): an extension is refused, never dropped."""
    given = f" ({alone})" if alone else ""
    return _fail(
        "phone",
        text,
        f"Téléphone : le poste {extension} ne peut pas être enregistré avec le numéro ;"
        f" donnez le numéro seul{given} et le poste en note",
    )


def split_extension(text: str) -> tuple[str, str | None]:
    """A phone number and the extension written after it (« 01 23 45 67 89 poste 12 » →
    (« 01 23 45 67 89 », « 12 »)); (text, None) without one."""
    found = _EXTENSION.fullmatch(text.strip())
    return (found.group(1), found.group(2)) if found else (text, None)


def normalize_phone(
    value: object, country: str = "FR", postal_code: str | None = None
) -> str | None:
    """A phone number in E.164 (``+33612345678``), read in the client's country.

    In an overseas department the local numbering plan is tried first (0690… is
    +590 690…), then the metropolitan one. A French national number that is not a
    mainland one is tried in each overseas region (0692… is +262 692…, whatever the
    client's address). Digits that lost their « + » in a spreadsheet (492984850345 for
    a German client) are read as international when they start with the country's code.
    """
    text = clean(value)
    if text is None:
        return None
    text = _dialled(text)
    if any(c.isalpha() or c == "#" for c in text):
        alone, extension = split_extension(text)
        if extension:
            raise _extension_refused(text, extension, alone)
    region = phone_region(country, postal_code)
    if region == "FR":
        fast = fastpaths.french_phone(text)
        if fast is not None:
            return fast
    import phonenumbers

    attempts = [region, country]
    if country in _FRENCH_PHONE:
        attempts += ["FR", *_OVERSEAS_REGIONS]
    lost_plus = _lost_plus(text, country)
    candidates = [*((lost_plus, None) for _ in lost_plus[:1]),
                  *((text, a) for a in dict.fromkeys(attempts))]  # fmt: skip
    # phonenumbers reads full-width or Arabic-Indic digits as 0-9: they are refused
    for candidate, attempt in candidates if not has_foreign_digits(text) else ():
        try:
            number = phonenumbers.parse(candidate, attempt)
        except phonenumbers.NumberParseException:
            continue
        if number.extension:  # an extension written as phonenumbers reads them (« ;ext=12 »)
            raise _extension_refused(text, number.extension)
        if phonenumbers.is_valid_number(number):
            return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    raise _fail(
        "phone",
        text,
        f"Téléphone invalide : « {text} » n'est pas un numéro valide"
        f" pour {country_label(country)} (format accepté : {_example_phone(region)})",
    )


def phone_country(value: object) -> str | None:
    """The country of a phone written in international form (« +41 22 123 45 67 » → CH),
    None for a national number, a French one (mainland, overseas, Monaco) or no number."""
    text = clean(value)
    if text is None:
        return None
    text = _dialled(text.strip())
    if not text.startswith("+") or text.startswith("+33"):
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(split_extension(text)[0], None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if not region or region in _FRENCH_PHONE or not phonenumbers.is_valid_number(number):
        return None
    return str(region)


def _lost_plus(text: str, country: str) -> str:
    """« +492984850345 » for « 492984850345 » and a German client ('' when it is not that)."""
    import phonenumbers

    if not text.isdigit() or text.startswith("0") or len(text) < 10:
        return ""
    code = str(phonenumbers.country_code_for_region(country))
    return "+" + text if code != "0" and text.startswith(code) else ""


@cache
def _example_phone(region: str) -> str:
    """An example number of the region in international format (+33 6 12 34 56 78)."""
    import phonenumbers

    example = phonenumbers.example_number_for_type(
        region, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(region)
    if example is None:
        return "+33 6 12 34 56 78"
    return str(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


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


@lru_cache(maxsize=16384)
def normalize_postal_code(
    value: object, country: str = "FR", field: str = "postal_code"
) -> str | None:
    """A postal code; French ones must be 5 digits (kept as text: 01000)."""
    text = clean(value)
    if text is None:
        return None
    if country in _FRENCH_POSTAL:
        compact = _SEPARATORS.sub("", text)
        if not (len(compact) == 5 and is_ascii_digits(compact)):
            raise _fail(
                field,
                text,
                f"Code postal invalide : « {text} » (un code postal français contient 5 chiffres,"
                " ex. 75002 ou 01000)",
            )
        return compact
    length = FIXED_POSTAL_LENGTHS.get(country)
    if length and text.isdigit() and length - 2 <= len(text) < length:
        return text.zfill(length)  # a spreadsheet dropped its leading zeros (07683 → 7683)
    return " ".join(text.upper().split())


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
    """Tags, unique ignoring case and accents, keeping the first spelling; commas and
    semicolons (Outlook's categories: « Fournisseurs;Clients ») split a value."""
    seen: set[str] = set()
    tags: list[str] = []
    for value in values:
        text = str(value)
        for part in (text if ";" not in text else text.replace(";", ",")).split(","):
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


# validators that answer None for a missing value, whatever their other arguments (defined
# here, after them: a set of them built in another module could be typed before them)
NONE_FOR_NONE: frozenset[Callable[..., Any]] = frozenset({
    normalize_email, normalize_phone, normalize_postal_code, normalize_siret,
    normalize_siren, normalize_vat, normalize_terms, parse_bool,
    normalize_payment_method, parse_discount, normalize_currency,
})  # fmt: skip
