"""delete, forget, privacy export, backup, restore, unmerge refusals and file modes (CLI)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from newbi_clients.storage import ClientStore

DATA = Path(__file__).parent / "data"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def add(cli, *args: str) -> str:
    return str(cli("add", "--no-input", *args).stdout.strip())


def invoice(cli, client: str, number: str, type_: str = "invoice", status: str = "sent") -> None:
    cli("history", "add", client, "--type", type_, "--number", number, "--date", "2025-01-10",
        "--amount-ht", "100", "--vat-rate", "20", "--status", status)  # fmt: skip


def test_delete_asks_for_yes_and_refuses_invoices(cli, db_path: Path) -> None:
    billed = add(cli, "--name", "Facturé SARL", "--kind", "professionnel")
    invoice(cli, billed, "F-1")
    prospect = add(cli, "--name", "Prospect", "--email", "p@exemple.fr")
    invoice(cli, prospect, "D-1", "quote")
    result = cli("delete", billed, code=1)
    assert (
        "L123-22" in result.stderr
        and "10 ans" in result.stderr
        and f"forget {billed}" in result.stderr
    )
    result = cli("delete", prospect, code=1)  # no terminal, no --yes
    assert "--yes" in result.stderr
    result = cli("delete", prospect, billed, "--yes", code=1)
    with ClientStore(db_path) as store:
        assert store.resolve("p@exemple.fr").name == "Prospect"
    result = cli("delete", "p@exemple.fr", "--yes")
    assert "1 client(s) supprimé(s)" in result.stderr
    cli("show", prospect, code=1)


def test_delete_refuses_a_merged_record_and_takes_them_with_the_keeper(cli) -> None:
    keep = add(cli, "--name", "Durand", "--email", "durand@exemple.fr")
    other = add(cli, "--name", "Durand", "--email", "j.durand@exemple.fr")
    cli("merge", keep, other, "--yes")
    result = cli("delete", other, "--yes", code=1)
    assert f"fusionné dans #{keep}" in result.stderr and f"unmerge {other}" in result.stderr
    result = cli("delete", keep, "--yes")
    assert "1 fiche(s) fusionnée(s)" in result.stderr
    cli("show", other, code=1)


def test_forget_and_privacy_export(cli, db_path: Path, tmp_path: Path) -> None:
    person = add(cli, "--name", "Zébulon", "--first-name", "Hortense", "--email",
                 "hortense@exemple.fr", "--note", "secret de famille")  # fmt: skip
    invoice(cli, person, "F-7")
    target = tmp_path / "rgpd"
    target.mkdir()
    out = target / "zebulon.json"
    result = cli("privacy", "export", "hortense@exemple.fr", "-o", str(out))
    assert str(out) in result.stderr and mode(out) == 0o600
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["client"]["first_name"] == "Hortense"
    assert data["documents"][0]["number"] == "F-7"
    assert [e["action"] for e in data["audit"]][:1] == ["create"]
    assert json.loads(cli("privacy", "export", person).stdout)["client"]["id"] == int(person)
    assert "--yes" in cli("forget", person, code=1).stderr
    result = cli("forget", person, "--yes")
    assert "1 document(s) conservé(s)" in result.stderr
    fiche = cli.json("show", person)
    assert fiche["name"] == f"Anonyme #{person}" and fiche["email"] is None
    assert fiche["notes"] == [] and fiche["archived_at"] is not None
    history = cli.json("history", "list", person)
    assert [d["number"] for d in history] == ["F-7"]
    log = cli("log", person).stdout
    assert "anonymisation" in log and "secret" not in log and "Hortense" not in log
    assert cli("search", "hortense").stdout.strip() == ""


def test_forget_warns_about_copies_beside_the_book(cli, db_path: Path) -> None:
    shutil.copyfile(DATA / "schema-v1.db", db_path)
    result = cli("forget", "eleonore.dupont@exemple.fr", "--yes")
    assert "copie de la version précédente" in result.stderr
    assert "contiennent encore les données effacées" in result.stderr


def test_backup_and_restore(cli, db_path: Path, tmp_path: Path) -> None:
    add(cli, "--name", "Gardé")
    target = tmp_path / "sauvegardes" / "copie.db"
    result = cli("backup", str(target))
    assert "1 fiche(s)" in result.stderr
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert "existe déjà" in cli("backup", str(target), code=1).stderr
    cli("backup", str(target), "--force")
    add(cli, "--name", "Après")
    assert "--yes" in cli("restore", str(target), code=1).stderr
    result = cli("restore", str(target), "--yes")
    assert "L'ancienne base est gardée dans" in result.stderr
    assert [c["name"] for c in cli.json("list")] == ["Gardé"]
    aside = next(db_path.parent.glob("clients.db.avant-restauration-*"))
    assert mode(aside) == 0o600
    result = cli("restore", str(DATA / "utf8-bom.csv"), "--yes", code=1)
    assert "pas une base newbi-clients" in result.stderr


def test_restore_an_older_schema_says_where_the_copy_is(cli, db_path: Path) -> None:
    result = cli("restore", str(DATA / "schema-v2.db"), "--yes")
    assert "Base mise à jour" in result.stderr and "avant-migration-schema-2" in result.stderr
    assert {c["name"] for c in cli.json("list")} == {"Dupont", "ACME SAS"}


def test_unmerge_refuses_a_duplicate_taken_meanwhile(cli) -> None:
    keep = add(cli, "--name", "ACME SAS", "--email", "contact@acme.fr")
    other = add(cli, "--name", "ACME", "--email", "compta@acme.fr")
    cli("merge", keep, other, "--yes")
    newcomer = add(cli, "--name", "Nouveau", "--email", "compta@acme.fr")
    result = cli("unmerge", other, code=1)
    assert f"#{newcomer} (Nouveau)" in result.stderr and "compta@acme.fr" in result.stderr
    assert "--allow-duplicate" in result.stderr
    assert cli.json("show", other)["id"] == int(keep)  # still merged
    cli("unmerge", other, "--allow-duplicate")
    assert cli.json("show", other)["email"] == "compta@acme.fr"


# --- files ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".vcf"])
def test_exports_are_private_and_replace_the_file(cli, tmp_path: Path, suffix: str) -> None:
    add(cli, "--name", "Dupont")
    out = tmp_path / f"export{suffix}"
    out.write_text("ancien")
    os.chmod(out, 0o644)
    cli("export", "-o", str(out))
    assert mode(out) == 0o600 and out.read_bytes() != b"ancien"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_interrupted_export_keeps_the_previous_file(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newbi_clients.transfer import export as exporting

    for i in range(3):
        add(cli, "--name", f"Client {i}")
    out = tmp_path / "export.csv"
    cli("export", "-o", str(out))
    previous = out.read_bytes()
    real = exporting.write_csv

    def interrupted(rows, target, *args, **kwargs):  # type: ignore[no-untyped-def]
        real(list(rows)[:1], target, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(exporting, "write_csv", interrupted)
    cli("export", "-o", str(out), code=130)
    assert out.read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_errors_file_is_private_and_formula_escaped(cli, tmp_path: Path) -> None:
    source = tmp_path / "clients.csv"
    source.write_text(
        "Nom;Email;Adresse;Notes\n"
        "Bon;bon@exemple.fr;1 rue;\n"
        '"=HYPERLINK(""http://x"",""y"")";pas-un-email;@SUM(1);-2+3\n',
        encoding="utf-8",
    )
    errors = tmp_path / "rejets.csv"
    cli("import", str(source), "-d", ";", "--errors", str(errors))
    assert mode(errors) == 0o600
    rows = list(csv.reader(errors.open(encoding="utf-8", newline=""), delimiter=";"))
    assert rows[1][:4] == ['\'=HYPERLINK("http://x","y")', "pas-un-email", "'@SUM(1)", "'-2+3"]
    # fixed and imported again, the values come back as typed
    rows[1][1] = "fixe@exemple.fr"
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(row[:4] for row in rows)
    cli("import", str(source), "-d", ";")
    fiche = cli.json("show", "fixe@exemple.fr")
    assert fiche["name"] == '=HYPERLINK("http://x","y")'
    assert fiche["billing_address"]["line1"] == "@SUM(1)"
    assert fiche["notes"][0]["text"] == "-2+3"


def test_xlsx_refuses_a_value_longer_than_a_cell_instead_of_cutting_it(
    cli, db_path: Path, tmp_path: Path
) -> None:
    # a note is at most 10,000 characters, but a client's notes share one cell
    long_notes = [f"Compte rendu {i}. " + "x" * 9000 for i in range(4)]  # 36,000+ in all
    cli("add", "--no-input", "--name", "Bavard", "--first-name", "Jean", "--tag", "long")
    for text in long_notes:
        cli("note", "Bavard", text)
    cli("add", "--no-input", "--name", "Bref")
    for i in range(3):  # about 27,000 characters: within the limit
        cli("note", "Bref", f"Note {i} " + "y" * 9000)
    out = tmp_path / "clients.xlsx"
    out.write_bytes(b"previous")
    result = cli("export", "-o", str(out), code=1)
    assert "« Notes » du client « Jean Bavard »" in result.stderr
    assert "32767" in result.stderr and "CSV" in result.stderr
    assert out.read_bytes() == b"previous"
    # JSON holds them whole; an XLSX without that client holds the long cell whole
    exported = json.loads(cli("export", "--format", "json").stdout)
    assert [n["text"] for n in exported[0]["notes"]] == long_notes
    cli("export", "-o", str(out), "--tag", "long", code=1)
    cli("archive", "Bavard")
    cli("export", "-o", str(out))
    from openpyxl import load_workbook

    sheet = load_workbook(out, read_only=True).active
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    notes = next(sheet.iter_rows(min_row=2, values_only=True))[header.index("Notes")]
    assert notes.count("y" * 9000) == 3 and len(notes) > 27_000


def test_no_command_writes_over_the_book(cli, db_path: Path, tmp_path: Path) -> None:
    add(cli, "--name", "Précieux")
    source = tmp_path / "rejets.csv"
    source.write_text("Nom;Email;Adresse\n;x@exemple.fr;1 rue\nBon;b@exemple.fr;2 rue\n")
    for args in (
        ("backup", str(db_path), "--force"),
        ("backup", f"{db_path}-wal", "--force"),
        ("export", "--format", "csv", "-o", str(db_path)),
        ("privacy", "export", "Précieux", "-o", str(db_path)),
        ("import", str(source), "--errors", f"{db_path}-shm"),
    ):
        assert "la base elle-même" in cli(*args, code=1).stderr, args
    with ClientStore(db_path) as store:
        assert store.resolve("Précieux").name == "Précieux"
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 1


def test_contacts_fields_and_reminders_are_exported_erased_and_deleted(cli, db_path: Path) -> None:
    client = add(cli, "--name", "Atelier Zébulon", "--kind", "professionnel",
                 "--email", "atelier@zebulon.fr")  # fmt: skip
    cli("contact", "add", client, "--first-name", "Hortense", "--last-name", "Zébulon",
        "--email", "hortense@zebulon.fr", "--no-input")  # fmt: skip
    cli("field", "define", "Anniversaire", "--type", "date")
    cli("edit", client, "--field", "Anniversaire=14/07/1980", "--no-input")
    cli("remind", client, "--on", "15/12/2026", "Souhaiter l'anniversaire d'Hortense")
    data = json.loads(cli("privacy", "export", client).stdout)
    assert data["contacts"][0]["email"] == "hortense@zebulon.fr"
    assert data["field_values"][0]["field"] == "Anniversaire"
    assert data["field_values"][0]["value"] == "1980-07-14"
    assert "Hortense" in data["reminders"][0]["text"]
    other = add(cli, "--name", "Voisin", "--kind", "professionnel")
    cli("remind", other, "--on", "15/12/2026", "Rappeler")
    cli("forget", client, "--yes")
    with ClientStore(db_path) as store:
        for table in ("contacts", "field_values", "reminders"):
            assert (
                store.execute(
                    f"SELECT count(*) FROM {table} WHERE client_id = ?", [int(client)]
                ).fetchone()[0]
                == 0
            )
        dump = "\n".join(store.conn.iterdump())
    assert "hortense" not in dump.casefold() and "1980-07-14" not in dump
    cli("delete", other, "--yes")  # its reminder goes with it
    assert cli("reminders", "--format", "json").stdout.strip() in ("[]", "")


def test_a_migration_is_announced_before_it_starts(cli, db_path: Path) -> None:
    shutil.copyfile(DATA / "schema-v6.db", db_path)
    result = cli("list")
    announced = result.stderr.index("Mise à jour de la base du schéma 6 au schéma")
    assert announced < result.stderr.index("Base mise à jour") < len(result.stderr)
    assert "Dupont" in result.stdout
    assert "Mise à jour" not in cli("list").stderr  # once
