"""XML text as an XML parser reads it, for the fast path of the sheet (:mod:`.fastrows`).

Character data: the five entities and character references replaced, line ends
normalised (XML 1.0 §2.11), references to characters XML refuses rejected. Attributes:
names and values of a start tag, duplicates rejected. What the fast path does not take
raises :class:`Fallback`, and expat reads the text instead.
"""

from __future__ import annotations

import re

W = "[ \t\r\n]"  # XML white space (``\s`` would also take Unicode spaces)
NAME = "[A-Za-z_][A-Za-z0-9_.:-]*"
ATTRS = f"""(?:{W}+{NAME}{W}*={W}*(?:"[^"<]*"|'[^'<]*'))*"""
_ATTR = re.compile(f"""{W}+({NAME}){W}*={W}*(?:"([^"]*)"|'([^']*)')""")
_ALL_ATTRS = re.compile(f"{ATTRS}{W}*")
_REF = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));|&")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
# characters no XML text may hold (C0 controls but tab and line ends; U+FFFE, U+FFFF)
_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|]]>")


class Fallback(Exception):
    """This text is not in the fast grammar (or breaks a bound): expat reads it."""


def _legal(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _reference(match: re.Match[str]) -> str:
    named, decimal, hexa = match.groups()
    if named:
        return _NAMED[named]
    if not (decimal or hexa) or len(decimal or hexa) > 8:
        raise Fallback  # a bare « & », or a number no character has
    code = int(decimal) if decimal else int(hexa, 16)
    if not _legal(code):
        raise Fallback
    return chr(code)


def unescape(text: str) -> str:
    """Character data as an XML parser reports it: line ends normalised, references replaced.

    >>> unescape("a &amp; b&#10;c\\r\\nd&#x0D;")
    'a & b\\nc\\nd\\r'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _REF.sub(_reference, text) if "&" in text else text


def decoded(data: bytes) -> tuple[str, bool]:
    """The text of UTF-8 ``data``, and whether it may hold what XML refuses: a control
    character, U+FFFE or U+FFFF, ``]]>``, or bytes that are not UTF-8 (then kept as
    surrogates, which :data:`ILLEGAL` finds).

    >>> decoded("é".encode()), decoded(b"a\\x01"), decoded(b"\\xff")
    (('é', False), ('a\\x01', True), ('\\udcff', True))
    """
    try:
        text = data.decode()
    except UnicodeDecodeError:
        return data.decode("utf-8", "surrogateescape"), True
    suspect = len(data.translate(None, _CONTROLS)) != len(data) or b"]]>" in data
    return text, suspect or b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data


def attributes(text: str) -> dict[str, str]:
    """The attributes of a start tag (what follows its name), if the fast path takes them."""
    if not _ALL_ATTRS.fullmatch(text):
        raise Fallback
    found: dict[str, str] = {}
    for name, double, single in _ATTR.findall(text):
        value = double or single
        if name in found or "&" in value or "\t" in value or "\n" in value or "\r" in value:
            raise Fallback  # duplicates are an XML error; references and breaks are rare
        found[name] = value
    return found
