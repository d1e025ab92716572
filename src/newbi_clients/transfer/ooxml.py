"""The parts of an XLSX file other than the sheet, read within bounds.

An XLSX file is a zip of XML parts (ECMA-376, Office Open XML). Every bound is checked
before a part is read (entries, declared sizes, compression ratios: zip bombs) and while it
is read (string lengths, total text), so that no file can exhaust memory. XML parts may not
declare a DTD: no entity expansion (« billion laughs »), no external entity (XXE).
"""

from __future__ import annotations

import posixpath
import pyexpat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newbi_clients.errors import ImportRejected

MAX_COLUMNS = 500  # columns holding a value (the import template has about 30)
MAX_ROW = 1_048_576  # Excel's last row
MAX_CELL = 32_767  # Excel's longest cell, in characters
MAX_ROW_CHARS = 1_000_000  # characters of one row
MAX_ROW_XML = 16 << 20  # bytes of XML for one row (or one shared string)
MAX_SHEET_XML = 1 << 30  # uncompressed bytes of the sheet
MAX_PART_XML = 16 << 20  # workbook, relationships, styles
MAX_SHARED_CHARS = 40_000_000  # characters of all shared strings (held in memory)
MAX_SHARED_XML = 256 << 20
MAX_RATIO = 100  # uncompressed / compressed size of a part over 1 MiB: beyond, a zip bomb
MAX_ENTRIES = 10_000
CHUNK = 1 << 16


def refuse(name: str, why: str) -> ImportRejected:
    return ImportRejected(f"{name} : {why} ; rien n'a été importé.")


def corrupt(name: str) -> ImportRejected:
    return ImportRejected(
        f"{name} n'est pas un fichier Excel valide (fichier corrompu ou tronqué)."
    )


_OPENDOCUMENT = b"application/vnd.oasis.opendocument."


def refuse_opendocument(zipped: Package) -> None:
    """Refuse an OpenDocument file (LibreOffice's .ods, renamed .xlsx): it is a zip too,
    named by its ``mimetype`` member, but holds no workbook that this reader knows.

    :raises ImportRejected: naming what the file is and how to save it.
    """
    info = zipped.infos.get("mimetype")
    if info is None or info.file_size > 200 or zipped.has("xl/workbook.xml"):
        return
    try:
        with zipped.zip.open(info) as member:
            kind = member.read(200)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, zlib.error):
        return
    if not kind.startswith(_OPENDOCUMENT):
        return
    if b"spreadsheet" in kind:
        what = "un classeur OpenDocument (.ods, LibreOffice ou OpenOffice)"
    else:
        what = "un document OpenDocument (LibreOffice ou OpenOffice)"
    raise ImportRejected(
        f"{zipped.name} est {what}, pas un fichier Excel :"
        " ouvrez-le dans votre tableur et enregistrez-le au format Excel (.xlsx) ou CSV,"
        " puis réessayez."
    )


