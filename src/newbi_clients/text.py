"""Text helpers shared by the validators: folding, keys, stripping, failures."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newbi_clients.errors import ValidationFailed

SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f/]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


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


def is_ascii_digits(text: str) -> bool:
    """Only the digits 0-9: ``str.isdigit`` also takes « ０１２ » or « ٠١٢ ».

    >>> is_ascii_digits("75002"), is_ascii_digits("７５００２"), is_ascii_digits("")
    (True, False, False)
    """
    return text.isascii() and text.isdigit()


def has_foreign_digits(text: str) -> bool:
    """True if ``text`` holds a digit other than 0-9 (full-width, Arabic-Indic…)."""
    return not text.isascii() and any(c.isdigit() and not c.isascii() for c in text)


def clean(value: object) -> str | None:
    """Strip a raw value; empty strings become None."""
    if value is None:
        return None
    text = value.strip() if value.__class__ is str else str(value).strip()
    return text or None


def fail(field: str, value: str | None, message: str) -> ValidationFailed:
    """The error for one field."""
    return ValidationFailed.single(field, value, message)
