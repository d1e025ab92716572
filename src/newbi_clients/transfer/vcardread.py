"""A vCard file read as a stream: card by card, each line unfolded within a bound.

The file is read a block of text at a time (as CSV files are, :func:`.csvrows.text_lines`)
and cut into cards at ``BEGIN:VCARD`` and ``END:VCARD``. Lines are unfolded as RFC 6350
(3.2) and vCard 2.1 say: a line starting with a space or a tab goes on the one before,
and a quoted-printable value ending with « = » (a soft line break, as Android and
Outlook write long values) goes on the next line, unless that line begins or ends a card:
a card whose last value ends with « = » before the next BEGIN:VCARD lost its END (it is
left out as a card cut short, and the next one is read), and before its END:VCARD the
« = » ends nothing but the value. An unfolded line over MAX_LINE_CHARS
characters, or a card whose properties read by the import hold more than MAX_CARD_CHARS,
is refused before it is read whole; the properties the import does not read (PHOTO,
LOGO, KEY, other tools' X-…) are skipped whatever their size, never held. A file that
stops inside a line (a download or a copy interrupted) lost its last card: that line is
not read (it may be any part of a property), and the card is left out as one without its
END:VCARD.

Each property read is split into its name, its parameters and its value, the value
decoded (quoted-printable or base64, in its CHARSET): the grammar of a content line
(RFC 6350 3.3) is all it takes, where vobject's objects cost 300 µs a card. A « = » of a
quoted-printable value without two hexadecimal digits after it (« =ZZ ») cannot be
decoded: it is kept as written and the rest of the value decoded, and the card and its
property are listed (:attr:`CardReader.undecoded`) for a notice, never mended silently.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.csvrows import BLOCK, text_lines
from newbi_clients.transfer.ooxml import MAX_ROW_CHARS

# a card is a row: none of its lines, nor the properties it is read from, can be longer
MAX_LINE_CHARS = MAX_ROW_CHARS
MAX_CARD_CHARS = MAX_ROW_CHARS
# the properties the import reads (a card's other lines are skipped as they are read)
READ = frozenset({
    "FN", "N", "ORG", "KIND", "TITLE", "EMAIL", "TEL", "ADR", "CATEGORIES", "NOTE", "UID",
    "RELATED", "X-NEWBI-FISCAL",
})  # fmt: skip
# the name of a property (after its group, « item1. » in Apple's cards), its parameters
# (a quoted value may hold « ; » and « : »), then « : » and the value
_CONTENT = re.compile(r'(?:[A-Za-z0-9-]+\.)*([A-Za-z0-9-]+)((?:;(?:[^";:]|"[^"]*")*)*):')
_PARAM = re.compile(r';((?:[^";:]|"[^"]*")*)')
_KEY = re.compile(r"(?:[A-Za-z0-9-]+\.)*([A-Za-z0-9-]+)[;:]")
_KEPT = READ | {"BEGIN", "END"}
_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
# the lines that begin or end a card: never the rest of a quoted-printable value
_EDGE = re.compile(r"(BEGIN|END):[ \t]*VCARD[ \t]*$", re.IGNORECASE)
# a « = » of a quoted-printable value that is no escape (« =ZZ », « =4 ») nor the soft
# line break that may end it
_BAD_ESCAPE = re.compile(r"=(?![0-9A-Fa-f]{2}|$)")
# the cards a notice lists by their lines (the others are counted): a hostile file of
# millions of empty cards holds no list of millions of lines
SHOWN = 10


@dataclass(slots=True)
class Property:
    """A property of a card: its parameters (names in capitals, values unquoted) and its
    decoded value, still escaped as vCard text (``\\,``, ``\\n``…)."""

    params: dict[str, list[str]]
    value: str


@dataclass(slots=True)
class Card:
    """The properties the import reads of one card, by name in capitals."""

    line: int  # the line of its BEGIN:VCARD
    properties: dict[str, list[Property]] = field(default_factory=dict)


class CardReader:
    """The complete cards of a text file, in order. Once read: the lines where cards left
    without their END:VCARD began (a file cut short) are in :attr:`unterminated` (the
    first SHOWN of them, :attr:`unterminated_count` counts them all), the line where the
    file stops in the middle of such a card's line in :attr:`cut` (0 if none), and the
    quoted-printable values with a sequence that cannot be decoded, kept as written, in
    :attr:`undecoded` (the first SHOWN, all counted by :attr:`undecoded_count`)."""

    def __init__(self, fh: TextIO, name: str, block: int = BLOCK) -> None:
        self.fh, self.name, self.block = fh, name, block
        self.unterminated: list[int] = []
        self.unterminated_count = 0
        self.cut = 0
        # (line of the card, name of the property, its line, the sequence as written)
        self.undecoded: list[tuple[int, str, int, str]] = []
        self.undecoded_count = 0
        # those of the card being read (the first SHOWN, and their count)
        self._pending: list[tuple[int, str, int, str]] = []
        self._pending_count = 0
        self._tail: tuple[int, str] | None = None  # the line cut, (its number, its text)

    def __iter__(self) -> Iterator[Card]:
        card: Card | None = None
        size = 0  # characters of the card's properties kept
        for number, key, line in self._logical_lines():
            if key in READ:
                if card is None:
                    continue  # text outside the cards holds no data
                size += len(line)
                if size > MAX_CARD_CHARS:
                    raise self._refusal(
                        card.line, f"une fiche vCard de plus de {_count(MAX_CARD_CHARS)} caractères"
                    )
                prop = self._property(line, number, card.line)
                if key in card.properties:
                    card.properties[key].append(prop)
                else:
                    card.properties[key] = [prop]
            elif key in ("BEGIN", "END"):
                if line.partition(":")[2].strip(" \t").upper() != "VCARD":
                    continue  # a component inside a card (2.1's AGENT…): not read
                if key == "END":
                    if card is not None:
                        if self._pending_count:
                            self._undecoded()
                        yield card
                    card = None
                    continue
                if card is not None:  # the card before it never ended
                    self._unterminated(card.line)
                card, size = Card(number), 0
            elif not key and card is not None:
                shown = line[:60] + ("…" if len(line) > 60 else "")
                raise self._refusal(
                    number, f"ligne vCard mal formée (« {shown} ») : « NOM:valeur » attendu"
                )
        tail = self._tail
        if card is not None:
            self._unterminated(card.line)
            if tail:
                self.cut = tail[0]
        elif tail and tail[1] and "BEGIN:VCARD".startswith(tail[1].upper()):
            # the file stops in the BEGIN:VCARD of its last card
            self._unterminated(tail[0])
            self.cut = tail[0]

    def _unterminated(self, line: int) -> None:
        self._pending.clear()  # the card is not imported: its values are not either
        self._pending_count = 0
        self.unterminated_count += 1
        if len(self.unterminated) < SHOWN:
            self.unterminated.append(line)

    def _undecoded(self) -> None:
        """Keep the undecodable values of the card just read."""
        pending = self._pending
        self.undecoded_count += self._pending_count
        self.undecoded.extend(pending[: SHOWN - len(self.undecoded)])
        pending.clear()
        self._pending_count = 0

    def _logical_lines(self) -> Iterator[tuple[int, str, str]]:
        """(number of its first line, its property's name in capitals or "" when it has
        none, the unfolded line) of each line of the file, blank ones left out; a line over
        the bound is refused as soon as it goes past it. Of a line not read (a PHOTO…),
        only its first physical line is kept, for its name: it is skipped whatever its
        size (its physical lines are still bounded: writers fold at 75 octets). A last
        line without its line break, unless an END:VCARD, is where the file was cut: it
        is not given (a property cut anywhere reads as a wrong value, or as no property),
        but kept in ``_tail``."""
        number = start = length = 0
        raw = "\n"
        parts: list[str] = []  # of the line being unfolded, when it is read
        head = last = key = ""  # its first and last physical lines, its name
        keep = False  # whether it is read
        name = _KEY.match
        for lines in text_lines(self.fh, self.block, MAX_LINE_CHARS):
            for raw in lines:
                number += 1
                line = raw.rstrip("\r\n")
                if len(line) > MAX_LINE_CHARS:  # (then the text is no longer read)
                    raise self._too_long(number)
                if head:
                    # a soft line break of a quoted-printable value: the line goes on as it is
                    if (
                        last[-1:] == "="
                        and "QUOTED-PRINTABLE" in head.split(":", 1)[0].upper()
                        and not _EDGE.match(line)
                    ):
                        piece: str | None = line
                        if keep:
                            parts[-1] = parts[-1][:-1]
                    elif line[:1] in (" ", "\t"):
                        piece = line[1:]
                    else:
                        piece = None
                    if piece is not None:
                        if keep:
                            length += len(piece)
                            if length > MAX_LINE_CHARS:
                                raise self._too_long(start)
                            parts.append(piece)
                        last = line
                        continue
                    yield start, key, "".join(parts) if len(parts) > 1 else head
                    head = ""
                if not line or line.isspace():
                    continue
                start, head, last, length = number, line, line, len(line)
                found = name(line)
                key = found.group(1).upper() if found else ""
                keep = key in _KEPT or not key
                parts = [line] if keep else []
        if head:
            text = "".join(parts) if len(parts) > 1 else head
            if raw[-1:] in ("\n", "\r") or (key == "END" and _EDGE.match(text)):
                yield start, key, text
            else:
                self._tail = number, head if start == number else ""

    def _property(self, line: str, number: int, card_line: int) -> Property:
        colon = line.find(":")
        if line.find(";", 0, colon) < 0:  # no parameters: most lines
            return Property({}, line[colon + 1 :])
        match = _CONTENT.match(line)
        if match is None:
            shown = line[:60] + ("…" if len(line) > 60 else "")
            raise self._refusal(
                number, f"ligne vCard mal formée (« {shown} ») : « NOM:valeur » attendu"
            )
        params: dict[str, list[str]] = {}
        for param in _PARAM.findall(match.group(2)):
            key, equals, values = param.partition("=")
            if not equals:  # vCard 2.1: « TEL;CELL », « NOTE;QUOTED-PRINTABLE »
                key, values = ("ENCODING" if key.upper() in _ENCODINGS else "TYPE"), key
            params.setdefault(key.strip().upper(), []).extend(
                v.strip('"') for v in values.split(",")
            )
        value = line[match.end() :]
        encoding = params.get("ENCODING", [""])[-1].upper()
        if encoding in ("QUOTED-PRINTABLE", "BASE64", "B"):
            charset = params.get("CHARSET", ["utf-8"])[0]
            if encoding == "QUOTED-PRINTABLE" and (bad := _BAD_ESCAPE.search(value)):
                # kept as written by the decoder, the rest of the value decoded: said
                self._pending_count += 1
                if len(self._pending) < SHOWN:
                    sequence = value[bad.start() : bad.start() + 3].rstrip(" \t")
                    self._pending.append((card_line, match.group(1).upper(), number, sequence))
            value = self._decoded(value, encoding, charset, number)
        return Property(params, value)

    def _decoded(self, value: str, encoding: str, charset: str, number: int) -> str:
        """A quoted-printable or base64 value as text, read in its CHARSET (a « = » of a
        quoted-printable value that is no escape is kept as written, as RFC 2045 6.7
        advises a decoder to)."""
        try:
            codecs.lookup(charset)
        except LookupError:
            raise self._refusal(number, f"jeu de caractères inconnu « {charset[:40]} »") from None
        try:
            if encoding == "QUOTED-PRINTABLE":
                data = quopri.decodestring(value.encode(charset))
            else:
                data = base64.b64decode(value.encode("ascii"))
            return data.decode(charset)
        except (UnicodeError, binascii.Error, ValueError):
            kind = "quoted-printable" if encoding == "QUOTED-PRINTABLE" else "base64"
            raise self._refusal(number, f"valeur {kind} illisible en {charset[:40]}") from None

    def _too_long(self, number: int) -> ImportRejected:
        return self._refusal(
            number, f"une ligne vCard (dépliée) de plus de {_count(MAX_LINE_CHARS)} caractères"
        )

    def _refusal(self, number: int, what: str) -> ImportRejected:
        return ImportRejected(f"{self.name}, ligne {number} : {what} ; rien n'a été importé.")


def _count(number: int) -> str:
    return f"{number:_}".replace("_", " ")


def unescape(text: str) -> str:
    """A vCard text value as it reads (RFC 6350 3.4): ``\\n`` a line break, ``\\,`` a
    comma… (vCard 2.1 escapes nothing else: read the same)."""
    if "\\" not in text:
        return text
    return _ESCAPED.sub(_unescaped, text)


_ESCAPED = re.compile(r"\\(.?)", re.DOTALL)


def _unescaped(match: re.Match[str]) -> str:
    char = match.group(1)
    return "\n" if char in ("n", "N") else char


_SPLITS = {sep: re.compile(rf"((?:\\.?|[^\\{sep}])*)({sep}|$)", re.DOTALL) for sep in ";,"}


def split(text: str, sep: str) -> list[str]:
    """The components of a value at each ``sep`` not escaped, still escaped."""
    if "\\" not in text:
        return text.split(sep)
    parts = []
    for match in _SPLITS[sep].finditer(text):
        parts.append(match.group(1))
        if not match.group(2):
            break
    return parts
