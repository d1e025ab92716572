"""contact, field, block/unblock, remind/reminders through the CLI (CliRunner)."""

from __future__ import annotations

import json

from newbi_clients.storage import ClientStore, resolve_db_path


def _acme(cli) -> str:
    return cli(
        "add", "--kind", "professionnel", "--name", "ACME SAS", "--email", "contact@acme.fr",
        "--siret", "73282932000074", "--no-input",
    ).stdout.strip()  # fmt: skip


def test_contact_add_edit_remove_list(cli) -> None:
    acme = _acme(cli)
    first = cli(
        "contact", "add", "acme", "--first-name", "Claire", "--last-name", "Martin",
        "--position", "Acheteuse", "--email", "claire.martin@acme.fr", "--phone", "06 12 34 56 78",
    )  # fmt: skip
    assert first.stdout.strip().isdigit()
    assert "(contact principal)" in first.stderr
    cli("contact", "add", acme, "--first-name", "Paul", "--email", "paul@acme.fr", "--primary")
    listed = cli.json("contact", "list", acme)
    assert [(c["first_name"], c["primary"]) for c in listed] == [("Paul", True), ("Claire", False)]
    assert listed[1]["phone"] == "+33612345678"
    cli(
        "contact", "edit", acme, "claire", "--department", "Achats", "--primary", "--unset", "phone"
    )
    shown = cli.json("show", "claire.martin@acme.fr")  # a contact's email finds its client
    assert shown["id"] == int(acme)
    assert shown["contacts"][0] | {"id": 0} == {
        "id": 0, "first_name": "Claire", "last_name": "Martin", "position": "Acheteuse",
        "department": "Achats", "email": "claire.martin@acme.fr", "phone": None, "primary": True,
    }  # fmt: skip
    fiche = cli("show", acme).stdout
    assert "[Contacts]" in fiche and "Claire Martin (principal)" in fiche
    cli("contact", "remove", acme, "claire.martin@acme.fr")
    assert [c["first_name"] for c in cli.json("contact", "list", acme)] == ["Paul"]
    table = cli("contact", "list", acme).stdout.splitlines()
    assert table[0].startswith("N°\tPrénom\tNom") and table[1].endswith("\toui")
    with ClientStore(resolve_db_path()) as store:
        actions = [e["action"] for e in store.audit_log(int(acme))]
    assert actions.count("contact_add") == 2 and "contact_remove" in actions


def test_contact_errors(cli) -> None:
    acme = _acme(cli)
    err = cli("contact", "add", acme, "--email", "pas-un-email", code=1).stderr
    assert "Email invalide" in err
    assert "Contact vide" in cli("contact", "add", acme, "--position", "X", code=1).stderr
    assert "ne désigne aucun contact" in cli("contact", "remove", acme, "zoé", code=1).stderr
    cli("contact", "add", acme, "--first-name", "Claire", "--last-name", "Martin",
        "--email", "claire@acme.fr")  # fmt: skip
    assert "Rien à modifier" in cli("contact", "edit", acme, "claire", code=1).stderr
    other = cli("add", "--name", "Beta", "--no-input").stdout.strip()
    err = cli("contact", "add", other, "--email", "CLAIRE@acme.fr", code=1).stderr
    assert "est déjà utilisé par le contact Claire Martin de #1 (ACME SAS)" in err
    cli("contact", "add", other, "--email", "claire@acme.fr", "--allow-duplicate")
    err = cli("add", "--name", "Martin", "--email", "claire@acme.fr", "--no-input", code=1).stderr
    assert "Client déjà existant : l'email claire@acme.fr est déjà utilisé par le contact" in err
    assert (
        "Champ inconnu pour --unset"
        in cli("contact", "edit", acme, "claire", "--unset", "siret", code=1).stderr
    )


def test_search_and_duplicates_see_contacts(cli) -> None:
    acme = _acme(cli)
    cli("add", "--name", "Beta", "--phone", "06 12 34 56 78", "--no-input")
    cli("contact", "add", acme, "--first-name", "Éléonore", "--last-name", "Dupré",
        "--phone", "0612345678")  # fmt: skip
    assert cli("search", "eleonore", "--format", "ids").stdout.split() == [acme]
    assert cli("search", "contact:dupre", "--format", "ids").stdout.split() == [acme]
    assert sorted(cli("search", "06 12 34 56 78", "--format", "ids").stdout.split()) == [acme, "2"]
    groups = cli.json("duplicates")
    assert [(g["reason"], sorted(c["id"] for c in g["clients"])) for g in groups] == [
        ("phone", [1, 2])
    ]


def test_custom_fields(cli) -> None:
    cli("field", "define", "Origine", "--type", "choice", "--choices", "Salon,Site")
    cli("field", "define", "Capital", "--type", "number")
    cli("field", "define", "Client depuis", "--type", "date")
    assert "existe déjà" in cli("field", "define", "origine", code=1).stderr
    acme = cli("add", "--name", "ACME", "--field", "origine=salon", "--field",
               "Client depuis=15/03/2024", "--no-input").stdout.strip()  # fmt: skip
    cli("add", "--name", "Beta", "--field", "Origine=Site", "--no-input")
    data = cli.json("edit", acme, "--field", "Capital=12 500,50", "--field", "Client depuis=")
    assert data["fields"] == {"Capital": "12500.5", "Origine": "Salon"}
    assert "[Champs personnalisés]" in cli("show", acme).stdout
    assert cli("list", "--field", "origine=SALON", "--format", "ids").stdout.split() == [acme]
    assert cli("search", "a", "--field", "Capital=12500.50", "--format", "ids").stdout.split() == [
        acme
    ]
    err = cli("edit", acme, "--field", "Capital=beaucoup", code=1).stderr
    assert "Champ « Capital » invalide : « beaucoup »" in err
    assert "Champ personnalisé inconnu" in cli("edit", acme, "--field", "Taille=3", code=1).stderr
    assert (
        "choix possibles : Salon, Site"
        in cli("add", "--name", "X", "--field", "Origine=Radio", "--no-input", code=1).stderr
    )
    listed = cli.json("field", "list")
    assert [(f["name"], f["type"], f["clients"]) for f in listed] == [
        ("Capital", "number", 1),
        ("Client depuis", "date", 0),
        ("Origine", "choice", 2),
    ]
    cli("field", "remove", "Origine", "--yes")
    assert cli.json("show", acme)["fields"] == {"Capital": "12500.5"}
    # a CSV listing of clients is unchanged by custom fields: the template's columns
    assert cli("list", "--format", "csv").stdout.splitlines()[0].startswith("Type,Nom,Prénom")


