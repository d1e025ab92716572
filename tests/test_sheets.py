"""Which sheet of a workbook is read, and what a sheet holds beyond its cells' text: merged
ranges, hidden rows, formulas without a computed value, rows of totals under the list,
numbers with binary noise; files written by openpyxl in ``tmp_path`` (and LibreOffice when
it is installed), as spreadsheets write them."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.ooxml import Package, Workbook
from newbi_clients.transfer.read import Table, open_table
from newbi_clients.transfer.totals import is_total
from newbi_clients.transfer.xlsx import _SheetReader, number_text

HEADER = ["Nom", "Email", "Ville"]


def _book(path: Path, sheets: dict[str, list[list[object]]], active: int = 0, hidden=()) -> Path:
    """A workbook of ``sheets`` (name: rows), ``active`` the one it opens on."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.active = active
    for sheet in book.worksheets:  # only the active one is selected, as Excel saves it
        sheet.sheet_view.tabSelected = sheet is book.active
    book.save(path)
    return path


def _clients(name: str) -> list[list[object]]:
    return [HEADER, [name, f"{name.lower()}@exemple.fr", "Lyon"]]


def _all(table: Table) -> list[tuple[int, list[str]]]:
    """Every row of the table, through the chunks the import reads (notices then made)."""
    return [row for chunk in table.chunks(1000, 1 << 30) for row in chunk]


# --- which sheet ------------------------------------------------------------------------


def test_the_active_sheet_is_read_and_the_others_are_named(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"Ancien": _clients("Vieux"), "Actuel": _clients("Neuf")}, 1)
    table = open_table(path)
    assert table.sheet == "Actuel"
    assert _all(table)[0][1][0] == "Neuf"
    assert table.notices[0] == (
        "Feuille lue : « Actuel » (autres feuilles : « Ancien » ; --sheet NOM pour en lire"
        " une autre)."
    )


def test_a_hidden_sheet_is_skipped_even_when_first_or_active(tmp_path: Path) -> None:
    sheets = {"Calc": _clients("Cache"), "Visible": _clients("Vu"), "Autre": _clients("Non")}
    for active in (0, 1):
        path = _book(tmp_path / f"h{active}.xlsx", sheets, active, hidden=("Calc",))
        table = open_table(path)
        assert table.sheet == "Visible"
        assert "masquée : « Calc »" in table.notices[0]
        assert "autres feuilles : « Autre »" in table.notices[0]
    # asked for by name, a hidden sheet is read
    assert open_table(tmp_path / "h0.xlsx", sheet="Calc").sheet == "Calc"


def test_a_workbook_whose_sheets_are_all_hidden_reads_the_first(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"Un": _clients("Un")}, hidden=())
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'state="visible"', b'state="veryHidden"'
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert open_table(path).sheet == "Un"


def test_an_empty_sheet_gives_way_to_the_only_other_one_holding_rows(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"Feuil1": [], "Feuil2": _clients("Gamma")})
    table = open_table(path)
    assert table.sheet == "Feuil2"
    assert "Feuille lue : « Feuil2 », la feuille « Feuil1 » étant vide" in table.notices[0]
    assert _all(table) == [(2, ["Gamma", "gamma@exemple.fr", "Lyon"])]


def test_an_empty_sheet_with_two_others_holding_rows_is_refused_naming_them(
    tmp_path: Path,
) -> None:
    sheets = {"Vide": [], "A": _clients("Un"), "B": _clients("Deux")}
    with pytest.raises(ImportRejected) as refused:
        open_table(_book(tmp_path / "b.xlsx", sheets))
    assert "ne contient aucune ligne" in str(refused.value)
    assert "autres feuilles : « A », « B » : --sheet NOM" in str(refused.value)
    # asked for by name, an empty sheet is not replaced
    with pytest.raises(ImportRejected, match="aucune ligne"):
        open_table(_book(tmp_path / "c.xlsx", {"Vide": [], "A": _clients("Un")}), sheet="Vide")


