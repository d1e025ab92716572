"""Text hygiene: what comes in is cleaned and bounded, what goes out cannot drive a terminal.

At input, control characters (C0 and C1, DEL) are removed from every field: line breaks
stay only in notes (elsewhere a break becomes a space, as do tabs).
Each field has a length limit chosen from real use, refused with a French message.
At output, any control character left in old data is shown as a visible symbol, so that a
hostile value (ESC, BEL, an OSC sequence) never reaches the terminal raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MULTILINE = frozenset({"notes", "note"})  # where line breaks are kept

# Limits in characters. A French postal address line holds 38 characters (NF Z10-011);
# company names (« dénomination » of the Sirene register) stay within 120; a note is a
# paragraph or a page of minutes. The limits leave room above what these need.
LIMITS = {
    "name": 200,
    "first_name": 100,
    "email": 254,  # RFC 5321's longest address path
    "phone": 50,
    "address": 200,
    "line2": 200,
    "delivery_address": 200,
    "delivery_line2": 200,
    "postal_code": 20,
    "delivery_postal_code": 20,
    "city": 100,
    "delivery_city": 100,
    "note": 10_000,
}
DEFAULT_LIMIT = 200
LABELS = {
    "name": "Nom",
    "first_name": "Prénom",
    "email": "Email",
    "phone": "Téléphone",
    "address": "Adresse",
    "line2": "Complément d'adresse",
    "delivery_address": "Adresse de livraison",
    "delivery_line2": "Complément d'adresse de livraison",
    "postal_code": "Code postal",
    "delivery_postal_code": "Code postal de livraison",
    "city": "Ville",
    "delivery_city": "Ville de livraison",
    "note": "Note",
    "notes": "Notes",
}

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r
_CONTROLS_ANY = re.compile("[\x00-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"\r\n?|\n|\t")


def clean_text(text: str, multiline: bool = False) -> str:
    """``text`` without control characters; line breaks kept (as \\n) when ``multiline``.

    >>> clean_text("ACME\\x1b]0;pwned\\x07 SA"), clean_text("12 rue\\r\\nBât. B", True)
    ('ACME]0;pwned SA', '12 rue\\nBât. B')
    >>> clean_text("a\\tb\\nc")
    'a b c'
    """
    if text.isprintable():
        return text
    text = _CONTROLS.sub("", text)
    if multiline:
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _BREAKS.sub(" ", text)


def too_long(key: str, text: str) -> str | None:
    """The French message when ``text`` is over the limit of field ``key``, else None."""
    limit = LIMITS.get(key, DEFAULT_LIMIT)
    if len(text) <= limit:
        return None
    label = LABELS.get(key, key)
    return f"{label} trop long : {len(text)} caractères (au plus {limit})"


_SHORTEST_LIMIT = min(*LIMITS.values(), DEFAULT_LIMIT)


def clean_raw(raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[tuple[str, str, str]]]:
    """Raw field values without control characters, and the (key, value, message) of each
    value over its length limit (the value is shown cut, with « … »).

    When no value needs cleaning, ``raw`` itself is given back (never changed): an
    imported row's values are nearly all short printable texts, and copying the dict of
    every row for nothing cost more than checking them."""
    cleaned: dict[str, Any] | None = None
    errors: list[tuple[str, str, str]] = []
    for key, given in raw.items():
        # most values are printable texts within every limit: one test each, then the next
        if given.__class__ is str:
            if given.isprintable() and (len(given) <= _SHORTEST_LIMIT or key == "tags"):
                continue
        elif not isinstance(given, str):
            continue
        if given.isprintable():
            value = given
        else:
            value = clean_text(given, key in MULTILINE)
            if cleaned is None:
                cleaned = dict(raw)
            cleaned[key] = value
        if len(value) > LIMITS.get(key, DEFAULT_LIMIT) and key != "tags":
            errors.append((key, value[:60] + "…", too_long(key, value) or ""))
    return (raw if cleaned is None else cleaned), errors


_PICTURES = {code: chr(0x2400 + code) for code in range(32)}  # ␀ … ␟ (Control Pictures)
_PICTURES[0x7F] = "\u2421"  # ␡
_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})  # C1: �
_PICTURES_MULTILINE = {k: val for k, val in _PICTURES.items() if k != 0x0A}


def visible(text: str, multiline: bool = False) -> str:
    """``text`` safe to print: control characters become visible symbols (ESC → ␛);
    line breaks stay when ``multiline``, tabs become spaces.

    >>> visible("ACME\\x1b[31m"), visible("a\\tb"), visible("a\\nb", multiline=True)
    ('ACME␛[31m', 'a b', 'a\\nb')
    """
    if text.isprintable() or not _CONTROLS_ANY.search(text):
        return text
    text = text.replace("\t", " ")
    return text.translate(_PICTURES_MULTILINE if multiline else _PICTURES)


def clean_note(text: str) -> str:
    """A note without control characters (line breaks kept).

    :raises ValidationFailed: when it is over its length limit.
    """
    from newbi_clients.errors import ValidationFailed

    text = clean_text(text, multiline=True)
    message = too_long("note", text)
    if message:
        raise ValidationFailed.single("note", text[:60] + "…", message)
    return text