def test_block_unblock_and_invoices(cli) -> None:
    acme = _acme(cli)
    cli("add", "--name", "Beta", "--no-input")
    assert "Motif obligatoire" in cli("block", acme, "--reason", " ", code=1).stderr
    cli("block", acme, "--reason", "Impayés répétés")
    data = cli.json("show", acme)
    assert data["blocked"]["reason"] == "Impayés répétés" and data["blocked"]["at"]
    assert cli("list", "--blocked", "--format", "ids").stdout.split() == [acme]
    assert "ACME SAS [BLOQUÉ]" in cli("list").stdout
    assert "[CLIENT BLOQUÉ : ne pas facturer]" in cli("show", acme).stdout
    args = ("history", "add", acme, "--number", "F-1", "--date", "2026-01-15",
            "--amount-ht", "100", "--vat-rate", "20")  # fmt: skip
    err = cli(*args, code=1).stderr
    assert "est bloqué depuis le" in err and "Impayés répétés" in err and "--force" in err
    assert "Devis refusé" in cli(*args[:-4], "--type", "quote", "--amount-ht", "1",
                                 "--vat-rate", "20", code=1).stderr  # fmt: skip
    cli("history", "add", acme, "--type", "credit_note", "--number", "A-1", "--date",
        "2026-01-15", "--amount-ht", "10", "--vat-rate", "20")  # fmt: skip
    cli(*args, "--force")
    cli("unblock", acme)
    assert cli.json("show", acme)["blocked"] is None
    assert "n'est pas bloqué" in cli("unblock", acme, code=1).stderr
    assert cli.json("show", "2")["blocked"] is None


def test_remind_and_reminders(cli) -> None:
    acme = _acme(cli)
    cli("history", "add", acme, "--number", "F-1", "--date", "2020-01-15", "--amount-ht", "100",
        "--vat-rate", "20")  # fmt: skip
    first = cli("remind", acme, "--on", "10/01/2021", "Relancer la facture F-1").stdout.strip()
    cli("remind", acme, "--on", "2999-01-01", "Faire le point")
    assert "Date invalide" in cli("remind", acme, "--on", "demain", "x", code=1).stderr
    due = cli.json("reminders", "--due")
    assert [(r["id"], r["text"], r["outstanding"], r["overdue"]) for r in due] == [
        (int(first), "Relancer la facture F-1", "120.00", "120.00")
    ]
    assert len(cli.json("reminders")) == 2
    table = cli("reminders", "--due").stdout.splitlines()
    assert table[0] == "N°\tDate\tClient\tRelance\tEncours\tEn retard"
    assert table[1].endswith("120,00 EUR\t120,00 EUR")
    cli("reminders", "--done", first)
    assert cli.json("reminders", "--due") == []
    assert "Aucune relance à faire" in cli("reminders", "--due").stderr
    assert "Aucune relance en attente" in cli("reminders", "--done", "99", code=1).stderr


def test_json_lists_carry_the_new_keys(cli) -> None:
    acme = _acme(cli)
    cli("contact", "add", acme, "--first-name", "Claire")
    line = json.loads(cli("list", "--format", "jsonl").stdout.splitlines()[0])
    assert line["contacts"][0]["first_name"] == "Claire"
    assert (line["fields"], line["blocked"]) == ({}, None)


def test_merge_preview_log_and_export_filters(cli) -> None:
    acme = _acme(cli)
    other = cli("add", "--name", "ACME", "--email", "compta@acme.fr", "--no-input").stdout.strip()
    cli("contact", "add", acme, "--first-name", "Claire")
    cli("contact", "add", other, "--first-name", "Paul", "--email", "paul@acme.fr")
    cli("field", "define", "Origine", "--type", "text")
    cli("edit", other, "--field", "Origine=Salon")
    cli("block", other, "--reason", "Litige")
    cli("remind", other, "--on", "2026-12-01", "Rappeler Paul")
    merged = cli("merge", acme, other, "--yes")
    assert f"+ contact Paul (de #{other})" in merged.stderr
    data = cli.json("show", acme)
    assert [c["first_name"] for c in data["contacts"]] == ["Claire", "Paul"]
    assert data["fields"] == {"Origine": "Salon"} and data["blocked"]["reason"] == "Litige"
    assert cli.json("reminders")[0]["client_id"] == int(acme)
    cli("unmerge", other)
    assert [c["first_name"] for c in cli.json("show", other)["contacts"]] == ["Paul"]
    log = cli("log", other).stdout
    for label in ("contact ajouté", "blocage", "relance programmée", "champs personnalisés"):
        assert label in log
    assert cli("export", "--blocked", "--format", "jsonl").stdout.count("\n") == 1
    ids = [json.loads(x)["id"] for x in cli("export", "--field", "origine=salon",
                                             "--format", "jsonl").stdout.splitlines()]  # fmt: skip
    assert ids == [int(other)]
