"""Read a CSV or XLSX file as rows of text, the text the user meant.

CSV: UTF-8 (with or without BOM), else Windows-1252 or Mac Roman (:mod:`.encodings`);
the delimiter is sniffed among ``;`` ``,`` and tab. XLSX: read as a stream within fixed
bounds (:mod:`.xlsx`); a cell formatted as a percentage (0.05 shown as 5 %) means 5 %.
Numbers come back as Excel shows them (15 significant digits, without « .0 »), dates as
ISO dates, formulas as their computed value. Rows of totals after the last client
(« Total : 12 clients ») are left out, and said.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import chain
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.csvrows import Chunk, CsvRows, values_beyond
from newbi_clients.transfer.encodings import choose_encoding, looks_binary, utf16_without_bom
from newbi_clients.transfer.totals import rows_without_totals, totals_notice, without_totals

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
    # for a refusal that may come from reading the wrong sheet of a workbook: « Feuille
    # lue : « A » ; autres feuilles : « B » : --sheet NOM pour en lire une autre. »
    hint: str = ""
    # once the rows are read: the notices of what the sheet held (hidden rows, formulas
    # without a value…), given the header's row and the rows left out as totals
    facts: Callable[[int, set[int]], list[str]] | None = field(default=None, repr=False)

    def chunks(self, size: int, chars: int) -> Iterator[Chunk]:
        """The data rows left, without blank ones, in chunks of ``size`` rows (blank rows
        counted), or fewer once their cells hold ``chars`` characters; rows with values
        beyond the header's last column are said in a notice once the file is read, and
        so are rows of totals after the last client, which are left out."""
        if self.source is None:  # a format whose rows are never wider than its header
            yield from _chunks(self.rows, 1 << 30, size, chars, [])
            return
        wider: list[int] = []
        if isinstance(self.source, CsvRows):
            chunks = self.source.chunks(len(self.header), size, chars, wider)
        else:
            chunks = _chunks(self.source, len(self.header), size, chars, wider)
        dropped: Chunk = []
        chunks = without_totals(chunks, dropped)
        untitled = [i for i, h in enumerate(self.header) if not h.strip()]
        yield from _watched(chunks, untitled, self.notices) if untitled else chunks
        if wider:
            self.notices.append(_wider_notice(wider))
        self.read(dropped)

    def read(self, dropped: Chunk) -> None:
        """The notices of the end of reading: rows of totals left out, what the sheet held."""
        if dropped:
            self.notices.append(totals_notice(dropped, self.format))
        if self.facts is not None:
            facts, self.facts = self.facts, None
            self.notices.extend(facts(self.header_row, {number for number, _ in dropped}))


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
    once the file is read: no column is dropped without a word; rows of totals after the
    last client are left out, and said."""
    width = len(table.header)
    rows = table.source = table.rows

    def checked() -> Iterator[tuple[int, list[str]]]:
        wider: list[int] = []
        dropped: Chunk = []
        for number, cells in rows_without_totals(rows, dropped):
            if len(cells) > width and values_beyond(cells, width):
                wider.append(number)
            yield number, cells
        if wider:
            table.notices.append(_wider_notice(wider))
        table.read(dropped)

    table.rows = checked()
    return table


