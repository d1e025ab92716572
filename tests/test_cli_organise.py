"""tag, archive, unarchive and search through Typer's runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from newbi_clients.storage import ClientStore


def seed(cli) -> dict[str, str]:
    ids = {}
    ids["dupre"] = cli("add", "--name", "Dupré", "--first-name", "Éléonore", "--city", "Lyon",
                       "--email", "eleonore@exemple.fr", "--tag", "VIP", "--no-input").stdout.strip()  # fmt: skip
    ids["dupont"] = cli("add", "--name", "Dupont", "--first-name", "Jean", "--city", "Lille",
                        "--no-input").stdout.strip()  # fmt: skip
    ids["acme"] = cli("add", "--name", "ACME SAS", "--siret", "73282932000074", "--city", "Paris",
                      "--sector", "Tech", "--no-input").stdout.strip()  # fmt: skip
    return ids


def test_tag_add_remove_and_list(cli, db_path: Path) -> None:
    ids = seed(cli)
    cli("tag", "add", "acme", "vip", "Partenaire", "Partenaire")
    cli("tag", "add", ids["dupont"], "Newsletter")
    listing = {t["tag"]: t["clients"] for t in cli.json("tag", "list")}
    assert listing == {"Newsletter": 1, "Partenaire": 1, "VIP": 2}
    with ClientStore(db_path) as store:
        assert store.get(int(ids["acme"])).tags == ["Partenaire", "VIP"]  # first spelling kept
    cli("tag", "remove", "acme", "VIP")
    assert [c["name"] for c in cli.json("search", "--tag", "vip")] == ["Dupré"]
    plain = cli("tag", "list").stdout.splitlines()
    assert plain[0].split("\t") == ["Tag", "Clients", "Archivés"]


def test_tag_with_stdin_from_search_ids(cli) -> None:
    ids = seed(cli)
    found = cli("search", "dup", "--format", "ids").stdout
    cli("tag", "add", "--stdin", "Relance", "Printemps", input=found)
    tagged = sorted(c["id"] for c in cli.json("search", "--tag", "relance", "--tag", "printemps"))
    assert tagged == sorted([int(ids["dupre"]), int(ids["dupont"])])
    cli("tag", "remove", "--stdin", "relance", input=found)
    assert cli.json("search", "--tag", "relance") == []


def test_tag_stdin_with_unknown_id_writes_nothing(cli) -> None:
    ids = seed(cli)
    result = cli("tag", "add", "--stdin", "X", input=f"{ids['acme']}\n9999\n", code=1)
    assert "Ligne 2" in result.stderr and "9999" in result.stderr
    assert cli.json("tag", "list") == [{"tag": "VIP", "clients": 1, "archived": 0}]


def test_tag_errors(cli) -> None:
    seed(cli)
    assert "au moins un tag" in cli("tag", "add", "acme", code=1).stderr
    assert "Tag introuvable" in cli("tag", "rename", "nope", "x", code=1).stderr


def test_tag_rename_merges_into_existing(cli) -> None:
    ids = seed(cli)
    cli("tag", "add", "acme", "Clients VIP")
    cli("tag", "add", ids["dupre"], "Clients VIP")  # already has VIP too
    cli("tag", "rename", "vip", "clients vip")
    assert cli.json("tag", "list") == [{"tag": "Clients VIP", "clients": 2, "archived": 0}]
    cli("tag", "rename", "clients vip", "CLIENTS VIP")  # same tag, new spelling
    assert cli.json("tag", "list")[0]["tag"] == "CLIENTS VIP"


def test_archive_and_unarchive(cli, db_path: Path) -> None:
    ids = seed(cli)
    result = cli("archive", "acme", ids["dupont"])
    assert "archivé" in result.stderr
    assert [c["name"] for c in cli.json("list")] == ["Dupré"]
    assert cli.json("search", "acme") == []
    assert {c["name"] for c in cli.json("list", "--archived")} == {"ACME SAS", "Dupont"}
    assert len(cli.json("list", "--all")) == 3
    assert cli.json("show", "acme")["archived_at"] is not None  # still reachable
    assert "déjà archivé" in cli("archive", "acme").stderr
    cli("unarchive", "acme")
    assert len(cli.json("list")) == 2
    with ClientStore(db_path) as store:
        actions = [e["action"] for e in store.audit_log(int(ids["acme"]))]
    assert actions == ["create", "archive", "unarchive"]


def test_search_formats_and_filters(cli) -> None:
    seed(cli)
    assert [c["name"] for c in cli.json("search", "ELEONORE")] == ["Dupré"]
    assert [c["name"] for c in cli.json("search", "732 829 320")] == ["ACME SAS"]
    assert [c["name"] for c in cli.json("search", "--sector", "tech")] == ["ACME SAS"]
    lines = cli("search", "dup", "--format", "jsonl").stdout.splitlines()
    assert sorted(json.loads(line)["name"] for line in lines) == ["Dupont", "Dupré"]
    rows = list(csv.DictReader(io.StringIO(cli("search", "lyon", "--format", "csv").stdout)))
    assert [r["Prénom"] for r in rows] == ["Éléonore"]
    table = cli("search", "dup").stdout
    assert "Éléonore Dupré" in table and "Jean Dupont" in table
    assert [c["name"] for c in cli.json("search", "dup", "--sort", "name", "--desc")] == [
        "Dupré",
        "Dupont",
    ]


def test_search_without_match_is_empty_not_an_error(cli) -> None:
    seed(cli)
    assert cli("search", "zzz").stdout == ""
    assert cli.json("search", "zzz") == []
    assert "Aucun client" in cli("search", "zzz").stderr


def test_search_bad_filter_is_refused(cli) -> None:
    seed(cli)
    assert "Zone invalide" in cli("search", "--zone", "Mars", code=1).stderr


def test_pick_refuses_without_terminal(cli) -> None:
    result = cli("pick", code=1)
    assert "terminal" in result.stderr
    assert result.stdout == ""
