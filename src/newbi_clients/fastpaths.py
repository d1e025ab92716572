"""Fast paths for the common shapes of email, French phone number, SIRET and VAT number.

An import validates every cell with email-validator, phonenumbers and python-stdnum,
whose generality costs tens of microseconds a value. Most values have one of a few
plain shapes: ``jean.dupont@exemple.fr``, ``06 12 34 56 78``, ``73282932000074``. For
those, each function here gives the library's own result more cheaply; for anything
else it answers ``None`` ("don't know") and the caller asks the library. A fast path
never rejects: an invalid value always goes to the library, which words the error.

What keeps each one from disagreeing with its library:

- email: only an ASCII dot-atom local part and an ASCII host name whose top-level
  domain is letters, 64 characters at most in all (so no length limit of RFC 5321 can
  apply); no Punycode, no ``--`` (RFC 5890's reserved labels), no special-use domain
  and no case-insensitive mailbox name (``postmaster``…), which email-validator treats
  apart. Its normalised form is then the local part as written and the domain
  lower-cased.
- phone: a French national number (``0`` then 9 digits, or ``+33``/``+33 (0)`` then 9
  digits) in pairs separated by a space, dot or dash, whose first digit is 1–7 or 9.
  Validity itself is still phonenumbers' ``is_valid_number`` on the number +33 and
  those 9 digits; only the parsing of the text is skipped. Numbers it finds invalid
  (overseas prefixes 0262, 0590, 0692…, which belong to other numbering regions) go
  to the library.
- SIRET: 14 ASCII digits outside La Poste's SIREN 356000000 (checked differently),
  whose Luhn checksums (SIRET and SIREN) are zero. python-stdnum's ``luhn.checksum``
  spends about 5 µs on one (a tuple of digits, ``divmod`` per doubled digit), and an
  import computes two a SIRET: here the same sum is taken on bytes (``luhn``), proved
  equal to stdnum's on every string of ASCII digits by ``tests/test_fastpaths.py``.
- French VAT number: ``FR``, a two-digit key and a SIREN of ASCII digits (not 000…,
  Monaco's), whose SIREN's Luhn sum is zero and whose key is ``(12 + 3 × (SIREN mod
  97)) mod 97``: the checks of python-stdnum's ``fr.tva.validate`` for an all-digit
  number (about 30 µs through ``eu.vat``, which cleans the text three times), which
  then gives back the number as it is. Keys with letters (the older scheme) go to it.

``tests/test_fastpaths.py`` checks each against its library with hypothesis and on
every value of the test fixtures and of the benchmark's generated data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

_LOCAL = r"[A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"({_LOCAL})@((?:{_LABEL}\.)+[A-Za-z]+)")
_EMAIL_MAX = 64

_PAIR = r"[ .\-]?(\d\d)"
_FR_PHONE = re.compile(
    r"(?:0|\+33 ?(?:\(0\) ?)?)([1-79])" + _PAIR * 4,
    re.ASCII,
)

_LA_POSTE = "356000000"


@cache
def _email_exclusions() -> tuple[tuple[str, ...], frozenset[str]]:
    """email-validator's special-use domains (as suffixes) and case-insensitive mailboxes."""
    from email_validator import SPECIAL_USE_DOMAIN_NAMES
    from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

    suffixes = tuple(f".{d}" for d in SPECIAL_USE_DOMAIN_NAMES)
    return suffixes, frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)


def email(text: str) -> str | None:
    """email-validator's normalised form of a plain ASCII email, or None to ask it.

    >>> email("Jean.Dupont@Exemple.FR")
    'Jean.Dupont@exemple.fr'
    >>> email("jean@café.fr") is None
    True
    """
    if len(text) > _EMAIL_MAX:
        return None
    match = _EMAIL.fullmatch(text)
    if match is None:
        return None
    local, domain = match.groups()
    domain = domain.lower()
    suffixes, mailboxes = _email_exclusions()
    if "--" in domain or ("." + domain).endswith(suffixes) or local.lower() in mailboxes:
        return None
    return f"{local}@{domain}"


