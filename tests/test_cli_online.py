"""vies, lookup, add --lookup and what the VIES status changes, through the CLI, against
local servers on 127.0.0.1 that answer like VIES and the company register."""

from __future__ import annotations

import json

import pytest

from newbi_clients.storage import ClientStore, resolve_db_path
from servers import (
    ACME,
    ACME_WITH_LYON,
    ACMEA,
    closed_port,
    register_answer,
    serve,
    vies_error,
    vies_invalid,
    vies_number,
    vies_valid,
)

MULLER = ("add", "--kind", "professionnel", "--name", "Müller Maschinenbau", "--country", "DE",
          "--vat-number", "DE136695976", "--no-input")  # fmt: skip
BRASSERIE = ("add", "--kind", "professionnel", "--name", "Brasserie Dupont", "--country", "BE",
             "--vat-number", "BE0403170701", "--no-input")  # fmt: skip
ITALIA = ("add", "--kind", "professionnel", "--name", "Officina Rossi", "--country", "IT",
          "--vat-number", "IT00743110157", "--no-input")  # fmt: skip


def fast(cli) -> None:
    for key, value in (("online.timeout", "0.5"), ("online.retries", "2"), ("online.delay", "0")):
        cli("config", "set", key, value)


def vies_by_number(answers: dict[str, str]):
    """VIES answering per number: valid, invalid, or an unavailable code."""

    def answer(request, n):
        number = vies_number(request)
        post = request.method == "POST"
        kind = answers.get(number, "valid")
        body = {"valid": vies_valid, "invalid": vies_invalid}.get(kind)
        return 200, body(number, post) if body else vies_error(kind), {}, 0.0

    return serve(answer)


@pytest.fixture
def vies(cli):
    """Start VIES with the given answers and point vies.url at it."""

    def start(answers: dict[str, str] | None = None):
        context = vies_by_number(answers or {})
        server = context.__enter__()
        started.append(context)
        fast(cli)
        cli("config", "set", "vies.url", server.url)
        return server

    started: list = []
    yield start
    for context in started:
        context.__exit__(None, None, None)


@pytest.fixture
def register(cli):
    """Start the register with the given results (or status) and point register.url at it."""

    def start(results, status: int = 200):
        context = serve(lambda request, n: (status, register_answer(results), {}, 0.0))
        server = context.__enter__()
        started.append(context)
        fast(cli)
        cli("config", "set", "register.url", server.url)
        return server

    started: list = []
    yield start
    for context in started:
        context.__exit__(None, None, None)


def checks() -> list[tuple]:
    with ClientStore(resolve_db_path()) as store:
        return store.execute("SELECT client_id, status FROM vies_checks ORDER BY id").fetchall()


# --- vies ---------------------------------------------------------------------------------


def test_vies_valid_is_stored_and_shown(cli, vies) -> None:
    client_id = cli(*MULLER).stdout.strip()
    vies()
    result = cli("vies", client_id)
    assert "valide" in result.stdout and "Müller Maschinenbau GmbH" in result.stdout
    data = cli.json("show", client_id)
    assert data["vies"]["status"] == "valid" and data["vies"]["checked_at"]
    assert data["vies"]["name"] == "Müller Maschinenbau GmbH"
    assert data["vies"]["address"] == "Hauptstraße 1 10115 Berlin"
    assert data["vies"]["name_matches"] is True and data["vies"]["warning"] is None
    assert data["vat_regime"]["code"] == "reverse_charge"
    fiche = cli("show", client_id).stdout
    assert "Contrôle VIES : valide (contrôle du " in fiche
    assert "Nom VIES : Müller Maschinenbau GmbH\n" in fiche


def test_vies_json_output(cli, vies) -> None:
    client_id = cli(*MULLER).stdout.strip()
    vies()
    (item,) = cli.json("vies", client_id)
    assert item["id"] == int(client_id) and item["vat_number"] == "DE136695976"
    assert set(item["vies"]) == {"status", "checked_at", "name", "address",
                                 "consultation_number", "name_matches", "warning"}  # fmt: skip


