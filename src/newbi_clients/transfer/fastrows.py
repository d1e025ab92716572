"""The rows of a sheet in the shapes spreadsheet writers produce, read with regular expressions.

Excel, LibreOffice, Google Sheets, openpyxl and xlsxwriter write the cells of a sheet in a
handful of shapes (ECMA-376 part 1, §18.3.1.4): ``<c r="B2" s="3" t="s"><v>12</v></c>``,
inline strings ``<is><t xml:space="preserve">…</t></is>``, rich runs, formulas with their
cached ``<v>``, empty styled cells, a namespace prefix (``<x:c>``). A row made only of those
is read here, with the semantics of an XML parser: the five entities and character
references, line ends normalised, illegal characters refused. Anything else — a comment,
CDATA, a processing instruction, an unknown element, phonetic runs, a value out of bounds —
raises :class:`Fallback`, and the row is read by expat instead (:mod:`.sheetxml`), which
gives the same rows or the same refusal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from operator import itemgetter

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.ooxml import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROW,
    MAX_ROW_CHARS,
    column_letters,
)
from newbi_clients.transfer.richruns import RichRuns
from newbi_clients.transfer.sharedstrings import SharedStrings
from newbi_clients.transfer.xmltext import ATTRS, Fallback, W, attributes, unescape

_INT = "0|[1-9][0-9]{0,14}"  # a number whose text is its own canonical form
_DIGITS = "0123456789"
_CACHE = 4096  # distinct attribute lists remembered (bounded: a hostile file has millions)
# shared strings kept decoded, as lists of 1,024 strings (a block): rows use strings from
# the whole table (the same cities and names come back), so as many blocks as fit in
# bounds that the strings of 100,000 client rows (414,000 strings, 9 million characters,
# about 33 MB decoded) stay within, while a larger table is decoded again as the rows need
# its blocks. The bound is in bytes (a block's packed text as stored, 1 to 4 bytes a
# character, plus each string's own header), so that text of any script takes no more.
_BLOCKS = 512
_BYTES = 40_000_000
_STRING_BYTES = 56  # what a str object takes besides its characters (CPython 3.11: 49–76)


def _size(packed: list[str], blocks: Iterable[int]) -> int:
    """About the memory that decoding ``blocks`` of the packed table takes."""
    return sum(sys.getsizeof(packed[n]) + SharedStrings.BLOCK * _STRING_BYTES for n in blocks)


Rows = list[tuple[int, list[str]]]
Take = Callable[[list[str]], tuple[str, ...]]  # the values of a row in column order


def _patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    p = re.escape(prefix)
    row = re.compile(f"""{W}*<{p}row(?:{W}+r=(?:"([0-9]+)"|'([0-9]+)'))?({ATTRS}){W}*(/?)>""")
    # a cell as writers put it (``s`` before ``t``, no formula): letters, style, inline
    # marker, shared marker, other type, value in canonical form (an integer, or any inline
    # text), other value; both values None for an empty cell
    # (possessive quantifiers: nothing they take is ever given back, and they are faster)
    common = re.compile(
        f'<{p}c r="([A-Z]{{1,3}})[0-9]*+"(?: s="(0|[1-9][0-9]*+)")?+'
        f'(?: t="(?:(i)nlineStr|(s)|n|(b|d|e|str))")?+'
        f'(?:/>|>(?(3)<{p}is><{p}t(?: xml:space="preserve")?+>|<{p}v>)'
        f"(?:((?(3)[^<]*+|(?:{_INT})))|([^<]*+))(?(3)</{p}t></{p}is>|</{p}v>)</{p}c>)"
    )
    # any cell of the grammar: letters, attributes, formula attributes and text, value
    # marker and text, inline text attributes, marker and text, rich runs; else a stray
    general = re.compile(
        f'<{p}c(?:{W}+r="([A-Z]{{1,3}})[0-9]*")?({ATTRS}){W}*(?:/>|>{W}*'
        f"(?:<{p}f({ATTRS}){W}*(?:/>|>([^<]*)</{p}f>){W}*)?"
        f"(?:<{p}v(>)([^<]*)</{p}v>"
        f"|<{p}is>{W}*<{p}t({ATTRS}){W}*(>)([^<]*)</{p}t>{W}*</{p}is>"
        f"|<{p}is>{W}*(<{p}r>(?:[^<]|<(?!/{p}is>))*)</{p}is>)?{W}*</{p}c>)|{W}+|(.)",
        re.S,
    )
    return row, common, general


class RowParser:
    """Reads the rows of one sheet written with ``prefix`` (``""`` or ``"x:"``).

    ``value_of(text, type, style)`` converts a cell's text as expat's reader does,
    ``table`` holds the shared strings, ``formatted`` the styles
    that make a number a date or a percentage.
    """

    def __init__(
        self,
        prefix: str,
        value_of: Callable[[str, str | None, str | None], str],
        table: SharedStrings,
        formatted: set[str],
    ) -> None:
        self.prefix = prefix
        self.row_start, self.common, self.general = _patterns(prefix)
        self.runs = RichRuns(prefix)
        self.value_of = value_of
        self.table = table
        self.formatted = formatted
        self.letters = [column_letters(col) for col in range(MAX_COLUMNS)]
        self.index = {letters: col for col, letters in enumerate(self.letters)}
        self.blanks = [""] * MAX_COLUMNS
        self.checked: set[str] = set()
        self.shapes: dict[tuple[str, ...], Take] = {}
        self.kinds: dict[str, tuple[str | None, str | None]] = {}
        self.decoded: dict[int, list[str]] = {}  # block number: its strings
        self.bytes = 0  # bytes of the decoded blocks (see _size)

    def rows(
        self, pieces: list[str], first: int, last: int, number: int, found: Rows
    ) -> tuple[int, int]:
        """Read ``pieces[first:last]`` (each: white space, empty rows, then a row without its
        end tag) into ``found`` until one is not in the fast grammar; ``number`` is the
        number of the row before. Returns the index of that piece (``last`` if none) and
        the number of the last row read.

        The hot loop of an XLSX import. There is no step of Python per cell when the values
        are their text (inline strings, integers): one regular expression splits the row
        into its fields, and slices of the result gather them.
        """
        row_start, split, checked = self.row_start.match, self.common.split, self.checked
        letters_of = self.letters
        for at in range(first, last):
            piece = pieces[at]
            before = number
            try:
                start = row_start(piece)
                if start is None:
                    raise Fallback
                double, single, rest, empty = start.groups()
                if empty:
                    number, content = self._after_empty_rows(piece, number)
                else:
                    if rest and rest not in checked:
                        self._check(rest)
                    given = double or single
                    number = int(given) if given else number + 1
                    if number > MAX_ROW:
                        raise Fallback
                    content = piece[start.end() :]
                cells = self._cells(content, split(content), letters_of)
            except (Fallback, ImportRejected):
                # a refusal too goes through expat, whose checks come in the order of the
                # file's text (a far column before the value it holds): the same message
                return at, before
            if cells:
                found.append((number, cells))
        return last, number

    def _after_empty_rows(self, text: str, number: int) -> tuple[int, str]:
        """Empty rows (``<row r="4"/>``) before the row of ``text``: its number and content."""
        at = 0
        while True:
            start = self.row_start.match(text, at)
            if start is None:
                raise Fallback
            double, single, rest, empty = start.groups()
            if rest:
                self._check(rest)
            given = double or single
            number = int(given) if given else number + 1
            if number > MAX_ROW:
                raise Fallback
            at = start.end()
            if not empty:
                return number, text[at:]

    def _check(self, rest: str) -> None:
        if rest not in self.checked:
            if "r" in attributes(rest):
                raise Fallback
            if len(self.checked) > _CACHE:
                self.checked.clear()
            self.checked.add(rest)

    def _string(self, index: str) -> str | None:
        """The shared string at ``index`` (canonical digits), None beyond the last."""
        number = int(index)
        if number >= self.table.count:
            return None
        if not self._decode({number >> SharedStrings.SHIFT}):
            return self.table.get(number)
        return self.decoded[number >> SharedStrings.SHIFT][number & (SharedStrings.BLOCK - 1)]

    def _decode(self, blocks: set[int]) -> bool:
        """Keeps ``blocks`` decoded (the others are dropped when the bounds are reached);
        False if they cannot all be kept within the bounds."""
        decoded, packed = self.decoded, self.table.blocks
        missing = blocks.difference(decoded)
        if missing:
            size = _size(packed, missing)
            if len(decoded) + len(missing) > _BLOCKS or self.bytes + size > _BYTES:
                decoded.clear()
                missing, self.bytes = blocks, 0
                size = _size(packed, missing)
                if len(missing) > _BLOCKS or size > _BYTES:
                    return False
            for number in missing:
                decoded[number] = self.table.block(number)
            self.bytes += size
        return True

    def _place(self, letters: list[str], values: list[str]) -> list[str] | None:
        """Values at their columns, blanks between; None for a column written twice or
        beyond the last one. Rows repeat a few shapes (the columns they fill): each shape
        becomes a getter that takes the values, and a blank, in the order of the columns."""
        shape = tuple(letters)
        take = self.shapes.get(shape)
        if take is None:
            take = self._shape(shape)
            if take is None:
                return None
        return list(take([*values, ""]))

    def _shape(self, shape: tuple[str, ...]) -> Take | None:
        at = {letters: n for n, letters in enumerate(shape)}
        if len(at) != len(shape):
            return None  # a column written twice
        try:
            width = max(map(self.index.__getitem__, shape)) + 1
        except KeyError:
            return None  # beyond the last column
        blank = len(shape)
        columns = [at.get(letters, blank) for letters in self.letters[:width]]
        # (a getter of one item gives the item, not a tuple: the shape of column A alone)
        take = itemgetter(*columns) if width > 1 else itemgetter(slice(0, 1))
        if len(self.shapes) > _CACHE:
            self.shapes.clear()
        self.shapes[shape] = take
        return take

    def _cells(self, content: str, parts: list[str | None], letters_of: list[str]) -> list[str]:
        """The cells of a row split by the common grammar into ``parts``."""
        values = parts[6::8]
        if len(content) > MAX_CELL or any(parts[::8]):
            return self._other_cells(content, parts)
        escaped = "&" in content or "\r" in content
        formatted = self.formatted
        retyped = None in values or any(parts[5::8]) or not formatted.isdisjoint(parts[2::8])
        if retyped:
            found = self._retyped(parts, escaped)
            if found is None:
                return self._other_cells(content, parts)
            texts = found
        else:
            texts = values  # type: ignore[assignment]
            if escaped:
                texts = [unescape(text) for text in texts]  # (shared indexes are digits)
        letters: list[str] = parts[1::8]  # type: ignore[assignment]
        marks = parts[4::8]
        shared = any(marks)
        if shared:
            found = self._shared(texts, marks)
            if found is None:
                return self._other_cells(content, parts)
            texts = found
        if letters == letters_of[: len(letters)]:
            cells = texts  # no empty column
        else:
            cells = self._place(letters, texts) or self._general(content)
        # shared strings and converted numbers may be longer than their text
        if (shared or retyped) and sum(map(len, cells)) > MAX_ROW_CHARS:
            raise Fallback
        return cells

    def _retyped(self, parts: list[str | None], escaped: bool) -> list[str] | None:
        """The texts of a row whose cells all hold a value, converted where their type or
        style asks it (a percentage, a date, a boolean, a number written otherwise) but
        shared indexes; None for an empty cell or a shared index written otherwise."""
        value_of, formatted = self.value_of, self.formatted
        texts: list[str] = []
        fields = zip(*(parts[at::8] for at in range(2, 8)), strict=True)
        for style, inline, shared, kind, plain, other in fields:
            if plain is None:
                if other is None or shared:
                    return None
                text = value_of(unescape(other), kind, style)
            elif inline:
                text = unescape(plain) if escaped else plain
            elif not shared and (kind or style in formatted):
                text = value_of(plain, kind, style)
            else:
                text = plain
            texts.append(text)
        return texts

    def _other_cells(self, content: str, parts: list[str | None]) -> list[str]:
        """A row with empty cells or shared strings out of bounds (converted cell by cell),
        or cells outside the common shapes (the general grammar)."""
        if len(content) > MAX_CELL or any(parts[::8]):
            cells = self._general(content)
        else:
            letters, values = self._convert(parts)
            if letters == self.letters[: len(letters)]:
                cells = values
            else:
                cells = self._place(letters, values) or self._general(content)
        # shared strings and numbers may be longer than their text
        if sum(map(len, cells)) > MAX_ROW_CHARS:
            raise Fallback
        return cells

    def _shared(self, texts: list[str], marks: list[str | None]) -> list[str] | None:
        """The values of a row's cells, shared strings (``marks``: as Excel writes text) in
        place of their indexes; None for an index beyond the table, or blocks beyond the
        bounds (then read cell by cell)."""
        shift, mask, decoded = SharedStrings.SHIFT, SharedStrings.BLOCK - 1, self.decoded
        pairs = zip(texts, marks, strict=True)
        try:
            found = [decoded[(n := int(v)) >> shift][n & mask] if m else v for v, m in pairs]
        except (KeyError, IndexError):  # a block not decoded yet, or an index beyond the last
            numbers = [int(v) for v, m in zip(texts, marks, strict=True) if m]
            if max(numbers) >= self.table.count:
                return None  # refused cell by cell
            if not self._decode({n >> shift for n in numbers}):
                return None
            pairs = zip(texts, marks, strict=True)
            found = [decoded[(n := int(v)) >> shift][n & mask] if m else v for v, m in pairs]
        return found

    def _convert(self, parts: list[str | None]) -> tuple[list[str], list[str]]:
        """Letters and values of the cells that hold one, converted by their type."""
        letters: list[str] = []
        values: list[str] = []
        get, value_of, formatted = self._string, self.value_of, self.formatted
        fields = zip(*(parts[at::8] for at in range(1, 8)), strict=True)
        for column, style, inline, shared, kind, plain, other in fields:
            if plain is not None:
                if inline:
                    value = unescape(plain)
                elif shared:
                    value = get(plain) or value_of(plain, "s", style)
                elif kind or style in formatted:
                    value = value_of(plain, kind, style)
                else:
                    value = plain
            elif other is not None:
                value = value_of(unescape(other), "s" if shared else kind, style)
            else:
                continue  # an empty cell
            letters.append(column)
            values.append(value)
        return letters, values

    def _kind(self, rest: str) -> tuple[str | None, str | None]:
        """(type, style) of a cell's attributes other than its reference."""
        found = self.kinds.get(rest)
        if found is None:
            attrs = attributes(rest)
            if "r" in attrs:
                raise Fallback
            found = (attrs.get("t"), attrs.get("s"))
            if len(self.kinds) > _CACHE:
                self.kinds.clear()
            self.kinds[rest] = found
        return found

    def _general(self, content: str) -> list[str]:
        row: list[str] = []
        for match in self.general.findall(content):
            letters, rest, f_attrs, formula, v_on, v_text, t_attrs, t_on, t_text, rich, stray = (
                match
            )
            if stray:
                raise Fallback
            if letters or not rest:
                kind, style = self._kind(rest)
            else:  # attributes in another order: the reference is among them
                attrs = attributes(rest)
                kind, style, ref = attrs.get("t"), attrs.get("s"), attrs.get("r", "")
                letters = (ref.rstrip(_DIGITS).upper() or "?") if ref else ""
            if f_attrs:
                attributes(f_attrs)
            if formula:
                unescape(formula)  # refuses what an XML parser would
            if t_attrs:
                attributes(t_attrs)
            if rich:
                chars = self.runs.text(rich)
            elif v_on or t_on:
                chars = unescape(v_text or t_text)
            else:
                continue  # an empty cell, or white space
            if len(chars) > MAX_CELL:
                raise Fallback
            value = chars if kind == "inlineStr" else self.value_of(chars, kind, style)
            width = len(row)
            col = self.index.get(letters, MAX_COLUMNS) if letters else width
            if col < width or col >= MAX_COLUMNS:
                raise Fallback  # a column out of order, or beyond the last: rare
            row += self.blanks[: col - width]
            row.append(value)
        return row
