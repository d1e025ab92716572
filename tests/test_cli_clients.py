"""add / edit / show / list / note through Typer's runner; results read back through the store."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newbi_clients.storage import ClientStore

ACME = (
    "add", "--kind", "professionnel", "--name", "ACME SAS", "--siret", "732 829 320 00074",
    "--email", "contact@acme.fr", "--phone", "01 42 00 00 00", "--address", "12 rue de la Paix",
    "--postal-code", "75002", "--city", "Paris", "--tag", "VIP", "--tag", "Salon 2025",
    "--discount", "5%", "--terms-days", "45", "--end-of-month",
    "--payment-method", "virement", "--note", "Premier contact", "--no-input",
)  # fmt: skip


def test_add_prints_only_the_id(cli, db_path: Path) -> None:
    result = cli(*ACME)
    assert result.stdout.strip().isdigit()
    client_id = int(result.stdout)
    assert "créé" in result.stderr
    with ClientStore(db_path) as store:
        client = store.get(client_id)
    assert client.name == "ACME SAS"
    assert client.siret == "73282932000074"
    assert client.phone == "+33142000000"
    assert client.tags == ["Salon 2025", "VIP"]
    assert client.terms_days == 45 and client.end_of_month
    assert [n.text for n in client.notes] == ["Premier contact"]


def test_add_json_follows_the_scripting_contract(cli) -> None:
    data = json.loads(cli(*ACME, "--format", "json").stdout)
    assert list(data) == [
        "id", "kind", "name", "first_name", "email", "phone", "billing_address",
        "delivery_address", "siret", "siren", "vat_number", "zone", "vat_regime", "vies",
        "terms_days", "end_of_month", "payment_method", "discount", "currency", "sector",
        "segment", "tags", "notes", "created_at", "updated_at", "archived_at", "merged_into",
            "blocked", "contacts", "fields",
    ]  # fmt: skip
    assert data["kind"] == "business"
    assert data["first_name"] is None
    assert data["delivery_address"] is None
    assert data["billing_address"] == {
        "line1": "12 rue de la Paix", "line2": None, "postal_code": "75002",
        "city": "Paris", "country": "FR",
    }  # fmt: skip
    assert data["siren"] == "732829320"
    assert data["zone"] == "France"
    assert data["vat_regime"]["code"] == "french_vat"
    assert data["discount"] == {"type": "percent", "value": "5"}
    assert data["notes"][0]["text"] == "Premier contact"


def test_add_without_terminal_never_prompts(cli) -> None:
    result = cli("add", "--email", "x@exemple.fr", code=1)
    assert "Nom ou raison sociale obligatoire" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--name", "X", "--email", "jean@"), "Email invalide : vérifiez que l'email contient @"),
        (("--name", "X", "--siret", "123"), "le SIRET doit contenir exactement 14 chiffres"),
        (("--name", "X", "--siret", "73282932000075"), "SIRET invalide"),
        (("--name", "X", "--terms-days", "90"), "maximum légal de 60 jours"),
        (("--name", "X", "--postal-code", "1000"), "Code postal invalide"),
        (("--name", "X", "--country", "Atlantide"), "Pays inconnu"),
        (("--name", "X", "--phone", "12"), "Téléphone invalide"),
        (("--name", "X", "--discount", "-5"), "ne peut pas être négative"),
        (("--name", "X", "--currency", "EURO"), "Devise invalide"),
        (("--name", "X", "--vat-number", "DE123"), "Numéro de TVA invalide"),
    ],
)
def test_add_refuses_invalid_values(cli, db_path: Path, flags, message) -> None:
    result = cli("add", *flags, "--no-input", code=1)
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_all_errors_of_a_client_are_reported(cli) -> None:
    result = cli("add", "--email", "bad", "--siret", "1", "--no-input", code=1)
    for message in ("Nom ou raison sociale", "Email invalide", "SIRET invalide"):
        assert message in result.stderr


def test_vat_number_must_match_the_siren(cli) -> None:
    result = cli(
        "add", "--name", "X", "--siret", "73282932000074", "--vat-number", "FR40303265045",
        "--no-input", code=1,
    )  # fmt: skip
    assert "Numéro de TVA incohérent" in result.stderr


@pytest.mark.parametrize(
    ("flags", "warning"),
    [
        (("--kind", "professionnel", "--name", "Sans Siret"), "sans SIRET"),
        (
            ("--kind", "business", "--name", "Müller GmbH", "--country", "Allemagne"),
            "autoliquidation",
        ),
    ],
)
def test_missing_identifiers_are_accepted_with_a_warning(cli, flags, warning) -> None:
    result = cli("add", *flags, "--no-input")
    assert result.stdout.strip().isdigit()
    assert "Attention" in result.stderr and warning in result.stderr


@pytest.mark.parametrize(
    "duplicate",
    [
        ("--email", "CONTACT@ACME.FR"),
        ("--siret", "73282932000074"),
        ("--siret", "732.829.320.00074"),
    ],
)
def test_duplicate_is_refused_then_allowed(cli, duplicate) -> None:
    first = cli(*ACME).stdout.strip()
    result = cli("add", "--name", "Copie", *duplicate, "--no-input", code=1)
    assert "Client déjà existant" in result.stderr
    assert f"#{first} (ACME SAS)" in result.stderr
    assert result.stdout == ""
    cli("add", "--name", "Copie", *duplicate, "--no-input", "--allow-duplicate")


def test_eu_business_json_has_reverse_charge(cli) -> None:
    data = json.loads(
        cli(
            "add", "--name", "Müller GmbH", "--country", "Germany", "--vat-number",
            "DE 136 695 976", "--phone", "+49 30 1234567", "--no-input", "--format", "json",
        ).stdout
    )  # fmt: skip
    assert data["kind"] == "business"
    assert data["vat_number"] == "DE136695976"
    assert data["zone"] == "Europe"
    assert data["vat_regime"]["code"] == "reverse_charge"
    assert "Autoliquidation" in data["vat_regime"]["mention"]


def test_show_fiche_and_json(cli) -> None:
    cli(*ACME)
    fiche = cli("show", "acme").stdout
    for text in (
        "ACME SAS", "Identité et contact", "Adresses", "Identifiants fiscaux et TVA",
        "732 829 320 00074", "Conditions de paiement", "45 jours fin de mois", "Virement",
        "5 %", "Organisation", "Salon 2025", "Notes", "Premier contact", "01 42 00 00 00",
    ):  # fmt: skip
        assert text in fiche, text
    data = cli.json("show", "contact@acme.fr")
    assert data["name"] == "ACME SAS"


def test_show_unknown_and_ambiguous(cli) -> None:
    cli("add", "--name", "Martin Plomberie", "--no-input")
    cli("add", "--name", "Martin Peinture", "--no-input")
    result = cli("show", "Durand", code=1)
    assert "Client introuvable" in result.stderr
    result = cli("show", "martin", code=1)
    assert "Référence ambiguë" in result.stderr
    assert "Martin Plomberie" in result.stderr and "Martin Peinture" in result.stderr


def test_edit_with_flags_and_unset(cli, db_path: Path) -> None:
    client_id = cli(*ACME).stdout.strip()
    cli("edit", client_id, "--email", "compta@acme.fr", "--city", "Lyon", "--postal-code",
        "69001", "--unset", "phone", "--unset", "discount")  # fmt: skip
    with ClientStore(db_path) as store:
        client = store.get(int(client_id))
        log = store.audit_log(int(client_id))
    assert client.email == "compta@acme.fr"
    assert client.billing_address and client.billing_address.city == "Lyon"
    assert client.phone is None and client.discount is None
    assert client.siret == "73282932000074"
    assert [n.text for n in client.notes] == ["Premier contact"]
    assert log[-1]["action"] == "edit" and log[-1]["before"]["email"] == "contact@acme.fr"


def test_edit_refusals(cli) -> None:
    client_id = cli(*ACME).stdout.strip()
    assert "Rien à modifier" in cli("edit", client_id, code=1).stderr
    assert "Champ inconnu" in cli("edit", client_id, "--unset", "foo", code=1).stderr
    assert "Nom ou raison sociale" in cli("edit", client_id, "--name", " ", code=1).stderr
    other = cli("add", "--name", "Beta", "--no-input").stdout.strip()
    result = cli("edit", other, "--email", "contact@acme.fr", code=1)
    assert "Client déjà existant" in result.stderr


def _add_three(cli) -> None:
    cli("add", "--name", "Zeta", "--email", "z@z.fr", "--no-input")
    cli("add", "--name", "Dupont", "--first-name", "Éléonore", "--tag", "VIP", "--no-input")
    cli(*ACME)


def test_list_plain_when_piped(cli) -> None:
    _add_three(cli)
    lines = cli("list").stdout.splitlines()
    assert lines[0].split("\t")[:3] == ["ID", "Nom", "Type"]
    assert [line.split("\t")[1] for line in lines[1:]] == ["ACME SAS", "Éléonore Dupont", "Zeta"]


def test_list_every_format_parses(cli) -> None:
    _add_three(cli)
    as_json = cli.json("list")
    assert [c["name"] for c in as_json] == ["ACME SAS", "Dupont", "Zeta"]
    jsonl = [json.loads(line) for line in cli("list", "--format", "jsonl").stdout.splitlines()]
    assert jsonl == as_json
    ids = cli("list", "--format", "ids").stdout.split()
    assert ids == [str(c["id"]) for c in as_json]
    rows = list(csv.DictReader(io.StringIO(cli("list", "--format", "csv").stdout)))
    assert [r["Nom"] for r in rows] == ["ACME SAS", "Dupont", "Zeta"]
    assert rows[0]["SIRET"] == "73282932000074"
    assert cli.json("list", "--limit", "1")[0]["name"] == "ACME SAS"


def test_empty_list_is_not_an_error(cli) -> None:
    assert cli("list").stdout == ""
    assert cli.json("list") == []
    assert cli("list", "--format", "ids").stdout == ""


def test_note_command(cli, db_path: Path) -> None:
    client_id = cli(*ACME).stdout.strip()
    cli("note", "acme", "Relancé par téléphone")
    with ClientStore(db_path) as store:
        notes = store.get(int(client_id)).notes
    assert [n.text for n in notes] == ["Premier contact", "Relancé par téléphone"]
    assert "Note vide" in cli("note", "acme", "  ", code=1).stderr


def test_db_option_and_version(cli, tmp_path: Path) -> None:
    other = tmp_path / "autre.db"
    cli("--db", str(other), "add", "--name", "Ailleurs", "--no-input")
    assert [c["name"] for c in cli.json("--db", str(other), "list")] == ["Ailleurs"]
    assert cli.json("list") == []
    assert cli("--version").stdout.startswith("newbi-clients ")


def test_usage_error_exit_code(cli) -> None:
    result = cli("list", "--format", "xml", code=2)
    assert "xml" in result.stderr
    cli("show", code=2)


def test_every_command_has_french_help_with_an_example(cli) -> None:
    for command in ("add", "edit", "show", "list", "note"):
        text = cli(command, "--help").stdout
        assert "Exemple" in text, command


def test_a_note_of_several_lines_keeps_them_in_the_plain_fiche(cli) -> None:
    cli("add", "--name", "ACME", "--no-input")
    cli("note", "1", "ligne un\nligne deux\n[Suivi]\n- tiret")
    shown = cli("show", "1").stdout
    # each further line under its label's line, indented: never read as a label or section
    assert " : ligne un\n  ligne deux\n  [Suivi]\n  - tiret\n" in shown