def test_vies_invalid_turns_the_regime_to_french_vat(cli, vies) -> None:
    client_id = cli(*MULLER).stdout.strip()
    assert cli.json("show", client_id)["vat_regime"]["code"] == "reverse_charge"
    vies({"DE136695976": "invalid"})
    result = cli("vies", client_id)
    assert "invalide" in result.stdout and "TVA française" in result.stderr
    data = cli.json("show", client_id)
    assert data["vat_regime"]["code"] == "french_vat"
    assert "invalide" in data["vies"]["warning"]
    assert "Attention : VIES a déclaré ce numéro de TVA invalide" in cli("show", client_id).stdout
    added = cli("history", "add", client_id, "--number", "F-1", "--date", "2026-01-10",
                "--amount-ht", "100", "--vat-rate", "20")  # fmt: skip
    assert "invalide" in added.stderr


@pytest.mark.parametrize("code", ["MS_UNAVAILABLE", "GLOBAL_MAX_CONCURRENT_REQ", "TIMEOUT"])
def test_vies_unavailable_keeps_reverse_charge_with_a_warning(cli, vies, code: str) -> None:
    client_id = cli(*MULLER).stdout.strip()
    server = vies({"DE136695976": code})
    result = cli("vies", client_id)
    assert "indisponible" in result.stdout
    assert len(server.requests) == 3  # retried
    data = cli.json("show", client_id)
    assert data["vies"]["status"] == "unavailable"
    assert data["vat_regime"]["code"] == "reverse_charge"
    assert "indisponible" in data["vies"]["warning"]
    added = cli("history", "add", client_id, "--number", "F-1", "--date", "2026-01-10",
                "--amount-ht", "100")  # fmt: skip
    assert "indisponible" in added.stderr


def test_not_checked_warns_when_a_document_is_added(cli) -> None:
    client_id = cli(*MULLER).stdout.strip()
    assert cli.json("show", client_id)["vies"] == {
        "status": "not_checked", "checked_at": None, "name": None, "address": None,
        "consultation_number": None, "name_matches": None,
        "warning": cli.json("show", client_id)["vies"]["warning"],
    }  # fmt: skip
    added = cli("history", "add", client_id, "--number", "F-1", "--date", "2026-01-10",
                "--amount-ht", "100")  # fmt: skip
    assert "non vérifié dans VIES" in added.stderr


def test_vies_is_null_without_a_vat_number(cli) -> None:
    client_id = cli("add", "--name", "Dupont", "--no-input").stdout.strip()
    assert cli.json("show", client_id)["vies"] is None


def test_requester_gives_a_consultation_number(cli, vies) -> None:
    client_id = cli(*BRASSERIE).stdout.strip()
    server = vies()
    cli("config", "set", "seller_vat_number", "FR 44 732 829 320")
    assert cli("config", "get", "seller_vat_number").stdout == "FR44732829320\n"
    result = cli("vies", client_id)
    assert "WAPIAAAAZ1234567" in result.stdout
    assert server.requests[0].method == "POST"
    assert server.requests[0].body["requesterNumber"] == "44732829320"
    assert cli.json("show", client_id)["vies"]["consultation_number"] == "WAPIAAAAZ1234567"
    assert "N° de consultation : WAPIAAAAZ1234567" in cli("show", client_id).stdout


def test_name_mismatch_is_pointed_out(cli, vies) -> None:
    client_id = cli(*ITALIA).stdout.strip()
    vies()
    result = cli("vies", client_id)
    assert "VIES donne un autre nom, « Autre Nom SpA »" in result.stderr
    assert cli.json("show", client_id)["vies"]["name_matches"] is False
    assert "Autre Nom SpA (différent du nom du client)" in cli("show", client_id).stdout


def test_vies_all_stale_and_list_filters(cli, vies) -> None:
    muller = cli(*MULLER).stdout.strip()
    brasserie = cli(*BRASSERIE).stdout.strip()
    italia = cli(*ITALIA).stdout.strip()
    cli("add", "--name", "Dupont", "--no-input")
    server = vies({"BE0403170701": "invalid", "IT00743110157": "MS_UNAVAILABLE"})
    assert cli("list", "--vies", "not_checked", "--format", "ids").stdout.split() == [
        brasserie, muller, italia]  # fmt: skip
    cli("vies", "--all")
    assert len(checks()) == 3
    assert cli("list", "--vies", "valid", "--format", "ids").stdout.split() == [muller]
    assert cli("list", "--vies", "invalid", "--format", "ids").stdout.split() == [brasserie]
    assert cli("list", "--vies", "unavailable", "--format", "ids").stdout.split() == [italia]
    assert cli("list", "--vies", "not_checked", "--format", "ids").stdout.split() == []
    assert cli("list", "--vies", "stale", "--format", "ids").stdout.split() == []
    before = len(server.requests)
    cli("vies", "--all", "--stale", "30")  # only the unavailable one is asked again
    assert len(server.requests) - before == 3 and len(checks()) == 4
    with ClientStore(resolve_db_path()) as store:
        store.execute("UPDATE vies_checks SET checked_at = '2020-01-01T00:00:00+00:00'")
    stale = cli("list", "--vies", "stale", "--format", "ids").stdout.split()
    assert stale == [brasserie, muller, italia]
    result = cli("list", "--vies", "bogus", code=1)
    assert "Statut VIES inconnu" in result.stderr