def _watched(chunks: Iterator[Chunk], untitled: list[int], notices: list[str]) -> Iterator[Chunk]:
    """The chunks, noting the rows with a value in a column without a title (a header
    cell left empty, or merged over two columns): no value is dropped without a word."""
    found: dict[int, list[int]] = {i: [] for i in untitled}
    for chunk in chunks:
        for number, cells in chunk:
            for index in untitled:
                if index < len(cells) and cells[index].strip():
                    found[index].append(number)
        yield chunk
    from newbi_clients.transfer.ooxml import column_letters

    for index, rows in found.items():
        if rows:
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
            notices.append(
                f"{len(rows)} ligne(s) ont des valeurs dans la colonne {column_letters(index)},"
                f" qui n'a pas de titre, ignorées (lignes {shown}) : donnez-lui un titre."
            )


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


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab, from the first lines; ``;`` (French Excel) when unsure. Lines
    ended by CR alone (Excel for Mac) are lines too: the sniffer only breaks at LF."""
    sample = text[:4096]
    if "\r" in sample:
        sample = sample.replace("\r\n", "\n").replace("\r", "\n")
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ";"


_EXCEL_SEPARATOR = re.compile(r"sep=(.)\r?$", re.IGNORECASE)


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Table:
    with path.open("rb") as fh:
        head = fh.read(65536)
    wide = (encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf16", "utf-32"))
    if not wide and not utf16_without_bom(head) and looks_binary(head):
        raise ImportRejected(
            f"{path.name} n'est pas un fichier texte CSV (contenu binaire). Exportez vos"
            " clients en CSV ou en XLSX depuis votre tableur."
        )
    used, notices, lines = choose_encoding(path, head, encoding)
    with path.open(encoding=used, newline="") as fh:
        sample = fh.read(4096)
    if not sample.strip():
        raise ImportRejected(f"Le fichier {path.name} est vide : rien à importer.")
    # Excel's « sep=; » first line names the separator (and is no row of the sheet)
    excel = _EXCEL_SEPARATOR.match((sample.lstrip("\ufeff").splitlines() or [""])[0])
    if delimiter:
        delimiter = {"\\t": "\t", "tab": "\t", "tabulation": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1:
            raise ImportRejected(f"Séparateur invalide : « {delimiter} » (un seul caractère)")
    elif excel:
        delimiter = excel.group(1)
        name = DELIMITER_NAMES.get(delimiter, delimiter)
        notices.append(f"Séparateur indiqué par la ligne « sep= » du fichier : {name}.")
    else:
        delimiter = sniff_delimiter(sample)
        notices.append(f"Séparateur détecté : {DELIMITER_NAMES.get(delimiter, delimiter)}.")
    # Excel hides the « sep= » line: the row after it is its row 1, as in the messages
    numbered = CsvRows(path, used, delimiter, first=0 if excel else 1)
    if excel:
        next(numbered, None)
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


def _first_non_empty(
    rows: Iterator[tuple[int, list[str]]], name: str, hint: str = ""
) -> tuple[int, list[str]]:
    for number, row in rows:
        if any(cell.strip() for cell in row):
            return number, row
    said = f"Le fichier {name} ne contient aucune ligne : rien à importer."
    raise ImportRejected(f"{said} {hint}" if hint else said)


# --- XLSX -----------------------------------------------------------------------------


_MAX_TITLES = 3  # rows of one cell above a header that are read as its titles


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    from newbi_clients.transfer.xlsx import open_sheet

    opened = open_sheet(path, sheet)
    notices = list(opened.notices)
    hint = ""
    if opened.others:
        hint = (
            f"Feuille lue : « {opened.name} » ; {opened.others} : --sheet NOM pour en lire"
            " une autre."
        )
    rows: Iterator[tuple[int, list[str]]] = opened.rows
    header_row, header = _first_non_empty(rows, path.name, hint)
    # titles above the header (« Liste des clients », « Export du 30/11/2026 », often
    # merged over the columns): rows of one cell, then a row that names several columns
    seen: list[tuple[int, list[str]]] = []
    if _filled(header) == 1:
        for row in rows:
            if _filled(row[1]) == 0:
                continue
            seen.append(row)
            if _filled(row[1]) > 1 or len(seen) == _MAX_TITLES:
                break
    if seen and _filled(seen[-1][1]) > 1:
        titles = [(header_row, header), *seen[:-1]]
        shown = " ; ".join(f"« {next(c for c in r if c.strip()).strip()[:60]} »" for _, r in titles)
        header_row, header = seen[-1]
        if len(titles) == 1:
            said = f"Ligne {titles[0][0]} ({shown}) lue comme un titre"
        else:
            said = f"Lignes {titles[0][0]} à {titles[-1][0]} ({shown}) lues comme des titres"
        notices.append(f"{said} : l'en-tête est la ligne {header_row}.")
    elif seen:
        rows = chain(seen, rows)
    return Table(
        "xlsx",
        [h.strip() for h in header],
        header_row,
        rows,
        sheet=opened.name,
        notices=notices,
        size_hint=opened.size_hint,
        hint=hint,
        facts=opened.facts,
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
        number = excel_digits(number)
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


EXCEL_DIGITS = 15  # significant digits Excel keeps, and shows


def excel_digits(number: Decimal) -> Decimal:
    """A number with decimals as Excel shows it: at most 15 significant digits, which
    takes away the noise of binary fractions (1234.5599999999999 is 1234.56, and
    0.30000000000000004 is 0.3). Whole numbers are kept as written: an identifier stored
    as a number (a SIRET, a phone) keeps every digit it has.

    >>> excel_digits(Decimal("1234.5599999999999")), excel_digits(Decimal("-0.7000000000000001"))
    (Decimal('1234.56000000000'), Decimal('-0.700000000000000'))
    """
    _, digits, exponent = number.as_tuple()
    if len(digits) <= EXCEL_DIGITS or not isinstance(exponent, int) or exponent >= 0:
        return number
    try:
        return number.quantize(
            Decimal(1).scaleb(number.adjusted() - EXCEL_DIGITS + 1), rounding=ROUND_HALF_UP
        )
    except InvalidOperation:  # beyond the context's bounds: as written
        return number


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text[:-2] if text.endswith(".0") else text