def test_sheet_names_are_matched_ignoring_case_and_accents(tmp_path: Path) -> None:
    sheets = {"Lisez-moi": [["Voir l'onglet Sociétés"]], "Sociétés": _clients("Acme")}
    path = _book(tmp_path / "b.xlsx", sheets)
    for given in ("Sociétés", "sociétés", "SOCIETES", " societes "):
        assert open_table(path, sheet=given).sheet == "Sociétés"
    with pytest.raises(ImportRejected) as refused:
        open_table(path, sheet="Clients")
    assert "feuilles : « Lisez-moi », « Sociétés »" in str(refused.value)
    assert "--sheet" in str(refused.value)


def test_an_exact_name_wins_and_two_near_names_are_ambiguous(tmp_path: Path) -> None:
    path = _book(tmp_path / "b.xlsx", {"Societes": _clients("Un"), "Sociétés": _clients("Deux")})
    assert open_table(path, sheet="Societes").sheet == "Societes"
    assert open_table(path, sheet="Sociétés").sheet == "Sociétés"
    with pytest.raises(ImportRejected, match=r"ambiguë.*« Societes », « Sociétés »"):
        open_table(path, sheet="societes")


def test_a_one_sheet_workbook_names_no_other(tmp_path: Path) -> None:
    table = open_table(_book(tmp_path / "b.xlsx", {"Clients": _clients("Un")}))
    assert table.notices[0] == "Feuille lue : « Clients »."
    assert table.hint == ""


def test_a_readme_first_sheet_gives_a_hint_naming_the_others(tmp_path: Path) -> None:
    sheets = {"Lisez-moi": [["Export CRM du 01/02/2025"], ["Voir l'onglet Clients"]]}
    sheets["Clients"] = _clients("Alpha")
    table = open_table(_book(tmp_path / "b.xlsx", sheets))
    assert table.header == ["Export CRM du 01/02/2025"]
    assert table.hint == (
        "Feuille lue : « Lisez-moi » ; autres feuilles : « Clients » : --sheet NOM pour en"
        " lire une autre."
    )


def test_the_import_reads_the_active_sheet_and_says_so(cli, tmp_path: Path) -> None:
    sheets = {"Ancien": _clients("Vieux"), "Actuel": _clients("Neuf")}
    path = _book(tmp_path / "b.xlsx", sheets, 1)
    result = cli("import", str(path), "--yes")
    assert "Feuille lue : « Actuel » (autres feuilles : « Ancien »" in result.stderr
    assert [c["name"] for c in cli.json("list", "--all")] == ["Neuf"]
    cli("import", str(path), "--sheet", "ancien", "--yes")
    assert sorted(c["name"] for c in cli.json("list", "--all")) == ["Neuf", "Vieux"]


def test_an_opendocument_file_named_xlsx_is_called_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    with pytest.raises(ImportRejected) as refused:
        open_table(path)
    assert "classeur OpenDocument" in str(refused.value)
    assert "au format Excel (.xlsx) ou CSV" in str(refused.value)
    assert "corrompu" not in str(refused.value)


# --- rows of totals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "total"),
    [
        (["Total : 2 clients"], True),
        (["Total", "", "1 234,50"], True),
        (["", "TOTAL GÉNÉRAL", "12", "5 %"], True),
        (["Sous-total"], True),
        (["Totaux :", "3"], True),
        (["Nombre de clients : 12"], True),
        (["Total clients : 12", "", ""], True),
        (["TotalEnergies", "contact@total.fr"], False),
        (["Total Energies"], False),
        (["Total", "contact@total.fr"], False),
        (["Totalement bio"], False),
        (["Martin", "Total"], False),
        (["", ""], False),
    ],
)
def test_rows_of_totals_are_told_from_clients(cells: list[str], total: bool) -> None:
    assert is_total(cells) is total


def test_a_total_row_after_the_last_client_is_left_out_and_said(tmp_path: Path) -> None:
    rows = [*_clients("Alpha"), ["Beta", "beta@x.fr", "Nice"], [], ["Total : 2 clients"]]
    table = open_table(_book(tmp_path / "b.xlsx", {"Clients": rows}))
    assert [n for n, _ in _all(table)] == [2, 3]
    assert (
        "Ligne 5 (« Total : 2 clients ») ignorée : une ligne de total en fin de feuille."
        in table.notices
    )
    # read row by row (the history import), the same
    table = open_table(tmp_path / "b.xlsx")
    assert [n for n, c in table.rows if any(c)] == [2, 3]
    assert any("Ligne 5" in n for n in table.notices)