def column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Package:
    """The parts of an XLSX zip, opened only within their bounds."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise corrupt(path.name) from None
        if len(infos) > MAX_ENTRIES:
            raise refuse(path.name, f"archive de {len(infos)} éléments (au plus {MAX_ENTRIES})")
        self.infos = {i.filename.lstrip("/"): i for i in infos}

    def has(self, part: str) -> bool:
        return part in self.infos

    def open(self, part: str, limit: int) -> IO[bytes]:
        info = self.infos.get(part)
        if info is None:
            raise corrupt(self.name)
        if info.flag_bits & 0x1:
            raise refuse(self.name, "contenu chiffré (protégé par un mot de passe)")
        if info.file_size > limit:
            raise refuse(
                self.name,
                f"la partie {part} ferait {info.file_size // 1_000_000} Mo une fois"
                f" décompressée (au plus {limit // 1_000_000} Mo)",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1 << 20 and ratio > MAX_RATIO:
            raise refuse(
                self.name,
                f"la partie {part} se décompresse {int(ratio)} fois (au plus {MAX_RATIO} :"
                " bombe de décompression ?)",
            )
        try:
            return self.zip.open(info)
        # zipfile raises NotImplementedError for a compression method it cannot read
        # (Deflate64, for one) and RuntimeError for an entry that needs a password
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
            raise corrupt(self.name) from None

    def close(self) -> None:
        self.zip.close()


def _refuse_dtd(*_: Any) -> None:
    raise _DtdRefused


class _DtdRefused(Exception):
    pass


def safe_parser() -> Any:
    """An expat parser that refuses any DTD (hence any entity but the five of XML)."""
    parser = pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd  # type: ignore[assignment]
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


def feed(
    zipped: Package, part: str, limit: int, parser: Any, ready: Callable[[], Iterator[Any]]
) -> Iterator[Any]:
    """Feed ``part`` to ``parser`` chunk by chunk, yielding what ``ready`` has after each."""
    with reading(zipped.name, part), zipped.open(part, limit) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield from ready()
        parser.Parse(b"", True)
        yield from ready()


@contextmanager
def reading(name: str, part: str) -> Iterator[None]:
    """Turn the failures of reading ``part`` (bad zip, bad XML, a DTD) into French refusals."""
    try:
        yield
    except _DtdRefused:
        raise refuse(name, f"la partie {part} déclare une DTD (entités XML refusées)") from None
    except pyexpat.ExpatError as exc:
        raise ImportRejected(
            f"{name} n'est pas un fichier Excel valide : XML mal formé dans {part}"
            f" ({pyexpat.errors.messages.get(exc.code, exc)})."
        ) from None
    # zlib.error: a deflated part damaged in a way that no CRC check reaches first
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error):
        raise corrupt(name) from None


def local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse_small(
    zipped: Package, part: str, on_start: Callable[[str, dict[str, str]], None]
) -> None:
    parser = safe_parser()
    parser.StartElementHandler = lambda name, attrs: on_start(local(name), attrs)
    for _ in feed(zipped, part, MAX_PART_XML, parser, lambda: iter(())):
        pass


def _rels(zipped: Package, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (target part, type) of a part's ``_rels`` file."""
    folder, base = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if not zipped.has(rels_part):
        return found

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and "Id" in attrs and "Target" in attrs:
            target = attrs["Target"]
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found[attrs["Id"]] = (target, attrs.get("Type", "").rpartition("/")[2])

    _parse_small(zipped, rels_part, start)
    return found


class Workbook:
    """The workbook part: sheets (which are hidden, which one is active), date system,
    shared strings and styles parts."""

    def __init__(self, zipped: Package) -> None:
        part = "xl/workbook.xml"
        for target, kind in _rels(zipped, "").values():
            if kind == "officeDocument":
                part = target
        self.sheets: list[tuple[str, str]] = []
        self.hidden: set[str] = set()  # names of the sheets the user does not see
        self.active: str | None = None  # the sheet shown when the workbook is opened
        self.date1904 = False
        rels = _rels(zipped, part)
        tabs: list[str] = []  # every sheet in order: activeTab counts those without a part
        views: list[int] = []

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "sheet":
                name = attrs.get("name", "")
                tabs.append(name)
                rid = next((v for k, v in attrs.items() if k.endswith(":id") or k == "id"), "")
                if rid in rels:
                    self.sheets.append((name, rels[rid][0]))
                if attrs.get("state") in ("hidden", "veryHidden"):
                    self.hidden.add(name)
            elif tag == "workbookView":
                tab = attrs.get("activeTab", "0")
                views.append(int(tab) if tab.isdigit() and len(tab) < 6 else 0)
            elif tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")

        _parse_small(zipped, part, start)
        if views and views[0] < len(tabs):  # the first view is the one Excel opens
            self.active = tabs[views[0]]
        by_kind = {kind: target for target, kind in rels.values()}
        self.shared = by_kind.get("sharedStrings")
        self.styles = by_kind.get("styles")


def cell_styles(zipped: Package, part: str | None) -> list[str | None]:
    """For each cell style (``s`` attribute), "date", "percent" or None."""
    if part is None or not zipped.has(part):
        return []
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    codes: dict[int, str] = {}
    ids: list[int] = []
    depth = {"cellXfs": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "numFmt":
            codes[int(attrs.get("numFmtId", "0") or 0)] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] = True
        elif tag == "xf" and depth["cellXfs"]:
            ids.append(int(attrs.get("numFmtId", "0") or 0))
        elif tag in {"cellStyleXfs", "dxfs"}:
            depth["cellXfs"] = False

    _parse_small(zipped, part, start)
    kinds: list[str | None] = []
    for fmt_id in ids:
        code = codes.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
        if "%" in code:
            kinds.append("percent")
        elif code and is_date_format(code):
            kinds.append("date")
        else:
            kinds.append(None)
    return kinds
