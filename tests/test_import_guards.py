"""Imports: notes never copied twice by merges, an import of rejected rows only fails,
digits of French identifiers are 0-9 only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newbi_clients import validation as v
from newbi_clients.errors import ValidationFailed
from newbi_clients.storage import ClientStore


def test_importing_the_same_file_twice_with_merge_keeps_one_copy_of_each_note(
    cli, db_path: Path, tmp_path: Path
) -> None:
    cli("add", "--no-input", "--name", "Dupont", "--email", "jean@exemple.fr", "--phone",
        "0612345678", "--note", "note d'origine")  # fmt: skip
    source = tmp_path / "clients.csv"
    source.write_text(
        "Nom;Email;Adresse;Téléphone;Notes\n"
        "Dupont;jean@exemple.fr;1 rue des Lilas;0699999999;client fidèle\n",
        encoding="utf-8",
    )
    for _ in range(3):
        cli("import", str(source), "--on-duplicate", "merge", "--yes")
    with ClientStore(db_path) as store:
        texts = [n.text for n in store.resolve("jean@exemple.fr").notes]
    assert texts.count("client fidèle") == 1 and texts.count("note d'origine") == 1
    conflicts = [t for t in texts if "0699999999" in t or "+33699999999" in t or "06 99" in t]
    assert len(conflicts) == 1, texts  # the phone that lost, kept once


def test_an_import_whose_every_row_is_rejected_exits_1(cli, db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "rejets.csv"
    source.write_text(
        "Nom;Email;Adresse\n;sans-nom@exemple.fr;1 rue\nMartin;pas-un-email;2 rue\n",
        encoding="utf-8",
    )
    result = cli("import", str(source), "--yes", code=1)
    assert "Aucune ligne importable" in result.stderr and "rien n'a été écrit" in result.stderr
    report = json.loads(cli("import", str(source), "--format", "json", code=1).stdout)
    assert report["rejected"] == 2 and report["created"] == 0
    with ClientStore(db_path) as store:
        assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    # one good row is enough for the import to succeed
    with source.open("a", encoding="utf-8") as fh:
        fh.write("Durand;durand@exemple.fr;3 rue\n")
    assert json.loads(cli("import", str(source), "--format", "json").stdout)["created"] == 1


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic"])
@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (v.normalize_postal_code, "75002", "Code postal invalide"),
        (v.normalize_siret, "73282932000074", "SIRET invalide"),
        (v.normalize_siren, "732829320", "SIREN invalide"),
        (v.normalize_phone, "0612345678", "Téléphone invalide"),
    ],
    ids=["postal_code", "siret", "siren", "phone"],
)
def test_only_ascii_digits(check, value: str, message: str, digits: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
    assert check(value)  # the ASCII spelling is valid
    with pytest.raises(ValidationFailed, match=message):
        check(value.translate(digits))


def test_foreign_digits_are_refused_by_add_and_import(cli, tmp_path: Path) -> None:
    result = cli("add", "--no-input", "--name", "X", "--postal-code", "７５００２", code=1)
    assert "Code postal invalide" in result.stderr
    source = tmp_path / "c.csv"
    source.write_text(
        "Nom;Email;Adresse;Code postal\nA;a@exemple.fr;1 rue;٧٥٠٠٢\nB;b@exemple.fr;2 rue;75002\n",
        encoding="utf-8",
    )
    report = json.loads(cli("import", str(source), "--format", "json").stdout)
    assert report["created"] == 1 and report["errors"][0]["row"] == 2
    assert "Code postal invalide" in report["errors"][0]["message"]
