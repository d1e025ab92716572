"""Conventions of a well-made CLI: several words, flag pairs, sort directions, edit's tags,
where a new book may be created, import from stdin, ids without « # »."""

from __future__ import annotations

from pathlib import Path

from newbi_clients.storage import ClientStore


def _add(cli, *flags: str) -> str:
    return str(cli("add", *flags, "--no-input").stdout.strip())


def test_search_takes_several_words_without_quotes(cli) -> None:
    jean = _add(cli, "--name", "Dupont", "--first-name", "Jean", "--city", "Lyon", "--tag", "VIP")
    _add(cli, "--name", "Dupont", "--first-name", "Marie", "--city", "Paris", "--tag", "VIP")
    assert cli("search", "jean", "dupont", "--format", "ids").stdout.split() == [jean]
    found = cli("search", "dup", "city:lyon", "--tag", "VIP", "--format", "ids").stdout.split()
    assert found == [jean]


def test_end_of_month_is_a_flag_pair(cli) -> None:
    client = _add(cli, "--name", "Durand", "--end-of-month")
    assert cli.json("show", client)["end_of_month"] is True
    # the flag takes no value: --terms-days is not eaten
    cli("edit", client, "--no-end-of-month", "--terms-days", "45")
    data = cli.json("show", client)
    assert data["end_of_month"] is False and data["terms_days"] == 45
    cli("edit", client, "--end-of-month", "--terms-days", "30")
    data = cli.json("show", client)
    assert data["end_of_month"] is True and data["terms_days"] == 30


def test_edit_tag_adds_untag_removes_set_tags_replaces(cli) -> None:
    client = _add(cli, "--name", "Durand", "--tag", "VIP", "--tag", "Salon")
    cli("edit", client, "--tag", "Export")
    assert cli.json("show", client)["tags"] == ["Export", "Salon", "VIP"]
    cli("edit", client, "--untag", "salon", "--tag", "Relance")
    assert cli.json("show", client)["tags"] == ["Export", "Relance", "VIP"]
    cli("edit", client, "--set-tags", "A, B")
    assert cli.json("show", client)["tags"] == ["A", "B"]
    cli("edit", client, "--set-tags", "")
    assert cli.json("show", client)["tags"] == []


def test_edit_help_is_not_copied_from_add(cli) -> None:
    text = " ".join(cli("edit", "--help").stdout.split())
    assert "(obligatoire)" not in text and "Défaut : FR" not in text
    assert "--untag" in text and "--set-tags" in text
    assert "--end-of-month / --no-end-of-month" in text


def test_ids_are_written_without_hash_in_help(cli) -> None:
    for command in ("show", "edit", "note"):
        assert "#" not in cli(command, "--help").stdout


def test_reading_a_missing_book_creates_nothing(cli, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    for command in (["list"], ["show", "1"], ["stats"], ["search", "x"], ["duplicates"]):
        result = cli("--db", str(missing), *command, code=1)
        assert "Carnet introuvable" in result.stderr and str(missing) in result.stderr
    assert not missing.exists()


def test_missing_folder_is_refused_even_for_a_write(cli, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "pas-de-dossier" / "clients.db"
    result = cli("--db", str(target), "add", "--name", "X", "--no-input", code=1)
    assert "n'existe pas" in result.stderr
    monkeypatch.setenv("NEWBI_CLIENTS_DB", str(target))
    cli("list", code=1)
    assert not target.parent.exists()


def test_a_write_creates_a_new_book_and_says_so(cli, tmp_path: Path) -> None:
    new = tmp_path / "nouveau.db"
    result = cli("--db", str(new), "add", "--name", "Premier", "--no-input")
    assert f"Nouveau carnet créé : {new}" in result.stderr
    assert result.stdout.strip() == "1"
    again = cli("--db", str(new), "add", "--name", "Second", "--no-input")
    assert "Nouveau carnet" not in again.stderr
    assert new.stat().st_mode & 0o777 == 0o600


def test_dry_run_on_a_missing_book_creates_nothing(cli, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Nom;Email;Adresse\nA;a@x.fr;1 rue\n", encoding="utf-8")
    missing = tmp_path / "absent.db"
    report = cli("--db", str(missing), "import", str(path), "--dry-run", "--format", "json")
    assert '"created": 1' in report.stdout
    assert not missing.exists()


def test_import_dash_reads_csv_from_stdin(cli, db_path: Path) -> None:
    data = "Nom;Email;Adresse\nDupont;jean@exemple.fr;1 rue de la Paix\nMartin;;2 rue\n"
    result = cli("import", "-", "--yes", "--format", "json", input=data)
    assert '"created": 2' in result.stdout
    with ClientStore(db_path) as store:
        assert store.resolve("jean@exemple.fr").name == "Dupont"


def test_quick_start_runs_on_the_default_book_and_says_how_to_keep_it_apart() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Quick start")
    quick = readme[start : readme.index("\n## ", start + 1)]
    commands = [line for line in quick.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2  # install and run the main job; install and run the tests
    assert "newbi-clients import" in commands[0] and "--db" not in commands[0]
    assert "--db demo.db" in quick and "rm demo.db" in quick  # a demonstration book apart
