"""What people read: the dry run's words, one date format in the fiche, phones as shown."""

from __future__ import annotations

import re
from pathlib import Path


def test_import_dry_run_says_what_it_would_do(cli, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("Nom;Email;Adresse\nA;a@x.fr;1 rue\nB;b@x.fr;2 rue\n", encoding="utf-8")
    text = cli("import", str(path), "--dry-run").stdout
    assert "À créer\t2" in text and "Créés" not in text
    done = cli("import", str(path), "--yes").stdout
    assert "Créés\t2" in done


def test_the_fiche_has_one_date_format(cli) -> None:
    client = cli("add", "--name", "ACME", "--no-input").stdout.strip()
    cli("history", "add", client, "--number", "F1", "--date", "2026-01-15", "--amount-ht",
        "100", "--vat-rate", "20")  # fmt: skip
    cli("history", "pay", client, "F1", "--amount", "60", "--date", "2026-02-01")
    cli("note", client, "Relancé")
    fiche = cli("show", client).stdout
    assert "15/01/2026" in fiche and "01/02/2026" in fiche
    assert not re.search(r"\d{4}-\d{2}-\d{2}", fiche), fiche
    listed = cli("history", "list", client).stdout
    assert "15/01/2026" in listed and "14/02/2026" in listed  # due date: 30 days
    assert cli.json("history", "list", client)[0]["date"] == "2026-01-15"  # JSON stays ISO


def test_phones_in_notes_are_shown_as_on_the_fiche(cli) -> None:
    keep = cli("add", "--name", "A", "--phone", "0612345678", "--no-input").stdout.strip()
    other = cli("add", "--name", "A", "--phone", "+49 30 1234567", "--no-input").stdout.strip()
    cli("merge", keep, other, "--yes")
    fiche = cli("show", keep).stdout
    assert "06 12 34 56 78" in fiche and "+49 30 1234567" in fiche
    assert "+4930" not in fiche and "+336" not in fiche