# the number types phonenumbers' ``_number_type_helper`` tries after the general pattern;
# a number is valid when it matches one of them
_NUMBER_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
                 "uan", "voicemail", "fixed_line", "mobile")  # fmt: skip
_NSN_LENGTH = 9


def _never(nsn: str) -> object:
    return None


@cache
def french_valid() -> Callable[[str], object]:
    """phonenumbers' ``is_valid_number`` for +33 and 9 ASCII digits not starting with 0, as
    one expression built from the FR metadata: a match or None (always None, so that the
    library is asked, if the metadata ever stops fitting this reading)."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("FR")
    if COUNTRY_CODE_TO_REGION_CODE.get(33) != ("FR",) or metadata is None:
        return _never

    def pattern(desc: Any) -> str | None:
        """The desc's pattern when it can match 9 digits (``_is_number_matching_desc``)."""
        if desc is None or not desc.national_number_pattern:
            return None
        if desc.possible_length and _NSN_LENGTH not in desc.possible_length:
            return None
        return str(desc.national_number_pattern)

    general = pattern(metadata.general_desc)
    names = [n for n in _NUMBER_TYPES
             if not (n == "mobile" and metadata.same_mobile_and_fixed_line_pattern)]  # fmt: skip
    types = [p for p in (pattern(getattr(metadata, n)) for n in names) if p]
    if general is None or not types:
        return _never
    either = "|".join(f"(?:{p})" for p in types)
    return re.compile(rf"(?=(?:{general})\Z)(?:{either})\Z").match


def french_phone(text: str) -> str | None:
    """phonenumbers' E.164 form of a usual French number read in region FR, or None.

    >>> french_phone("06 12 34 56 78")
    '+33612345678'
    >>> french_phone("0692 12 34 56") is None  # La Réunion: for the library
    True
    """
    match = _FR_PHONE.fullmatch(text)
    if match is None:
        return None
    nsn = "".join(match.groups())
    if not french_valid()(nsn):
        return None
    return "+33" + nsn


# a digit doubled, its two digits summed (Luhn's doubling): 7 → 14 → 5
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")


def luhn(digits: str) -> int:
    """python-stdnum's ``luhn.checksum`` of a string of ASCII digits (0 when it checks),
    in a tenth of its time: the digits from the right, every second one doubled, summed
    as bytes (each ASCII digit is its value plus 48).

    >>> luhn("73282932000074"), luhn("732829320"), luhn("73282932000075")
    (0, 0, 1)
    """
    data = digits.encode()
    summed = data[-1::-2] + data[-2::-2].translate(_DOUBLED)
    return (sum(summed) - 48 * len(summed)) % 10


def siret(compact: str) -> str | None:
    """The SIRET itself when python-stdnum would accept it by its Luhn keys, or None.

    ``compact`` is the value without separators.

    >>> siret("73282932000074")
    '73282932000074'
    >>> siret("73282932000075") is None
    True
    """
    if len(compact) != 14 or not compact.isascii() or not compact.isdigit():
        return None
    if compact.startswith(_LA_POSTE):
        return None
    if luhn(compact) or luhn(compact[:9]):
        return None
    return compact


def french_vat(compact: str) -> str | None:
    """The number itself when python-stdnum's ``eu.vat.validate`` accepts it as a French
    all-digit VAT number, or None. ``compact`` is the value without separators, upper-cased.

    >>> french_vat("FR44732829320")
    'FR44732829320'
    >>> french_vat("FR45732829320") is None, french_vat("FR00000000000") is None
    (True, True)
    """
    if len(compact) != 13 or not compact.startswith("FR"):
        return None
    digits = compact[2:]
    if not digits.isascii() or not digits.isdigit() or digits.startswith("000", 2):
        return None
    siren = digits[2:]
    if luhn(siren) or int(digits[:2]) != int(siren + "12") % 97:
        return None
    return compact
