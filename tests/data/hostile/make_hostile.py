"""Make the hostile import files of this folder (see tests/data/MANIFEST.md).

Run from the repository root: ``python tests/data/hostile/make_hostile.py``. Files that
would be large on disk (a CSV with a 3 MB cell) are made by :func:`make_large` at test time.
The XLSX files are written by hand, part by part, because no spreadsheet writes such files:
each is a minimal valid package (content types, relationships, workbook, sheet) with one
hostile part.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

from newbi_clients.transfer.ooxml import column_letters

HERE = Path(__file__).resolve().parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["Nom", "Email", "Adresse"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    return (
        '<row r="1">'
        + "".join(_inline(f"{c}1", h) for c, h in zip("ABC", HEADER, strict=True))
        + "</row>"
    )


def _sheet(rows: str, prolog: str = "", dimension: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f"{dimension}<sheetData>{_header_row()}{rows}</sheetData></worksheet>"
    )


def _shared(strings: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{strings}</sst>'


def write_xlsx(path: Path, sheet: str, shared: str | None = None) -> Path:
    """A minimal XLSX package around ``sheet`` (and ``shared`` strings)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", shared if shared is not None else _shared())
    return path


def _stream_part(path: Path, part: str, head: str, filler: bytes, size: int, tail: str) -> None:
    """Add to ``path`` a part made of ``head``, ``size`` bytes of ``filler`` and ``tail``,
    compressed as it is written (never held in memory)."""
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open(part, "w", force_zip64=True) as out,
    ):
        out.write(head.encode())
        block = filler * (1 << 20)
        written = 0
        while written < size:
            out.write(block)
            written += len(block)
        out.write(tail.encode())


def _package_without(path: Path, part: str) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if part != "xl/worksheets/sheet1.xml":
            z.writestr("xl/worksheets/sheet1.xml", _sheet(""))
        if part != "xl/sharedStrings.xml":
            z.writestr("xl/sharedStrings.xml", _shared())


