"""Read a CSV or XLSX file as rows of text, the text the user meant.

CSV: UTF-8 (with or without BOM), else Windows-1252; the delimiter is sniffed among
``;`` ``,`` and tab. XLSX: read as a stream within fixed bounds (:mod:`.xlsx`); a cell
formatted as a percentage (0.05 shown as 5 %) means 5 %. Numbers come back without « .0 »,
dates as ISO dates, formulas as their computed value.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.csvrows import Chunk, CsvRows, values_beyond

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
VCARD_SUFFIXES = (".vcf", ".vcard")
DELIMITERS = ";,\t"
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}


@dataclass(slots=True)
class Table:
    """A sheet of text cells: its header, its rows (with the spreadsheet's row numbers)."""

    format: str  # "csv" | "xlsx"
    header: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    notices: list[str] = field(default_factory=list)
    size_hint: int = 0  # approximate number of data rows, for the progress bar
    # the rows as read, before the check of their width (``rows`` checks it row by row)
    source: Iterator[tuple[int, list[str]]] | None = field(default=None, repr=False)

    def chunks(self, size: int, chars: int) -> Iterator[Chunk]:
        """The data rows left, without blank ones, in chunks of ``size`` rows (blank rows
        counted), or fewer once their cells hold ``chars`` characters; rows with values
        beyond the header's last column are said in a notice once the file is read."""
        if self.source is None:  # a format whose rows are never wider than its header
            yield from _chunks(self.rows, 1 << 30, size, chars, [])
            return
        wider: list[int] = []
        if isinstance(self.source, CsvRows):
            yield from self.source.chunks(len(self.header), size, chars, wider)
        else:
            yield from _chunks(self.source, len(self.header), size, chars, wider)
        if wider:
            self.notices.append(_wider_notice(wider))


def check_input(path: Path) -> None:
    """Refuse a path that names no regular file (a typo, a folder, a FIFO or a device,
    which would block or never end), before anything else is done.

    :raises ImportRejected: naming the path and what it is.
    """
    if not path.exists():
        raise ImportRejected(f"Fichier introuvable : {path}")
    if path.is_dir():
        raise ImportRejected(f"{path} est un dossier, pas un fichier")
    if not path.is_file():
        raise ImportRejected(f"{path} n'est pas un fichier ordinaire (tube, périphérique…)")


def open_table(
    path: Path,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | None = None,
) -> Table:
    """Open a file for import.

    :raises ImportRejected: unsupported, empty, corrupted, encrypted or binary files.
    """
    check_input(path)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ImportRejected(f"Le fichier {path.name} est vide : rien à importer.")
    if suffix in XLSX_SUFFIXES:
        return _checked(_open_xlsx(path, sheet))
    if suffix in CSV_SUFFIXES:
        return _checked(_open_csv(path, encoding, delimiter))
    if suffix in VCARD_SUFFIXES:
        from newbi_clients.transfer.vcard import open_vcard

        return open_vcard(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportRejected(
            f"Format {suffix} non pris en charge : enregistrez le fichier au format Excel"
            " (.xlsx) ou CSV depuis votre tableur."
        )
    raise ImportRejected(
        f"Format de fichier non pris en charge : « {path.name} » (formats acceptés : .csv,"
        " .txt, .xlsx, .vcf)"
    )


def _checked(table: Table) -> Table:
    """Rows whose cells go past the header's last column are counted, and said in a notice
    once the file is read: no column is dropped without a word."""
    width = len(table.header)
    rows = table.source = table.rows

    def checked() -> Iterator[tuple[int, list[str]]]:
        wider: list[int] = []
        for number, cells in rows:
            if len(cells) > width and values_beyond(cells, width):
                wider.append(number)
            yield number, cells
        if wider:
            table.notices.append(_wider_notice(wider))

    table.rows = checked()
    return table


def _wider_notice(wider: list[int]) -> str:
    shown = ", ".join(map(str, wider[:10])) + (" …" if len(wider) > 10 else "")
    return (
        f"{len(wider)} ligne(s) ont des valeurs au-delà de la dernière colonne de l'en-tête,"
        f" ignorées (lignes {shown}) : ajoutez un titre à ces colonnes."
    )


def _chunks(
    rows: Iterator[tuple[int, list[str]]], width: int, size: int, chars: int, wider: list[int]
) -> Iterator[Chunk]:
    """:meth:`Table.chunks` of rows of any format (CSV rows have a faster way)."""
    rows, strip = iter(rows), str.strip
    while True:
        chunk: Chunk = []
        read = total = 0
        for item in rows:
            cells = item[1]
            read += 1
            if len(cells) > width and values_beyond(cells, width):
                wider.append(item[0])
            if (cells and strip(cells[0])) or any(map(strip, cells)):
                chunk.append(item)
                total += sum(map(len, cells))
            if read == size or total >= chars:
                break
        if chunk:
            yield chunk
        if read < size and total < chars:  # no row left
            return


# --- CSV ------------------------------------------------------------------------------


_CHUNK = 1 << 20


def _decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes with ``encoding`` (read in chunks: memory stays
    flat), and how many lines it has."""
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines = 0
    ok = True
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            lines += chunk.count(b"\n")
            if ok:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    ok = False
        if ok:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                ok = False
    return ok, lines


# a valid UTF-8 sequence of two to four bytes (RFC 3629): evidence that a file is UTF-8
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _utf8_evidence(path: Path) -> tuple[list[int], bool]:
    """The numbers of the lines that are not UTF-8, and whether the file holds any valid
    UTF-8 sequence of several bytes (then it is UTF-8 with a few stray bytes, not
    Windows-1252)."""
    bad: list[int] = []
    multibyte = False
    with path.open("rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(_CHUNK), b""), start=1):
            if line.isascii():
                continue
            multibyte = multibyte or _UTF8_MULTIBYTE.search(line) is not None
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(number)
    return bad, multibyte


def _utf16_without_bom(head: bytes) -> str | None:
    """« utf-16-le » or « utf-16-be » when the text has the NUL bytes of UTF-16 (every
    other byte of Latin text), else None."""
    sample = head[: len(head) - len(head) % 2][:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return "utf-16-le"
    if even > half * 0.3 and odd < half * 0.05:
        return "utf-16-be"
    return None


def _lines_list(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")


def _choose_encoding(path: Path, head: bytes, encoding: str | None) -> tuple[str, list[str], int]:
    """The file's encoding, decided on evidence, the notices to show, and its number of
    lines: forced by ``--encoding``; else from its BOM (UTF-8, UTF-16); else UTF-16 by its
    NUL bytes; else strict UTF-8; else Windows-1252 only when no line is UTF-8 (French
    Excel's « CSV (séparateur : point-virgule) »); a UTF-8 file with a few stray bytes is
    refused, naming the lines, rather than read garbled."""
    name = path.name
    if encoding and encoding.lower().replace("_", "-") in ("utf-16", "utf16"):
        # Python's utf-16 needs a BOM: without one, the byte order is read from the text
        bom = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        encoding = "utf-16" if bom else _utf16_without_bom(head) or "utf-16-le"
    if encoding:
        try:
            ok, lines = _decodes(path, encoding)
        except LookupError:
            raise ImportRejected(f"Encodage inconnu : « {encoding} »") from None
        if not ok:
            raise ImportRejected(
                f"Le fichier {name} n'est pas en {encoding} : essayez --encoding utf-8,"
                " --encoding cp1252 ou --encoding utf-16"
            )
        return encoding, [], lines
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", ["Encodage UTF-16 détecté."], _decodes(path, "utf-16")[1]
    utf16 = _utf16_without_bom(head)
    if utf16 and _decodes(path, utf16)[0]:
        return utf16, ["Encodage UTF-16 (sans BOM) détecté."], _decodes(path, utf16)[1]
    candidate = "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    ok, lines = _decodes(path, candidate)
    if ok:
        return candidate, [], lines
    bad, multibyte = _utf8_evidence(path)
    if not multibyte and candidate == "utf-8" and _decodes(path, "cp1252")[0]:
        return "cp1252", ["Encodage Windows-1252 (Excel français) détecté."], lines
    if not multibyte:
        raise ImportRejected(
            f"Impossible de lire {name} : ni UTF-8 ni Windows-1252. Indiquez l'encodage avec"
            " --encoding (ex. --encoding latin-1)."
        )
    raise ImportRejected(
        f"{name} n'est pas entièrement en UTF-8 : {len(bad)} ligne(s) ne le sont pas"
        f" (lignes {_lines_list(bad)}), alors que d'autres le sont. Corrigez ces lignes, ou"
        " indiquez l'encodage du fichier avec --encoding (ex. --encoding cp1252)."
    )


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 20


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab, from the first lines; ``;`` (French Excel) when unsure."""
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ";"


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    with path.open("rb") as fh:
        head = fh.read(65536)
    wide = (encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf16", "utf-32"))
    if not wide and not _utf16_without_bom(head) and _looks_binary(head):
        raise ImportRejected(
            f"{path.name} n'est pas un fichier texte CSV (contenu binaire). Exportez vos"
            " clients en CSV ou en XLSX depuis votre tableur."
        )
    used, notices, lines = _choose_encoding(path, head, encoding)
    with path.open(encoding=used, newline="") as fh:
        sample = fh.read(4096)
    if not sample.strip():
        raise ImportRejected(f"Le fichier {path.name} est vide : rien à importer.")
    if delimiter:
        delimiter = {"\\t": "\t", "tab": "\t", "tabulation": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise ImportRejected(f"Séparateur invalide : « {delimiter} » (un seul caractère)")
    else:
        delimiter = sniff_delimiter(sample)
        notices.append(f"Séparateur détecté : {DELIMITER_NAMES.get(delimiter, delimiter)}.")
    numbered = CsvRows(path, used, delimiter)
    header_row, header = _first_non_empty(numbered, path.name)
    return Table(
        "csv",
        [h.strip() for h in header],
        header_row,
        numbered,
        encoding=used,
        delimiter=delimiter,
        notices=notices,
        size_hint=lines,
    )


def _first_non_empty(rows: Iterator[tuple[int, list[str]]], name: str) -> tuple[int, list[str]]:
    for number, row in rows:
        if any(cell.strip() for cell in row):
            return number, row
    raise ImportRejected(f"Le fichier {name} ne contient aucune ligne : rien à importer.")


# --- XLSX -----------------------------------------------------------------------------


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    from newbi_clients.transfer.xlsx import open_sheet

    opened = open_sheet(path, sheet)
    header_row, header = _first_non_empty(opened.rows, path.name)
    return Table(
        "xlsx",
        [h.strip() for h in header],
        header_row,
        opened.rows,
        sheet=opened.name,
        notices=[f"Feuille lue : « {opened.name} »."],
        size_hint=opened.size_hint,
    )


def cell_text(value: Any, fmt: str | None = None) -> str:
    """A spreadsheet cell as the text its user meant.

    >>> cell_text(73282932000074.0), cell_text(0.05, "percent"), cell_text(12.5)
    ('73282932000074', '5%', '12.5')
    >>> cell_text(dt.date(2024, 3, 15)), cell_text(True)
    ('2024-03-15', 'oui')
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if fmt == "percent":
            return f"{_plain(number * 100)}%"
        return _plain(number)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text[:-2] if text.endswith(".0") else text
