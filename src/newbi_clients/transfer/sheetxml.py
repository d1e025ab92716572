"""The rows of a sheet part, read as it is decompressed, within bounds no file can exceed.

Two readers share the work and give the same rows. :class:`ExpatRows` is the reference:
expat, one handler call per tag, for any XML (≈ 8,000 rows of 25 columns a second). The
fast path (:mod:`.fastrows`, ≈ 10 times faster) reads the rows that writers produce: the
part is decompressed a megabyte at a time, cut after its last whole ``</row>``, and each row
is read with regular expressions. Expat reads everything else: the head of the sheet up to
``<sheetData>`` (so a DTD is refused there), the tail, and any row the fast grammar does not
match exactly, after which the fast path resumes at the next row end that leaves expat
where it started (inside ``sheetData``, no element open).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator
from typing import IO, Any

from newbi_clients.transfer.fastrows import RowParser, Rows
from newbi_clients.transfer.ooxml import (
    CHUNK,
    MAX_CELL,
    MAX_ROW,
    MAX_ROW_CHARS,
    MAX_ROW_XML,
    column_letters,
    refuse,
    safe_parser,
)
from newbi_clients.transfer.xmltext import ILLEGAL, Fallback, W, decoded

READ = 1 << 20  # bytes decompressed at a time by the fast path
_HEAD_MAX = 8 << 20  # no <sheetData> with a row within this: expat reads the whole sheet
_SHEET_DATA = re.compile(
    rb"<((?:[A-Za-z_][A-Za-z0-9_.-]*:)?)sheetData(?:[ \t\r\n][^<>]*)?>[ \t\r\n]*"
    rb"(?=<\1row[ \t\r\n/>])"
)
_DIGITS = "0123456789"
# a row hidden (LibreOffice writes hidden="false" on every row: those are not)
_HIDDEN = re.compile(r"""hidden=(?:"(?:1|true)"|'(?:1|true)')""")


class ExpatRows:
    """Expat with the row handlers; ``feed`` it bytes, it returns the rows they complete."""

    def __init__(
        self,
        name: str,
        value_of: Callable[[str, str | None, str | None], str],
        column: Callable[[str, str], int],
    ) -> None:
        self.name = name
        self.parser = safe_parser()
        self.fed = 0
        self.encoding: str | None = None
        self.sheet_data = (-1, -1)  # (byte index, depth) of the <sheetData> start tag
        self.done: Rows = []
        self.count = 0  # rows read by expat
        # what the user should hear of, found on the way (the first FACTS of each, and
        # how many): rows hidden in the spreadsheet that hold values, cells of a formula
        # without a computed value (row, reference), merged ranges (references)
        self.hidden: list[int] = []
        self.formulas: list[tuple[int, str]] = []
        self.merges: list[str] = []
        self.counts = {"hidden": 0, "formulas": 0, "merges": 0}
        self.parser.XmlDeclHandler = self._declaration
        self._handlers(value_of, column)

    def _declaration(self, _version: str | None, encoding: str | None, _alone: int) -> None:
        self.encoding = encoding

    def _handlers(  # one handler per tag, in closures: the hot loop of expat
        self,
        value_of: Callable[[str, str | None, str | None], str],
        column: Callable[[str, str], int],
    ) -> None:
        parser, done, name = self.parser, self.done, self.name
        columns: dict[str, int] = {}
        tags: dict[str, str] = {}
        row: list[str] = []
        buf: list[str] = []
        number = size = chars = rph = end_at = depth = 0
        ref: str | None = None
        kind: str | None = None
        style: str | None = None
        text_on = inline = has = formula = bare = hidden = False
        counts, found_hidden = self.counts, self.hidden
        formulas, merges = self.formulas, self.merges

        def start(raw: str, attrs: dict[str, str]) -> None:
            nonlocal ref, kind, style, size, has, text_on, number, chars, inline, rph, depth
            nonlocal formula, bare, hidden
            depth += 1
            tag = tags.get(raw) or tags.setdefault(raw, raw.rpartition(":")[2])
            if tag == "c":
                ref, kind, style = attrs.get("r"), attrs.get("t"), attrs.get("s")
                buf.clear()
                size = 0
                has = formula = bare = False
            elif tag == "v" or (tag == "t" and inline and not rph):
                text_on = has = True
                if formula and tag == "v":  # <v/>, not <v></v> (an empty text result)
                    context = parser.GetInputContext() or b""  # from the tag on
                    close = context.find(b">")
                    bare = close > 0 and context[close - 1] == 0x2F  # « / »
            elif tag == "row":
                given = attrs.get("r")
                number = int(given) if given and given.isdigit() else number + 1
                if number > MAX_ROW:
                    raise refuse(name, f"ligne {number} au-delà de la dernière d'Excel ({MAX_ROW})")
                row.clear()
                chars = 0
                hidden = attrs.get("hidden") in ("1", "true")
            elif tag == "is":
                inline = True
            elif tag == "rPh":
                rph += 1
            elif tag == "f":
                formula = True
            elif tag == "sheetData":
                self.sheet_data = (parser.CurrentByteIndex, depth)
            elif tag == "mergeCell":
                _count(counts, "merges", merges, attrs.get("ref", ""))

        def end(raw: str) -> None:
            nonlocal text_on, inline, rph, chars, end_at, depth
            depth -= 1
            tag = tags.get(raw) or tags.setdefault(raw, raw.rpartition(":")[2])
            if tag == "c":
                # a formula without its computed value (written by openpyxl or pandas, which
                # do not compute: no <v>, or an empty-element <v/>): read empty, and said
                if formula and (not has or bare):
                    at = ref or f"{column_letters(len(row))}{number}"
                    _count(counts, "formulas", formulas, (number, at))
                if not has:
                    return
                if ref:
                    letters = ref.rstrip(_DIGITS)
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = column(letters, ref)
                else:
                    col = len(row)
                value = "".join(buf)
                if kind != "inlineStr":
                    value = value_of(value, kind, style)
                chars += len(value)
                if chars > MAX_ROW_CHARS:
                    raise refuse(name, f"ligne {number} de plus de {MAX_ROW_CHARS} caractères")
                width = len(row)
                if col == width:
                    row.append(value)
                elif col > width:
                    row.extend([""] * (col - width))
                    row.append(value)
                else:
                    row[col] = value
            elif tag in {"v", "t"}:
                text_on = False
            elif tag == "row":
                if row:
                    done.append((number, row.copy()))
                    if hidden and any(map(str.strip, row)):
                        _count(counts, "hidden", found_hidden, number)
                end_at = parser.CurrentByteIndex
            elif tag == "is":
                inline = False
            elif tag == "rPh":
                rph -= 1

        def data(text: str) -> None:
            nonlocal size
            if text_on:
                size += len(text)
                if size > MAX_CELL:
                    raise refuse(name, f"cellule {ref or ''} de plus de {MAX_CELL} caractères")
                buf.append(text)

        def state() -> tuple[int, int, int]:
            return number, end_at, depth

        def resume(last: int) -> None:
            """The fast path read rows up to ``last``: expat goes on from there."""
            nonlocal number, end_at
            number, end_at = last, self.fed

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = data
        self.state = state
        self.resume = resume

    def feed(self, data: bytes, final: bool = False) -> Rows:
        """Parse ``data`` (a chunk at a time: a row may not exceed 16 MB of XML)."""
        for at in range(0, len(data), CHUNK):
            piece = data[at : at + CHUNK]
            self.parser.Parse(piece, False)
            self.fed += len(piece)
            number, end_at, _ = self.state()
            if self.fed - end_at > MAX_ROW_XML + CHUNK:
                raise refuse(self.name, f"ligne {number + 1} démesurée (plus de 16 Mo de XML)")
        if final:
            self.parser.Parse(b"", True)
        rows = self.done.copy()
        self.done.clear()
        self.count += len(rows)
        return rows

    def ended_row(self, end_tag: int, depth: int) -> bool:
        """Whether the bytes fed so far end with a row's end tag (``end_tag`` bytes long),
        leaving expat at ``depth`` (that of the rows) with nothing else open."""
        _, end_at, now = self.state()
        return now == depth and end_at == self.fed - end_tag


FACTS = 1000  # facts of each kind kept (the others only counted)
_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][A-Za-z0-9_.-]*:)?mergeCell[^<>]*?[ \t\r\n]"
    rb"ref=(?:\"([A-Za-z0-9:$]{1,40})\"|'([A-Za-z0-9:$]{1,40})')"
)


def merge_refs(stream: IO[bytes]) -> list[str]:
    """The references of the merged ranges of a sheet part (``D2:D3``), the first FACTS.

    Excel writes them after the rows: knowing them while the rows are read takes a pass
    of their own, which only decompresses (about a tenth of reading the rows) and looks
    for the word in each megabyte."""
    found: list[str] = []
    tail = b""
    while chunk := stream.read(READ):
        data = tail + chunk
        if b"mergeCell" not in data:
            tail = data[-64:]
            continue
        cut = data.rfind(b"<")  # a tag that may go on in the next chunk waits for it
        for match in _MERGE_CELL.finditer(data, 0, cut):
            found.append((match.group(1) or match.group(2)).decode("ascii"))
            if len(found) == FACTS:
                return found
        tail = data[cut:] if len(data) - cut < 4096 else b""
    for match in _MERGE_CELL.finditer(tail):
        found.append((match.group(1) or match.group(2)).decode("ascii"))
    return found[:FACTS]


def _count(counts: dict[str, int], kind: str, kept: list[Any], fact: Any) -> None:
    counts[kind] += 1
    if len(kept) < FACTS:
        kept.append(fact)


def sheet_rows(
    stream: IO[bytes], expat: ExpatRows, make_parser: Callable[[str], RowParser] | None
) -> Iterator[Rows]:
    """The rows of the sheet part ``stream``, in batches, fast where the grammar allows
    (``make_parser`` builds the fast path for the sheet's prefix; None: expat alone)."""
    buf = b""
    while not (found := _SHEET_DATA.search(buf)) and len(buf) < _HEAD_MAX:
        chunk = stream.read(READ)
        if not chunk:
            break
        buf += chunk
    if found:
        yield expat.feed(buf[: found.end()])
        buf = buf[found.end() :]
        index, depth = expat.sheet_data
        encoding = (expat.encoding or "utf-8").lower()
        _, _, now = expat.state()
        utf8 = encoding in ("utf-8", "utf8")
        if make_parser and index == found.start() and now == depth and utf8:
            fast = _Fast(expat, make_parser(found.group(1).decode("ascii")), depth)
            buf = yield from fast.run(stream, buf)
    while True:
        yield expat.feed(buf)
        buf = stream.read(READ)
        if not buf:
            break
    yield expat.feed(b"", final=True)


class WatchedRows(RowParser):
    """The fast path, leaving to expat the rows it must say something of: a row hidden in
    the spreadsheet, a formula without its computed value (no ``<v>``, or ``<v/>``).

    Nothing is added to the hot loop: attributes of a row other than its number are
    checked once for each way they are written (LibreOffice writes hidden="false" on every
    row: one check), and formulas are only in rows that the general grammar reads."""

    def __init__(self, prefix: str, *args: Any) -> None:
        super().__init__(prefix, *args)
        p = re.escape(prefix)
        self.formula = f"<{prefix}f"
        self.uncomputed = re.compile(
            f"<{p}f(?:{W}[^>]*)?(?:/>|>[^<]*+</{p}f>){W}*+(?:<{p}v{W}*+/>)?+{W}*+</{p}c>"
        )

    def _check(self, rest: str) -> None:
        if "hidden" in rest and _HIDDEN.search(rest):
            raise Fallback
        super()._check(rest)

    def _general(self, content: str) -> list[str]:
        if self.formula in content and self.uncomputed.search(content):
            raise Fallback
        return super()._general(content)


class _Fast:
    """The fast path over the rows of ``sheetData``, handing over to expat where it must."""

    def __init__(self, expat: ExpatRows, parser: RowParser, depth: int) -> None:
        self.expat = expat
        self.parser = parser
        self.depth = depth
        prefix = parser.prefix
        self.end_tag = f"</{prefix}row>"
        self.end_bytes = self.end_tag.encode()
        self.number = expat.state()[0]  # rows before sheetData (rare) count too
        self.slow = False  # expat is inside a row: it reads on until a row ends cleanly

    def run(self, stream: IO[bytes], buf: bytes) -> Generator[Rows, None, bytes]:
        """Read the rows; returns (as the generator's value) what follows the last one."""
        end = self.end_bytes
        while True:
            cut = buf.rfind(end)
            if cut >= 0 and not self.slow:
                cut += len(end)
                yield self._region(buf[:cut])
                buf = buf[cut:]
            elif self.slow or len(buf) > READ:
                at = buf.find(end)
                if at >= 0:
                    yield self._expat(buf[: at + len(end)])
                    buf = buf[at + len(end) :]
                    continue
                keep = len(end) - 1  # an end tag may straddle two chunks
                yield self._expat(buf[:-keep])
                buf = buf[-keep:]
            chunk = stream.read(READ)
            if not chunk:
                if not self.slow:
                    self.expat.resume(self.number)
                return buf
            buf += chunk

    def _expat(self, data: bytes) -> Rows:
        if not self.slow:
            self.expat.resume(self.number)
            self.slow = True
        rows = self.expat.feed(data)
        if self.expat.ended_row(len(self.end_bytes), self.depth):
            self.slow = False
            self.number = self.expat.state()[0]
        return rows

    def _region(self, region: bytes) -> Rows:
        """Whole rows (``region`` ends with an end tag): fast, else through expat."""
        text, suspect = decoded(region)
        rows: Rows = []
        pieces = text.split(self.end_tag)
        del pieces[-1]  # what follows the last end tag: nothing
        at = 0
        while at < len(pieces):
            if not self.slow:
                if suspect:
                    at, self.number = self._checked_rows(pieces, at, rows)
                else:
                    at, self.number = self.parser.rows(pieces, at, len(pieces), self.number, rows)
                if at == len(pieces):
                    break
            rows += self._expat((pieces[at] + self.end_tag).encode("utf-8", "surrogateescape"))
            at += 1
        return rows

    def _checked_rows(self, pieces: list[str], at: int, rows: Rows) -> tuple[int, int]:
        """The fast path, one piece at a time, leaving to expat those with characters that
        XML refuses."""
        number = self.number
        while at < len(pieces) and not ILLEGAL.search(pieces[at]):
            stop, number = self.parser.rows(pieces, at, at + 1, number, rows)
            if stop == at:
                break
            at += 1
        return at, number