def test_totals_in_the_middle_of_the_list_are_kept(tmp_path: Path) -> None:
    rows = [*_clients("Alpha"), ["Sous-total", "", "1"], ["Beta", "beta@x.fr", "Nice"]]
    rows += [["Sous-total", "", "1"], ["Total", "", "2"]]
    table = open_table(_book(tmp_path / "b.xlsx", {"Clients": rows}))
    assert [n for n, _ in _all(table)] == [2, 3, 4]
    assert "Lignes 5 et 6 (« Sous-total » ; « Total ») ignorées" in table.notices[-1]


def test_a_total_row_cut_from_the_rows_before_it_by_a_chunk_is_left_out(tmp_path: Path) -> None:
    lines = ["Nom;Email"] + [f"Client {i};c{i}@x.fr" for i in range(7)] + ["Total;7", "Total;7"]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for size in (1, 2, 3, 7, 8, 100):
        table = open_table(path)
        numbers = [n for chunk in table.chunks(size, 1 << 30) for n, _ in chunk]
        assert numbers == list(range(2, 9)), size
        assert "Lignes 9 et 10" in table.notices[-1]
        assert "en fin de fichier" in table.notices[-1]


def test_many_rows_that_look_like_totals_are_no_footer(tmp_path: Path) -> None:
    lines = ["Nom;Email", "A;a@x.fr"] + ["Total;1"] * 12
    path = tmp_path / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(_all(open_table(path))) == 13


# --- merged ranges, hidden rows, formulas without a value -------------------------------


