"""import / export / template through Typer's runner."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import openpyxl
import pytest

from newbi_clients.storage import ClientStore
from newbi_clients.transfer.export import TEMPLATE_COLUMNS

HEADER = "Nom;Prénom;Email;Adresse;Code postal;Ville;SIRET;Tags"
GOOD = "ACME SAS;;contact@acme.fr;1 rue;75002;Paris;73282932000074;VIP\nDupré;Éléonore;e@x.fr;2 rue;69002;Lyon;;\n"


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_template_to_stdout_and_files(cli, tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(cli("template").stdout)))
    assert tuple(rows[0]) == TEMPLATE_COLUMNS and len(rows) == 2
    target = tmp_path / "modele.xlsx"
    cli("template", "--xlsx", "-o", str(target))
    sheet = openpyxl.load_workbook(target).active
    assert tuple(c.value for c in sheet[1]) == TEMPLATE_COLUMNS


def test_template_imports_itself(cli, tmp_path: Path) -> None:
    target = tmp_path / "modele.csv"
    cli("template", "-o", str(target))
    report = json.loads(cli("import", str(target), "--format", "json").stdout)
    assert report["created"] == 1 and report["rejected"] == 0


def test_import_json_report(cli, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n" + GOOD + "Sans email;;;;;;123;\n")
    result = cli("import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert report["created"] == 2 and report["rejected"] == 1
    assert report["errors"] == [
        {"row": 4, "column": "SIRET", "value": "123",
         "message": "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"}
    ]  # fmt: skip
    assert "Aperçu" in result.stderr and "Ligne 4" in result.stderr
    with ClientStore(db_path) as store:
        assert store.resolve("acme").tags == ["VIP"]


def test_import_strict_refuses_everything(cli, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n" + GOOD + ";;bad;;;;;\n")
    result = cli("import", str(path), "--strict", code=1)
    assert "--strict" in result.stderr and "rien n'a été écrit" in result.stderr
    assert cli.json("list") == []


def test_import_dry_run_writes_nothing(cli, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n" + GOOD)
    report = json.loads(cli("import", str(path), "--dry-run", "--format", "json").stdout)
    assert report["dry_run"] is True and report["created"] == 2
    assert cli.json("list") == []


def test_import_errors_file_in_the_input_format(cli, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n" + GOOD + "Bad;;bad@;;;;;\n")
    errors = tmp_path / "rejets.csv"
    cli("import", str(path), "--errors", str(errors))
    rows = list(csv.reader(errors.open(encoding="utf-8", newline=""), delimiter=";"))
    assert rows[0] == [*HEADER.split(";"), "Motif du rejet"]
    assert rows[1][:3] == ["Bad", "", "bad@"] and "Email invalide" in rows[1][-1]
    # fixed and imported again
    fixed = write(
        tmp_path,
        "\n".join(";".join(r[:-1]) for r in rows).replace("bad@", "bad@x.fr") + "\n",
        "fixed.csv",
    )
    assert json.loads(cli("import", str(fixed), "--format", "json").stdout)["created"] == 1


def test_import_duplicates_skip_then_merge(cli, tmp_path: Path) -> None:
    cli("import", str(write(tmp_path, HEADER + "\n" + GOOD)))
    again = write(tmp_path, HEADER + "\nACME;;CONTACT@acme.fr;;;;;Partenaire\n", "again.csv")
    report = json.loads(cli("import", str(again), "--format", "json").stdout)
    assert report["skipped"] == 1 and report["duplicates"][0]["existing_name"] == "ACME SAS"
    report = json.loads(
        cli("import", str(again), "--on-duplicate", "merge", "--format", "json").stdout
    )
    assert report["merged"] == 1
    acme = cli.json("show", "acme")
    assert acme["tags"] == ["Partenaire", "VIP"] and acme["name"] == "ACME SAS"
    assert any("ACME" in n["text"] for n in acme["notes"])  # the other name kept as a note


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.pdf", b"%PDF", "non pris en charge"),
        ("x.csv", b"", "vide"),
        ("x.xlsx", b"not a zip", "corrompu"),
        ("x.csv", b"Libell\xc3\xa9;Ville\nA;B\n", "Aucune colonne ne donne le nom des clients"),
    ],
)
def test_import_bad_files(cli, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("import", str(path), code=1)
    assert message in result.stderr and "Traceback" not in result.stderr


def test_import_missing_file(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "nouveau.db"
    monkeypatch.setenv("NEWBI_CLIENTS_DB", str(book))
    assert "introuvable" in cli("import", str(tmp_path / "nope.csv"), code=1).stderr
    assert "dossier" in cli("import", str(tmp_path), code=1).stderr
    assert not book.exists()  # a mistyped path creates no book


def _seed(cli, tmp_path: Path) -> None:
    cli("import", str(write(tmp_path, HEADER + "\n" + GOOD + "=cmd|' /C calc'!A0;;h@x.fr;;;;;\n")))


def test_export_csv_round_trips_through_import(cli, tmp_path: Path) -> None:
    _seed(cli, tmp_path)
    first = cli("export").stdout
    assert first.splitlines()[0].split(",") == list(TEMPLATE_COLUMNS)
    assert "'=cmd" in first
    exported = write(tmp_path, first, "export.csv")
    other = tmp_path / "other.db"
    cli("--db", str(other), "import", str(exported))
    assert cli("--db", str(other), "export").stdout == first


def test_export_excel_and_delimiter(cli, tmp_path: Path) -> None:
    _seed(cli, tmp_path)
    target = tmp_path / "excel.csv"
    cli("export", "--excel", "-o", str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"Type;Nom;" in data
    tabbed = cli("export", "--delimiter", "\\t").stdout
    assert tabbed.startswith("Type\tNom\t")


def test_export_formats_and_filters(cli, tmp_path: Path) -> None:
    _seed(cli, tmp_path)
    assert [
        c["name"] for c in json.loads(cli("export", "--format", "json", "--tag", "vip").stdout)
    ] == ["ACME SAS"]
    lines = cli("export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["id"] for line in lines)
    assert cli("export", "--format", "vcard").stdout.count("BEGIN:VCARD") == 3
    target = tmp_path / "clients.xlsx"
    cli("export", "-o", str(target))  # format from the extension
    sheet = openpyxl.load_workbook(target).active
    assert sheet.max_row == 4
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    cli("archive", "acme")
    assert "ACME SAS" not in cli("export").stdout
    assert "ACME SAS" in cli("export", "--all").stdout


def test_export_xlsx_to_a_terminal_needs_a_file(cli) -> None:
    # CliRunner's stdout is not a terminal: binary output is allowed there
    result = cli("export", "--format", "xlsx")
    assert result.stdout_bytes[:2] == b"PK"


def test_import_debug_shows_the_time_of_each_phase(cli, tmp_path: Path) -> None:
    lines = [f"Client {i};;c{i}@exemple.fr;1 rue;75002;Paris;;" for i in range(4500)]
    path = write(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n")
    start = time.perf_counter()
    result = cli("--debug", "import", str(path), "--yes")
    elapsed = time.perf_counter() - start
    phases = dict(re.findall(r"^  (\S.*?)\s+(\d+\.\d+) s$", result.stderr, re.MULTILINE))
    assert "Durée de chaque phase" in result.stderr
    for label in ("lecture des lignes", "validation, processus 1", "mise en table de travail",
                  "doublons (aperçu)", "insertion des clients", "index de recherche (FTS)",
                  "validation de la transaction (commit)"):  # fmt: skip
        assert label in phases, label
    main = [float(s) for label, s in phases.items() if "processus" not in label]
    assert 0 < sum(main) <= elapsed
    assert "Durée" not in cli("import", str(path), "--yes").stderr  # only with --debug


def test_a_value_under_a_merged_header_cell_is_said(cli, tmp_path: Path) -> None:
    # « Adresse » merged over two columns in Excel: the second column has no title of its own
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Adresse", None, "Code postal", "Ville"])
    sheet.merge_cells("B1:C1")
    sheet.append(["Durand", "12 rue A", "Bât 2", "75002", "Paris"])
    path = tmp_path / "fusion.xlsx"
    book.save(path)
    result = cli("import", str(path), "--yes")
    assert (
        "1 ligne(s) ont des valeurs dans la colonne C, qui n'a pas de titre, ignorées"
        " (lignes 2) : donnez-lui un titre." in result.stderr
    )
    (durand,) = cli.json("list")
    assert durand["billing_address"]["line1"] == "12 rue A"


def test_a_raison_sociale_beside_nom_and_prenom_makes_the_company(cli, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(
        "Nom;Prénom;Raison sociale;Email\nDupont;Pierre;Garage Hérault SARL;p.dupont@gh.fr\n"
        "Martin;Anne;;anne.martin@exemple.fr\n",
        encoding="utf-8",
    )
    result = cli("import", str(path), "--yes")
    assert "Colonnes en double" not in result.stderr
    garage, martin = cli.json("list")
    assert (garage["kind"], garage["name"], garage["email"]) == (
        "business", "Garage Hérault SARL", "p.dupont@gh.fr",
    )  # fmt: skip
    shown = cli.json("show", str(garage["id"]))["contacts"]
    assert [(c["first_name"], c["last_name"]) for c in shown] == [("Pierre", "Dupont")]
    assert (martin["kind"], martin["name"], martin["first_name"]) == (
        "individual",
        "Martin",
        "Anne",
    )


def test_excel_s_sep_line_names_the_separator(cli, tmp_path: Path) -> None:
    # « sep=; » on the first line: Excel reads the file with that separator, and so do we
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "sep=;\r\nNom;Prénom;Email;Notes\r\nMartin;Paul;paul@exemple.fr;a, b, c\r\n"
        "Durand;Luc;pas-un-email;\r\n".encode("cp1252")
    )
    result = cli("import", str(path), "--yes")
    assert "Séparateur indiqué par la ligne « sep= » du fichier : point-virgule." in result.stderr
    # Excel hides the « sep= » line: the rejected row is its row 3 (the header is row 1)
    assert "Ligne 3, colonne « Email »" in result.stderr
    (martin,) = cli.json("list")
    assert (martin["name"], martin["first_name"], martin["email"]) == (
        "Martin", "Paul", "paul@exemple.fr",
    )  # fmt: skip


def test_an_import_says_when_the_book_changed_since_its_preview(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newbi_clients.transfer.apply import Importer

    path = tmp_path / "clients.csv"
    path.write_text("Nom;Email\nDupont;d@exemple.fr\n", encoding="utf-8")
    assert "Le carnet a changé depuis l'aperçu" not in cli("import", str(path), "--yes").stderr
    # as if another command had written between the preview and the write
    monkeypatch.setattr(Importer, "_book_changed", lambda self: True)
    result = cli("import", str(path), "--yes")
    assert "Le carnet a changé depuis l'aperçu (une autre commande y a écrit)" in result.stderr
    assert "Doublons ignorés\t1" in result.stdout


def test_an_empty_save_map_name_is_refused(cli, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Libellé;Mél\nACME;contact@acme.fr\n", encoding="utf-8")
    result = cli("import", str(path), "--map", "Libellé=name", "--save-map", "", code=1)
    assert "--save-map attend un nom" in result.stderr
    assert cli.json("list", "--all") == []


def test_the_json_report_lists_the_notices_of_the_file(cli, tmp_path: Path) -> None:
    # a script sees what was ignored as a person does on screen (stderr)
    path = write(tmp_path, "Nom;Ville;\nDurand;Paris;Bât 2\nMartin;Lyon;\n")
    for options in (("--dry-run",), ()):
        report = json.loads(cli("import", str(path), *options, "--format", "json").stdout)
        assert report["notices"] == [
            "Séparateur détecté : point-virgule.",
            "1 ligne(s) ont des valeurs dans la colonne C, qui n'a pas de titre, ignorées"
            " (lignes 2) : donnez-lui un titre.",
        ]
