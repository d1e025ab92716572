"""The streaming XLSX reader: cell types, styles, shared strings and bounds, on packages
written part by part (ECMA-376 part 1, §18.3.1.4)."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.read import open_table
from newbi_clients.transfer.xlsx import number_text

sys.path.insert(0, str(Path(__file__).parent / "data" / "hostile"))
from make_hostile import CONTENT_TYPES, MAIN, PKG, REL, ROOT_RELS

WORKBOOK = (
    f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{REL}"><x:workbookPr date1904="0"/>'
    '<x:sheets><x:sheet name="Clients" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>'
)
RELS = (
    f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="/xl/sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164"'
    ' formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="3"><xf numFmtId="0"/>'
    '<xf numFmtId="9"/><xf numFmtId="164"/></cellXfs></styleSheet>'
)
SHARED = (
    f'<sst xmlns="{MAIN}"><si><t>Nom</t></si><si><t>Email</t></si><si><t>Adresse</t></si>'
    "<si><r><t>Boulangerie </t></r><r><t>Martel</t></r></si>"
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>'
)
SHEET = (
    f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
    '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c>'
    '<x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c r="D1" t="inlineStr"><x:is><x:t>Remise</x:t>'
    '</x:is></x:c><x:c r="E1" t="inlineStr"><x:is><x:t>Date</x:t></x:is></x:c></x:row>'
    '<x:row r="3"><x:c r="A3" t="s"><x:v>3</x:v></x:c><x:c r="C3" t="str"><x:f>A1</x:f>'
    '<x:v>1 rue &amp; co</x:v></x:c><x:c r="D3" s="1"><x:v>0.05</x:v></x:c>'
    '<x:c r="E3" s="2"><x:v>45366</x:v></x:c><x:c r="F3" s="1"/></x:row>'
    '<x:row><x:c t="s"><x:v>4</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e">'
    "<x:v>#N/A</x:v></x:c><x:c><x:v>7.3282932000074E+13</x:v></x:c></x:row>"
    "</x:sheetData></x:worksheet>"
)


def _package(path: Path, sheet: str = SHEET) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", SHARED)
        z.writestr("xl/styles.xml", STYLES)
    return path


def test_cells_of_every_type_read_as_the_user_meant(tmp_path: Path) -> None:
    table = open_table(_package(tmp_path / "types.xlsx"))
    assert table.sheet == "Clients"
    assert table.header == ["Nom", "Email", "Adresse", "Remise", "Date"]
    rows = list(table.rows)
    assert rows[0] == (3, ["Boulangerie Martel", "", "1 rue & co", "5%", "2024-03-15"])
    # a row without coordinates follows the previous one; phonetic runs are not text
    assert rows[1] == (4, ["東京", "oui", "#N/A", "73282932000074"])


def test_number_text_gives_digits_dates_and_percentages() -> None:
    assert number_text("12.50", None) == "12.5"
    assert number_text("1E+2", None) == "100"
    assert number_text("0.055", "percent") == "5.5%"
    assert number_text("45366.5", "date") == "2024-03-15T12:00:00"


def test_a_shared_string_index_out_of_range_is_a_corrupt_file(tmp_path: Path) -> None:
    bad = SHEET.replace("<x:v>3</x:v>", "<x:v>99</x:v>")
    with pytest.raises(ImportRejected, match="pas un fichier Excel valide"):
        list(open_table(_package(tmp_path / "bad.xlsx", bad)).rows)


def test_an_unknown_sheet_names_the_sheets(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected, match="feuilles : « Clients »"):
        open_table(_package(tmp_path / "s.xlsx"), sheet="Autre")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_part_that_does_not_decompress_is_a_corrupt_file(tmp_path: Path, part: str) -> None:
    path = _package(tmp_path / "damaged.xlsx")
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(part)
    data = bytearray(path.read_bytes())
    name_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    for at in range(start, start + info.compress_size):
        data[at] ^= 0x55  # the deflate stream damaged: zlib refuses it
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRejected, match="n'est pas un fichier Excel valide"):
        list(open_table(path).rows)


def test_a_title_above_the_header_is_read_as_a_title(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Liste des clients 2026"])
    sheet.merge_cells("A1:C1")
    sheet.append([])
    sheet.append(["Nom", "Email", "Ville"])
    sheet.append(["Dupont", "d@exemple.fr", "Lyon"])
    path = tmp_path / "rapport.xlsx"
    book.save(path)
    table = open_table(path)
    assert (table.header, table.header_row) == (["Nom", "Email", "Ville"], 3)
    assert [cells for _, cells in table.rows] == [["Dupont", "d@exemple.fr", "Lyon"]]
    assert (
        "Ligne 1 (« Liste des clients 2026 ») lue comme un titre : l'en-tête est la ligne 3."
        in (table.notices)
    )


def test_a_one_column_sheet_keeps_its_header(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in (["Nom"], ["Dupont"], ["Martin"]):
        book.active.append(row)
    path = tmp_path / "noms.xlsx"
    book.save(path)
    table = open_table(path)
    assert (table.header, table.header_row) == (["Nom"], 1)
    assert [cells for _, cells in table.rows] == [["Dupont"], ["Martin"]]


def test_two_title_rows_above_the_header(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in (
        ["Liste des clients"],
        ["Export du 30/11/2026"],
        [],
        ["Nom", "Email"],
        ["Dupont", "d@x.fr"],
    ):
        book.active.append(row)
    path = tmp_path / "rapport.xlsx"
    book.save(path)
    table = open_table(path)
    assert (table.header, table.header_row) == (["Nom", "Email"], 4)
    assert [cells for _, cells in table.rows] == [["Dupont", "d@x.fr"]]
    assert table.notices[-1] == (
        "Lignes 1 à 2 (« Liste des clients » ; « Export du 30/11/2026 ») lues comme des titres :"
        " l'en-tête est la ligne 4."
    )
