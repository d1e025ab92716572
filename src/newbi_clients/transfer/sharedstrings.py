"""The shared strings of a workbook (ECMA-376 part 1, §18.4, ``xl/sharedStrings.xml``), read
within bounds and kept packed.

Two readers give the same table. :func:`_expat_strings` is the reference: expat, one handler
call per tag, for any XML. The fast path reads the part as writers save it —
``<si><t>…</t></si>``, ``xml:space="preserve"``, references, rich runs (their texts joined),
phonetic runs (``rPh``, skipped as expat's reader skips them) — a megabyte at a time, cut
after its last ``</si>``: a megabyte of plain strings (most of what Excel and LibreOffice
write) is split with str methods alone, any other by regular expressions. The 414,000
strings of 100,000 client rows saved as Excel saves text take about 0.3 s of CPU this way
against 1.0 s with expat, in the main process, before the first row is read. The fast path
takes a part only whole: at the first thing it is not sure of (a DTD, a comment, an element
or attribute outside its grammar, a character or reference XML refuses, a string beyond a
bound, an entry that does not decompress), it drops what it read and expat reads the part
from its start, so that the table, or the refusal, is expat's.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate

from newbi_clients.transfer.ooxml import (
    CHUNK,
    MAX_CELL,
    MAX_ROW_XML,
    MAX_SHARED_CHARS,
    MAX_SHARED_XML,
    Package,
    feed,
    local,
    refuse,
    safe_parser,
)
from newbi_clients.transfer.richruns import RichRuns
from newbi_clients.transfer.xmltext import ATTRS, Fallback, W, attributes, decoded, unescape

# bytes decompressed at a time by the fast path, which hands to expat any string of more
# XML than that: far below MAX_ROW_XML, so expat never refuses a part the fast path reads
READ = 1 << 20
_HEAD = re.compile(
    rb"""(?:<\?xml version=(["'])1\.0\1(?: encoding=(["'])(?i:utf-8)\2)?"""
    rb"""(?: standalone=(["'])(?:yes|no)\3)?[ \t\r\n]*\?>)?[ \t\r\n]*"""
    rb"<((?:[A-Za-z_][A-Za-z0-9_.-]*:)?)sst((?:[ \t\r\n][^<>]*)?)>"
)


class SharedStrings:
    """The shared strings, packed in blocks (one string and offsets per 1,024 strings)
    rather than one Python object each: a sheet of 2 million strings stays compact."""

    BLOCK = 1024

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.offsets: list[array[int]] = []
        self.pending: list[str] = []
        self.count = 0

    def add(self, text: str) -> None:
        self.pending.append(text)
        self.count += 1
        if len(self.pending) == self.BLOCK:
            self.flush()

    def extend(self, texts: list[str]) -> None:
        pending = self.pending
        pending += texts
        self.count += len(texts)
        whole = len(pending) - len(pending) % self.BLOCK
        for at in range(0, whole, self.BLOCK):
            self._pack(pending[at : at + self.BLOCK])
        del pending[:whole]

    def flush(self) -> None:
        if self.pending:
            self._pack(self.pending)
            self.pending = []

    def _pack(self, texts: list[str]) -> None:
        offsets = array("L", [0])
        offsets.extend(accumulate(map(len, texts)))
        self.blocks.append("".join(texts))
        self.offsets.append(offsets)

    def get(self, index: int) -> str | None:
        if not 0 <= index < self.count:
            return None
        block, at = divmod(index, self.BLOCK)
        offsets = self.offsets[block]
        return self.blocks[block][offsets[at] : offsets[at + 1]]


def shared_strings(zipped: Package, part: str | None, fast: bool = True) -> SharedStrings:
    """The shared strings of ``part`` (none if the workbook has no such part); with ``fast``
    False, expat reads them (the reference the fast path is tested against).

    :raises ImportRejected: malformed XML, a DTD, a string or a total beyond the bounds.
    """
    if part is None or not zipped.has(part):
        return SharedStrings()
    if fast:
        try:
            return _fast_strings(zipped, part)
        except Fallback:
            pass
    return _expat_strings(zipped, part)


class _Grammar:
    """The strings of a part written with the namespace ``prefix`` (``""`` or ``"x:"``)."""

    def __init__(self, prefix: str) -> None:
        p = re.escape(prefix)
        self.end = f"</{prefix}si>".encode()
        self.open, self.close = f"<{prefix}si><{prefix}t>", f"</{prefix}t></{prefix}si>"
        self.preserve = f'<{prefix}si><{prefix}t xml:space="preserve">'
        # a plain string, as most are written: its text
        self.common = re.compile(f'<{p}si><{p}t(?: xml:space="preserve")?+>([^<]*+)</{p}t></{p}si>')
        # any string of the grammar: text attributes and text, or rich runs; phonetic runs;
        # phonetic properties' attributes
        stop = f"<(?!/{p}si>|{p}rPh[ \t\r\n>]|{p}phoneticPr[ \t\r\n/>])"
        self.general = re.compile(
            f"{W}*+<{p}si>{W}*+(?:<{p}t({ATTRS}){W}*+(?:/>|>([^<]*+)</{p}t>)"
            f"|(<{p}r>(?:[^<]|{stop})*+))?{W}*+"
            f"((?:<{p}rPh[ \t\r\n>](?:[^<]|<(?!/{p}si>|{p}phoneticPr[ \t\r\n/>]))*+)?)"
            f"(?:<{p}phoneticPr({ATTRS}){W}*+/>{W}*+)?</{p}si>"
        )
        self.phonetic = re.compile(
            f"<{p}rPh({ATTRS}){W}*+>{W}*+<{p}t({ATTRS}){W}*+(?:/>|>([^<]*+)</{p}t>){W}*+"
            f"</{p}rPh>{W}*+"
        )
        self.space = re.compile(f"{W}*")
        self.tail = re.compile(f"{W}*</{p}sst>{W}*")
        self.runs = RichRuns(prefix)

    def strings(self, region: bytes) -> list[str]:
        """The strings of ``region`` (whole strings, white space between them)."""
        text, suspect = decoded(region)
        if suspect:
            raise Fallback
        # the texts of the plain strings joined by NUL, which cannot be in XML text nor come
        # from a reference (:func:`unescape` refuses it): one call of unescape for them all
        joined, gaps = self._plain(text), []
        if joined is None:
            parts = self.common.split(text)
            gaps = parts[::2]
            joined = "\0".join(parts[1::2]) if len(parts) > 1 else None
        texts = [] if joined is None else unescape(joined).split("\0")
        if any(gaps):
            texts = self._with_gaps(gaps, texts)
        return texts

    def _plain(self, text: str) -> str | None:
        """The texts of ``text`` joined by NUL if all its strings are plain (as Excel and
        LibreOffice write most of them), found with str methods alone; else None."""
        if self.preserve in text:
            text = text.replace(self.preserve, self.open)
        if not (text.startswith(self.open) and text.endswith(self.close)):
            return None
        joined = text[len(self.open) : -len(self.close)].replace(self.close + self.open, "\0")
        return None if "<" in joined else joined  # "<": something else is in the text

    def _with_gaps(self, gaps: list[str], plain: list[str]) -> list[str]:
        """The strings, those between the plain ones read by the general grammar."""
        texts: list[str] = []
        for at, gap in enumerate(gaps):
            if gap:
                self._general(gap, texts)
            if at < len(plain):
                texts.append(plain[at])
        return texts

    def _general(self, gap: str, texts: list[str]) -> None:
        at = 0
        while not self.space.fullmatch(gap, at):
            found = self.general.match(gap, at)
            if found is None:
                raise Fallback
            t_attrs, plain, runs, phonetic, pr_attrs = found.groups()
            if t_attrs:
                attributes(t_attrs)
            if pr_attrs:
                attributes(pr_attrs)
            if phonetic:
                self._phonetic(phonetic)
            texts.append(self.runs.text(runs) if runs else unescape(plain or ""))
            at = found.end()

    def _phonetic(self, runs: str) -> None:
        """Checks phonetic runs (their text is not the string's)."""
        at = 0
        while at < len(runs):
            found = self.phonetic.match(runs, at)
            if found is None:
                raise Fallback
            for attrs in found.group(1, 2):
                if attrs:
                    attributes(attrs)
            unescape(found.group(3) or "")  # refuses what an XML parser would
            at = found.end()


def _fast_strings(zipped: Package, part: str) -> SharedStrings:
    """The strings of a part wholly in the writers' shapes, else :class:`Fallback`."""
    table = SharedStrings()
    total = 0
    try:
        with zipped.open(part, MAX_SHARED_XML) as stream:
            for texts in _regions(stream.read):
                if texts and max(map(len, texts)) > MAX_CELL:
                    raise Fallback
                total += sum(map(len, texts))
                if total > MAX_SHARED_CHARS:
                    raise Fallback
                table.extend(texts)
    except (UnicodeDecodeError, zipfile.BadZipFile, EOFError, OSError, zlib.error):
        raise Fallback from None
    table.flush()
    return table


def _regions(read: Callable[[int], bytes]) -> Iterator[list[str]]:
    """The strings of the part that ``read(size)`` decompresses, a region at a time."""
    buf = read(READ)
    head = _HEAD.match(buf)
    if head is None or decoded(buf[: head.end()])[1]:
        raise Fallback
    attributes(head.group(5).decode())
    grammar = _Grammar(head.group(4).decode())
    buf = buf[head.end() :]
    while True:
        cut = buf.rfind(grammar.end)
        if cut >= 0:
            cut += len(grammar.end)
            yield grammar.strings(buf[:cut])
            buf = buf[cut:]
        elif len(buf) > READ:
            raise Fallback  # a string of more than a megabyte of XML: expat bounds it
        chunk = read(READ)
        if not chunk:
            break
        buf += chunk
    if not grammar.tail.fullmatch(buf.decode()):
        raise Fallback


def _expat_strings(zipped: Package, part: str) -> SharedStrings:
    table = SharedStrings()
    name = zipped.name
    parser = safe_parser()
    state = {"rph": 0, "text": False, "total": 0, "start": 0}
    buf: list[str] = []
    size = [0]

    def start(name_: str, attrs: dict[str, str]) -> None:
        tag = local(name_)
        if tag == "t" and not state["rph"]:
            state["text"] = True
        elif tag == "rPh":
            state["rph"] += 1
        elif tag == "si":
            buf.clear()
            size[0] = 0

    def end(name_: str) -> None:
        tag = local(name_)
        if tag == "t":
            state["text"] = False
        elif tag == "rPh":
            state["rph"] -= 1
        elif tag == "si":
            table.add("".join(buf))
            state["total"] += size[0]
            if state["total"] > MAX_SHARED_CHARS:
                raise refuse(
                    name,
                    f"plus de {MAX_SHARED_CHARS:,} caractères de texte partagé".replace(",", " "),
                )
            state["start"] = parser.CurrentByteIndex

    def data(text: str) -> None:
        if state["text"]:
            size[0] += len(text)
            if size[0] > MAX_CELL:
                raise refuse(name, f"un texte de plus de {MAX_CELL} caractères (limite d'Excel)")
            buf.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    fed = [0]

    def ready() -> Iterator[None]:
        fed[0] += CHUNK
        if fed[0] - state["start"] > MAX_ROW_XML:
            raise refuse(name, "un texte partagé démesuré")
        return iter(())

    for _ in feed(zipped, part, MAX_SHARED_XML, parser, ready):
        pass
    table.flush()
    return table