def _odd_sheet(path: Path) -> Path:
    """A client list as a user shapes it: a town merged over two rows (and a postal code),
    a row hidden by a filter, a formula that openpyxl writes without its value."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Prénom", "Email", "Ville", "Code postal"])
    sheet.append(["Durand", "Paul", "paul@x.fr", "Paris", 75001])
    sheet.append(["Durand", "Marie", "marie@x.fr", None, None])
    sheet.append(["Caché", "Léon", "leon@x.fr", "Lille", 59000])
    sheet.append(['=UPPER("martin")', "Luc", "luc@x.fr", "Lyon", 69001])
    sheet.merge_cells("D2:D3")
    sheet.merge_cells("E2:E3")
    sheet.row_dimensions[4].hidden = True
    book.save(path)
    return path


def test_merged_hidden_and_uncomputed_cells_are_read_as_shown_and_said(tmp_path: Path) -> None:
    table = open_table(_odd_sheet(tmp_path / "odd.xlsx"))
    rows = _all(table)
    assert rows[:2] == [
        (2, ["Durand", "Paul", "paul@x.fr", "Paris", "75001"]),
        (3, ["Durand", "Marie", "marie@x.fr", "Paris", "75001"]),
    ]
    assert rows[3] == (5, ["", "Luc", "luc@x.fr", "Lyon", "69001"])
    said = "\n".join(table.notices)
    assert "ligne(s) 4. Si elles ne doivent pas l'être" in said
    assert "1 cellule(s) lue(s) vide(s) (A5) : formule sans valeur calculée" in said
    assert "ouvrez et enregistrez le fichier dans votre tableur" in said
    assert "Cellules fusionnées D2:D3, E2:E3 : leur valeur est donnée à chacune" in said


def _facts(path: Path, fast: bool) -> tuple[object, ...]:
    package = Package(path)
    try:
        reader = _SheetReader(package, "xl/worksheets/sheet1.xml", Workbook(package))
        rows = list(reader.rows(fast))
        expat = reader.expat
        return rows, expat.hidden, expat.formulas, reader.spread, expat.count
    finally:
        package.close()


def test_the_fast_path_and_expat_find_the_same(tmp_path: Path) -> None:
    path = _odd_sheet(tmp_path / "odd.xlsx")
    fast, slow = _facts(path, True), _facts(path, False)
    assert fast[:4] == slow[:4]
    assert fast[1:4] == ([4], [(5, "A5")], ["D2:D3", "E2:E3"])
    assert fast[4] == 2  # expat read only the hidden row and the formula's


def test_an_empty_text_result_and_hidden_false_are_nothing_to_say(tmp_path: Path) -> None:
    """Excel and LibreOffice write a formula giving "" as t="str" with <v></v>, and
    LibreOffice writes hidden="false" on every row: no notice, and the fast path reads
    them."""
    path = tmp_path / "f.xlsx"
    _book(path, {"Feuil1": _clients("Un")})
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<row r="2"', '<row r="2" hidden="false"')
    sheet = sheet.replace(
        '<c r="C2" t="inlineStr"><is><t>Lyon</t></is></c>',
        '<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c>',
    )
    assert 'hidden="false"' in sheet and "<v></v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    rows, hidden, formulas, spread, by_expat = _facts(path, True)
    assert rows[1] == (2, ["Un", "un@exemple.fr", ""])
    assert (hidden, formulas, spread, by_expat) == ([], [], [], 0)


def test_a_total_row_s_formula_is_not_said(tmp_path: Path) -> None:
    rows = [*_clients("Alpha"), [], ["Total", "=COUNTA(A2:A2)"]]
    table = open_table(_book(tmp_path / "b.xlsx", {"Clients": rows}))
    assert len(_all(table)) == 1
    assert not any("formule" in n for n in table.notices)
    assert any("Ligne 4 (« Total »)" in n for n in table.notices)


def test_merges_of_a_sheet_too_large_to_read_twice_are_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newbi_clients.transfer import xlsx

    monkeypatch.setattr(xlsx, "MERGE_PASS_MAX", 0)
    table = open_table(_odd_sheet(tmp_path / "odd.xlsx"))
    rows = _all(table)
    assert rows[1] == (3, ["Durand", "Marie", "marie@x.fr"])
    assert any("D2:D3, E2:E3 : leur valeur n'est lue que sur" in n for n in table.notices)


def test_a_merge_over_rows_without_values_gives_them_nothing(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Nom", "Ville"], ["A", "Paris"], [None, None], ["B", None], ["C", "Lyon"]):
        sheet.append(row)
    sheet.merge_cells("B2:B4")
    sheet.merge_cells("A5:B5")  # across columns only: nothing to give (B5 is cleared)
    book.save(tmp_path / "m.xlsx")
    rows = _all(open_table(tmp_path / "m.xlsx"))
    assert rows == [(2, ["A", "Paris"]), (4, ["B", "Paris"]), (5, ["C"])]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_sheet_saved_again_by_libreoffice_has_its_formulas_computed(tmp_path: Path) -> None:
    source = _odd_sheet(tmp_path / "odd.xlsx")
    out = tmp_path / "lo"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    table = open_table(out / "odd.xlsx")
    rows = _all(table)
    assert rows[1][1][3:5] == ["Paris", "75001"]
    assert rows[3][1][0] == "MARTIN"
    said = "\n".join(table.notices)
    assert "formule" not in said
    assert "ligne(s) 4." in said
    fast, slow = _facts(out / "odd.xlsx", True), _facts(out / "odd.xlsx", False)
    assert fast[:4] == slow[:4]


# --- numbers as Excel shows them --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "shown"),
    [
        ("1234.5599999999999", None, "1234.56"),
        ("0.30000000000000004", None, "0.3"),
        ("-0.7000000000000001", None, "-0.7"),
        ("1481.4719999999998", None, "1481.472"),
        ("0.055000000000000007", "percent", "5.5%"),
        ("1.2345678901234567E-5", None, "0.0000123456789012346"),
        ("12.5", None, "12.5"),
        # whole numbers keep every digit: identifiers stored as numbers
        ("73282932000074", None, "73282932000074"),
        ("7.3282932000074E+13", None, "73282932000074"),
        ("123456789012345678", None, "123456789012345678"),
        ("612345678", None, "612345678"),
        ("45366.00000000001", "date", "2024-03-15"),
    ],
)
def test_numbers_are_read_as_excel_shows_them(text: str, fmt: str | None, shown: str) -> None:
    assert number_text(text, fmt) == shown


def test_binary_noise_in_a_workbook_is_read_as_excel_shows_it(tmp_path: Path) -> None:
    rows = [["Nom", "Montant"], ["A", 0.1 + 0.2], ["B", 1234.56 * 1.0000000000000002], ["C", 3]]
    table = open_table(_book(tmp_path / "n.xlsx", {"Feuil1": rows}))
    assert [cells[1] for _, cells in _all(table)] == ["0.3", "1234.56", "3"]
