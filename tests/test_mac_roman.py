"""CSV files of Excel for Mac (« CSV Macintosh »: Mac Roman, lines ended by CR alone)
told from those of French Excel on Windows (Windows-1252), by the letters each reading
gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.encodings import mac_roman_evidence
from newbi_clients.transfer.read import open_table

TEXT = (
    "Nom;Prénom;Ville;Notes\r"
    "Société Générale;Amélie;Orléans;à rappeler\r"
    "Café à Paris;Léa;Évry;crème brûlée, forêt\r"
    "Garçon & Fils;Noël;Besançon;« très » bien\r"
)


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_mac_roman_file_is_read_as_such_and_said(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "mac.csv", TEXT, "mac_roman"))
    assert table.encoding == "mac_roman"
    assert "Encodage Mac Roman (Excel pour Mac) détecté." in table.notices
    assert table.header == ["Nom", "Prénom", "Ville", "Notes"]
    assert [cells for _, cells in table.rows][:2] == [
        ["Société Générale", "Amélie", "Orléans", "à rappeler"],
        ["Café à Paris", "Léa", "Évry", "crème brûlée, forêt"],
    ]
    assert table.size_hint == 4  # lines ended by CR alone are counted


def test_a_mac_roman_file_that_windows_1252_also_decodes(tmp_path: Path) -> None:
    # « é », « à », « É » only (0x8E, 0x88, 0x83): Windows-1252 reads « Ž », « ˆ », « ƒ »
    text = "Nom;Ville\rSociété;Évry\rCafé à Paris;Béziers\r"
    path = _write(tmp_path / "mac.csv", text, "mac_roman")
    path.read_bytes().decode("cp1252")  # no error: the reading must be chosen on evidence
    table = open_table(path)
    assert table.encoding == "mac_roman"
    assert list(table.rows) == [(2, ["Société", "Évry"]), (3, ["Café à Paris", "Béziers"])]


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_windows_1252_files_stay_windows_1252_whatever_their_line_ends(
    tmp_path: Path, newline: str
) -> None:
    text = TEXT.replace("\r", newline) + "Œuvre;Zoé;Épinal;l’été, 20 €, n° 3\n"
    table = open_table(_write(tmp_path / "win.csv", text, "cp1252"))
    assert table.encoding == "cp1252"
    assert "Encodage Windows-1252 (Excel français) détecté." in table.notices
    assert [cells for _, cells in table.rows][-1] == ["Œuvre", "Zoé", "Épinal", "l’été, 20 €, n° 3"]


@pytest.mark.parametrize(
    ("text", "encoding", "mac"),
    [
        ("Société Générale", "mac_roman", True),
        ("Société Générale", "cp1252", False),
        ("É", "cp1252", False),  # a capital alone: Windows-1252, as before
        ("Besançon, l’été", "cp1252", False),
        ("Besançon, l’été", "mac_roman", True),
        ("Noël à Sète", "mac_roman", True),
        ("ASCII only", "ascii", False),
    ],
)
def test_mac_roman_evidence(tmp_path: Path, text: str, encoding: str, mac: bool) -> None:
    assert mac_roman_evidence(_write(tmp_path / "f.csv", text, encoding)) is mac


def test_a_file_neither_utf8_nor_windows_1252_nor_mac_roman_names_the_choices(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes("Nom;Ville\nΑθήνα;Ελλάδα\n".encode("iso-8859-7") + b"\x81\x8d\n")
    with pytest.raises(ImportRejected) as refused:
        open_table(path)
    message = str(refused.value)
    assert "--encoding mac_roman" in message and "--encoding cp1252" in message
    assert "latin-1" not in message


def test_a_forced_encoding_that_fails_suggests_mac_roman(tmp_path: Path) -> None:
    path = _write(tmp_path / "mac.csv", TEXT, "mac_roman")
    with pytest.raises(ImportRejected, match="--encoding mac_roman"):
        open_table(path, encoding="utf-8")
    table = open_table(path, encoding="mac_roman")
    assert next(cells for _, cells in table.rows)[0] == "Société Générale"


def test_a_utf8_file_with_a_stray_byte_is_still_refused(tmp_path: Path) -> None:
    text = "Nom;Ville\n" + "".join(f"Client {i};Besançon\n" for i in range(20))
    data = text.encode("utf-8") + "Zoé;Lyon\n".encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(ImportRejected, match=r"n'est pas entièrement en UTF-8.*mac_roman"):
        open_table(path)


def test_a_total_row_at_the_end_of_a_mac_file_is_left_out(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "mac.csv", TEXT + "Total : 3 clients\r", "mac_roman"))
    rows = [row for chunk in table.chunks(100, 1 << 30) for row in chunk]
    assert [number for number, _ in rows] == [2, 3, 4]
    assert "Ligne 5 (« Total : 3 clients ») ignorée" in table.notices[-1]


def test_the_lines_of_a_mac_file_give_its_delimiter_and_sep_line(tmp_path: Path) -> None:
    # commas in the cells, semicolons between them, CR alone at the end of each line
    table = open_table(_write(tmp_path / "mac.csv", TEXT, "mac_roman"))
    assert table.delimiter == ";"
    table = open_table(_write(tmp_path / "sep.csv", "sep=,\r" + TEXT.replace(";", ","), "utf-8"))
    assert table.delimiter == ","
    assert "Séparateur indiqué par la ligne « sep= » du fichier : virgule." in table.notices
    assert table.header[:2] == ["Nom", "Prénom"]