def make_all(folder: Path = HERE) -> list[Path]:
    """Write every hostile file of the corpus into ``folder``."""
    made: list[Path] = []
    row2 = '<row r="2">' + _inline("A2", "Dupont SARL") + _inline("B2", "contact@dupont.fr") + _inline("C2", "1 rue de la Paix") + "</row>"  # fmt: skip
    # a single far cell: a reader sizing the sheet by it would allocate 16,384 × 1,048,576 cells
    made.append(write_xlsx(folder / "far-cell-xfd.xlsx", _sheet(row2 + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')))  # fmt: skip
    # column CV (100) is within bounds: read as a row of its own, beyond the header
    made.append(write_xlsx(folder / "far-cell-cv.xlsx", _sheet(row2 + '<row r="1048576"><c r="CV1048576"><v>1</v></c></row>')))  # fmt: skip
    made.append(write_xlsx(folder / "row-beyond-excel.xlsx", _sheet(row2 + '<row r="2000000"><c r="A2000000"><v>1</v></c></row>')))  # fmt: skip
    # a dimension claiming the whole grid, around two real rows: only a hint
    made.append(write_xlsx(folder / "huge-dimension.xlsx", _sheet(row2, dimension='<dimension ref="A1:XFD1048576"/>')))  # fmt: skip
    laughs = "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "lol"}">' for i in range(10)
    )
    made.append(write_xlsx(folder / "billion-laughs.xlsx", _sheet(
        '<row r="2">' + _inline("A2", "&lol9;") + "</row>", prolog=f"<!DOCTYPE worksheet [{laughs}]>",
    )))  # fmt: skip
    made.append(write_xlsx(folder / "xxe.xlsx", _sheet(
        '<row r="2">' + _inline("A2", "&xxe;") + "</row>",
        prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )))  # fmt: skip
    wide = "".join(_inline(f"{column_letters(i)}2", f"c{i}") for i in range(10_000))
    made.append(write_xlsx(folder / "columns-10000.xlsx", _sheet(f'<row r="2">{wide}</row>')))
    long_shared = _shared(f"<si><t>{'x' * 40_000}</t></si>")
    made.append(write_xlsx(folder / "long-shared-string.xlsx", _sheet('<row r="2"><c r="A2" t="s"><v>0</v></c></row>'), long_shared))  # fmt: skip
    # 1 GB of « a » in one shared string: about 1 MB on disk
    path = folder / "shared-string-1gb.xlsx"
    _package_without(path, "xl/sharedStrings.xml")
    _stream_part(path, "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}"><si><t>', b"a", 1 << 30, "</t></si></sst>")  # fmt: skip
    made.append(path)
    # a sheet of 300 MB of blank space: a zip bomb of about 300 KB
    path = folder / "zip-bomb.xlsx"
    _package_without(path, "xl/worksheets/sheet1.xml")
    _stream_part(path, "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData>', b" ", 300 << 20, "</sheetData></worksheet>")  # fmt: skip
    made.append(path)
    whole = (folder / "far-cell-cv.xlsx").read_bytes()
    (folder / "truncated.xlsx").write_bytes(whole[: len(whole) // 2])
    made.append(folder / "truncated.xlsx")
    made.extend(_csv_files(folder))
    return made


def _csv_files(folder: Path) -> list[Path]:
    made = []
    lines = ["Nom;Prénom;Email;Téléphone;Adresse;Code postal;Ville"] + [
        f"Société {i};Zoé;contact{i}@exemple.fr;01 23 45 67 {i:02d};{i} rue Battant;25000;Besançon"
        for i in range(20)
    ]
    text = "\n".join(lines) + "\n"
    # UTF-8 with one stray Windows-1252 byte (« é » typed in another program) on line 12
    data = text.encode("utf-8").replace("Société 10".encode(), "Soci\xe9t\xe9 10".encode("cp1252"))
    (folder / "mixed-encoding.csv").write_bytes(data)
    (folder / "cp1252-only.csv").write_bytes(text.encode("cp1252"))
    tabbed = text.replace(";", "\t")  # Excel's « Texte Unicode » is tab-separated UTF-16
    (folder / "utf16-bom.txt").write_bytes(tabbed.encode("utf-16"))
    (folder / "utf16-nobom.txt").write_bytes(tabbed.encode("utf-16-le"))
    (folder / "columns-10000.csv").write_text(
        ";".join(["Nom", "Email", "Adresse", *(f"c{i}" for i in range(9_998))]) + "\nDupont\n",
        encoding="utf-8",
    )
    escapes = (
        "Nom;Email;Adresse;Notes\n"
        + "".join(f"Client {i};client{i}@exemple.fr;{i} rue Haute;\n" for i in range(10))
        + '"ACME\x1b]0;pwned\x07\x1b[2J SA";acme@exemple.fr;1 rue Basse;rappeler\x1b[31m \x9b31m vite\n'
    )
    (folder / "escape-sequences.csv").write_text(escapes, encoding="utf-8")
    (folder / "nul-byte.csv").write_bytes(b"Nom;Email;Adresse\nDup\x00ont;d@exemple.fr;1 rue\n")
    made = [folder / n for n in ("mixed-encoding.csv", "cp1252-only.csv", "utf16-bom.txt",
            "utf16-nobom.txt", "columns-10000.csv", "escape-sequences.csv", "nul-byte.csv")]  # fmt: skip
    return made


def make_large(folder: Path) -> dict[str, Path]:
    """Files too large to keep in the repository, made at test time."""
    huge_cell = folder / "huge-cell.csv"
    with huge_cell.open("w", encoding="utf-8") as out:
        out.write("Nom;Email;Adresse\n")
        out.write("x" * 3_000_000 + ";x@exemple.fr;1 rue Basse\n")
    no_newline = folder / "one-line.csv"
    no_newline.write_text("Nom;Email;Adresse\n" + "a;" * 1_000_000, encoding="utf-8")
    return {"huge-cell.csv": huge_cell, "one-line.csv": no_newline}


if __name__ == "__main__":
    for made in make_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"{made.name}: {made.stat().st_size:,} bytes")