def test_vies_refuses_a_client_without_eu_vat_number(cli, vies) -> None:
    client_id = cli("add", "--name", "Dupont", "--no-input").stdout.strip()
    server = vies()
    result = cli("vies", client_id, code=1)
    assert "Pas de numéro de TVA de l'UE" in result.stderr
    assert server.requests == []


def test_vies_needs_clients_or_all(cli) -> None:
    assert cli("vies", code=2).exit_code == 2


def test_vies_all_with_nothing_to_check(cli) -> None:
    cli("add", "--name", "Dupont", "--no-input")
    assert "Aucun client à vérifier" in cli("vies", "--all").stderr
    assert cli.json("vies", "--all") == []


def test_vies_offline_says_so_in_one_line_and_changes_nothing(cli) -> None:
    client_id = cli(*MULLER).stdout.strip()
    fast(cli)
    cli("config", "set", "vies.url", closed_port())
    result = cli("vies", "--all", code=1)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Pas de connexion à VIES" in result.stderr
    assert checks() == []
    assert cli.json("show", client_id)["vies"]["status"] == "not_checked"


def test_ctrl_c_stops_cleanly_and_keeps_what_was_checked(cli, vies, monkeypatch) -> None:
    from newbi_clients.vies import ViesService

    cli(*MULLER)
    cli(*BRASSERIE)
    cli(*ITALIA)
    vies()
    real = ViesService.check
    calls = []

    def interrupted(self, number):
        calls.append(number)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, number)

    monkeypatch.setattr(ViesService, "check", interrupted)
    result = cli("vies", "--all", code=130)
    assert result.stderr.strip() == "Interrompu : 1 contrôle(s) sur 3 enregistré(s)."
    assert [status for _, status in checks()] == ["valid"]


def test_vies_slow_service_is_unavailable_within_the_timeout(cli) -> None:
    client_id = cli(*MULLER).stdout.strip()
    fast(cli)
    cli("config", "set", "online.timeout", "0.2")
    cli("config", "set", "online.retries", "1")
    slow = serve(lambda r, n: (200, vies_valid(vies_number(r), False), {}, 1.0))
    with slow as server:
        cli("config", "set", "vies.url", server.url)
        result = cli("vies", client_id)
    assert "indisponible" in result.stdout and len(server.requests) == 2
    assert cli.json("show", client_id)["vies"]["status"] == "unavailable"


# --- lookup -------------------------------------------------------------------------------


def test_lookup_shows_the_companies(cli, register) -> None:
    register([ACME, ACMEA])
    result = cli("lookup", "acme")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ["Raison sociale", "SIREN", "SIRET du siège",
                                    "Adresse du siège", "NAF", "Forme juridique", "État"]  # fmt: skip
    assert lines[1].split("\t") == ["ACME", "732829320", "73282932000074",
                                    "12 RUE DE LA PAIX, 75002 PARIS", "62.01Z", "SAS (5710)",
                                    "active"]  # fmt: skip
    data = cli.json("lookup", "acme")
    assert [c["siren"] for c in data] == ["732829320", "552100554"]
    assert data[0]["head_office"]["siret"] == "73282932000074"


def test_lookup_without_match_is_not_an_error(cli, register) -> None:
    register([])
    result = cli("lookup", "zzzz")
    assert result.stdout == "" and "Aucune entreprise trouvée" in result.stderr


def test_lookup_points_out_a_closed_establishment(cli, register) -> None:
    register([ACME_WITH_LYON])
    result = cli("lookup", "73282932000058")
    assert (
        "l'établissement 73282932000058 (3 PLACE BELLECOUR, 69002 LYON) est fermé" in result.stderr
    )


