"""What ``import`` is given: a pipe by its path, XLSX or vCard bytes on the standard
input, a format it does not read, an --errors file that is the input itself."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from newbi_clients.cli import app

DATA = Path(__file__).parent / "data"
CSV = "Nom;Prénom;Email\nMartin;Paul;paul@exemple.fr\nDurand;Léa;pas-un-email\n"


def test_errors_naming_the_input_file_is_refused_before_anything(cli, tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(CSV, encoding="utf-8")
    for given in (str(path), str(tmp_path / "." / "clients.csv")):
        for extra in ((), ("--dry-run",)):
            result = cli("import", str(path), "--errors", given, "--yes", *extra, code=1)
            assert "est le fichier importé" in result.stderr
    assert path.read_text(encoding="utf-8") == CSV  # left whole
    assert cli.json("list", "--all") == []


def test_a_pipe_given_by_its_path_is_read_like_the_standard_input(cli, tmp_path: Path) -> None:
    # « import <(iconv … clients.csv) » gives a path such as /dev/fd/63: a pipe
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as out:
            out.write(CSV)

    writer = threading.Thread(target=write)
    writer.start()
    report = cli.json("import", str(fifo), "--yes")
    writer.join(timeout=10)
    assert (report["created"], report["rejected"]) == (1, 1)
    assert [c["email"] for c in cli.json("list")] == ["paul@exemple.fr"]


def test_xlsx_and_vcard_bytes_on_the_standard_input(cli) -> None:
    workbook = (DATA / "libreoffice.xlsx").read_bytes()
    result = cli.runner.invoke(app, ["import", "-", "--yes", "--format", "json"], input=workbook)
    assert result.exit_code == 0, result.stderr
    assert "Feuille lue" in result.stderr  # read as a workbook, not as a binary CSV
    card = (DATA / "migration" / "contacts.vcf").read_bytes()
    result = cli.runner.invoke(app, ["import", "-", "--yes"], input=card)
    assert result.exit_code == 0, result.stderr
    assert "Format reconnu : vCard" in result.stderr


def test_an_unread_format_is_refused_before_a_book_is_created(
    cli, tmp_path: Path, monkeypatch
) -> None:
    book = tmp_path / "nouveau.db"
    monkeypatch.setenv("NEWBI_CLIENTS_DB", str(book))
    sheet = tmp_path / "clients.ods"
    sheet.write_bytes(b"PK\x03\x04 not really")
    result = cli("import", str(sheet), code=1)
    assert "Format .ods non pris en charge" in result.stderr
    assert "Nouveau carnet" not in result.stderr and not book.exists()