def test_lookup_rate_limited(cli, register) -> None:
    server = register([], status=429)
    result = cli("lookup", "acme", code=1)
    assert len(result.stderr.strip().splitlines()) == 1 and "429" in result.stderr
    assert len(server.requests) == 3


def test_lookup_offline(cli) -> None:
    fast(cli)
    cli("config", "set", "register.url", closed_port())
    result = cli("lookup", "acme", code=1)
    assert result.stderr.strip().startswith(
        "Erreur : Pas de connexion à l'annuaire des entreprises"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_add_lookup_fills_the_fiche_flags_first(cli, register) -> None:
    register([ACME])
    client_id = cli("add", "--lookup", "73282932000074", "--email", "contact@acme.fr",
                    "--city", "Paris", "--no-input").stdout.strip()  # fmt: skip
    data = cli.json("show", client_id)
    assert data["kind"] == "business" and data["name"] == "ACME"
    assert data["siret"] == "73282932000074" and data["siren"] == "732829320"
    assert data["billing_address"] == {"line1": "12 RUE DE LA PAIX", "line2": None,
                                       "postal_code": "75002", "city": "Paris", "country": "FR"}  # fmt: skip
    assert data["email"] == "contact@acme.fr"


def test_add_lookup_closed_establishment_is_pointed_out(cli, register) -> None:
    register([ACME_WITH_LYON])
    result = cli("add", "--lookup", "73282932000058", "--no-input")
    assert "l'établissement 73282932000058 est fermé" in result.stderr
    assert cli.json("show", result.stdout.strip())["siret"] == "73282932000058"


def test_add_lookup_with_several_matches_asks_for_the_siret(cli, register) -> None:
    register([ACME, ACMEA])
    result = cli("add", "--lookup", "acme", "--no-input", code=1)
    assert "Plusieurs entreprises" in result.stderr and "Donnez le SIRET" in result.stderr
    assert cli("list", "--format", "ids").stdout == ""


def test_add_lookup_offline_creates_nothing(cli) -> None:
    fast(cli)
    cli("config", "set", "register.url", closed_port())
    result = cli("add", "--lookup", "73282932000074", "--no-input", code=1)
    assert len(result.stderr.strip().splitlines()) == 1
    assert cli("list", "--format", "ids").stdout == ""


def test_lookup_refresh_compares_the_fiche(cli, register) -> None:
    client_id = cli("add", "--kind", "professionnel", "--name", "Acme", "--siret",
                    "73282932000074", "--address", "12 rue de la Paix", "--postal-code", "75002",
                    "--city", "Lyon", "--no-input").stdout.strip()  # fmt: skip
    register([ACME])
    result = cli("lookup", "--refresh", client_id)
    assert result.stdout.splitlines() == ["Champ\tFiche\tAnnuaire", "Ville\tLyon\tPARIS"]
    data = json.loads(cli("lookup", "--refresh", client_id, "--format", "json").stdout)
    assert data["differences"] == [{"field": "Ville", "fiche": "Lyon", "register": "PARIS"}]


def test_lookup_refresh_needs_a_siret_or_siren(cli, register) -> None:
    client_id = cli("add", "--kind", "professionnel", "--name", "Sans SIRET",
                    "--no-input").stdout.strip()  # fmt: skip
    server = register([ACME])
    assert "ni SIRET ni SIREN" in cli("lookup", "--refresh", client_id, code=1).stderr
    assert server.requests == []


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [("register.url", "ftp://x"), ("vies.url", "localhost"), ("online.timeout", "0"),
     ("online.retries", "1.5"), ("online.delay", "61"), ("seller_vat_number", "FR123")],
)  # fmt: skip
def test_online_settings_are_checked(cli, key: str, value: str) -> None:
    result = cli("config", "set", key, value, code=1)
    assert key in result.stderr or "TVA" in result.stderr


def test_nothing_goes_online_unless_asked(cli) -> None:
    """With every service pointed at a closed port, the offline commands work."""
    cli("config", "set", "vies.url", closed_port())
    cli("config", "set", "register.url", closed_port())
    client_id = cli(*MULLER).stdout.strip()
    cli("add", "--kind", "professionnel", "--name", "ACME", "--siret", "73282932000074",
        "--no-input")  # fmt: skip
    assert cli.json("show", client_id)["vies"]["status"] == "not_checked"
    cli("list")
    cli("search", "acme")
    cli("export")
