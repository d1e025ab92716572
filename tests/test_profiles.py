"""Import profiles and row semantics in the core (no CLI)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from newbi_clients.transfer.cells import row_to_raw
from newbi_clients.transfer.mapping import map_headers, parse_map
from newbi_clients.transfer.profiles import builtin_profiles, detect_profile
from newbi_clients.transfer.semantics import row_fields
from newbi_clients.validation import normalize_country

DATA = Path(__file__).parent / "data" / "migration"


def header_of(name: str, encoding: str = "utf-8") -> list[str]:
    with (DATA / name).open(encoding=encoding, newline="") as fh:
        return next(csv.reader(fh))


@pytest.mark.parametrize(
    ("name", "encoding", "profile"),
    [
        ("google.csv", "utf-8", "google"),
        ("google-legacy.csv", "utf-8", "google-legacy"),
        ("outlook-fr.csv", "cp1252", "outlook-fr"),
        ("outlook.csv", "utf-8", "outlook"),
        ("hubspot-contacts.csv", "utf-8", "hubspot-contacts"),
        ("hubspot-companies.csv", "utf-8", "hubspot-companies"),
        ("odoo.csv", "utf-8", "odoo"),
        ("odoo-technical.csv", "utf-8", "odoo"),
        ("odoo-fr.csv", "utf-8", "odoo"),
        ("dolibarr.csv", "iso-8859-1", "dolibarr"),
        ("dolibarr-contacts.csv", "iso-8859-1", "dolibarr-contacts"),
        ("dolibarr-contacts-recent.csv", "utf-8", "dolibarr-contacts"),
        ("google-formatted.csv", "utf-8", "google"),
    ],
)
def test_each_export_is_recognised_from_its_header(name: str, encoding: str, profile: str) -> None:
    found = detect_profile(header_of(name, encoding))
    assert found is not None and found.name == profile


def test_the_template_is_recognised_and_a_plain_header_is_not_a_profile() -> None:
    template = (Path(__file__).parents[1] / "templates" / "import_template.csv").read_text(
        "utf-8-sig"
    )
    header = next(csv.reader([template.splitlines()[0]], delimiter=";"))
    if len(header) == 1:
        header = next(csv.reader([template.splitlines()[0]]))
    profile = detect_profile(header)
    assert profile is not None and profile.name == "newbi"
    assert detect_profile(["Nom", "Email", "Ville"]) is None


# headers of other versions and other tools, as their translations write them (sources in
# tests/data/MANIFEST.md): each is recognised as its own format, never as a neighbour's
@pytest.mark.parametrize(
    ("header", "profile"),
    [
        # Odoo 15.0 in French: « Société liée », « Poste Occupé », « Courriel »…
        (["ID Externe", "Nom", "Type de société", "Est une entreprise", "Société liée",
          "Poste Occupé", "Rue", "Rue 2", "Code postal", "Ville", "Pays", "Courriel",
          "Téléphone", "Mobile", "TVA/numéro fiscal", "Étiquettes"], "odoo"),
        # Odoo 16.0, a contact list exported with its company only
        (["Nom", "Société associée", "E-mail", "Téléphone"], "odoo"),
        (["Nom", "Rue", "Code postal", "Ville", "ID de la société"], "odoo"),
        # a recent Dolibarr's third parties (« Identifiant professionnel 1 », « Numéro TVA »)
        (["Nom", "Type du tiers", "Adresse", "Code postal", "Ville", "Pays",
          "Identifiant professionnel 1", "Identifiant professionnel 2", "Numéro TVA"],
         "dolibarr"),
        (["Nom du tiers", "Identifiant professionnel 2", "Adresse"], "dolibarr"),
        # Dolibarr's contacts, labelled as a user's export had it
        (["ID contact/adresse", "Nom", "Prénom", "Poste/fonction", "Raison sociale"],
         "dolibarr-contacts"),
        (["Code civilité", "Nom", "Prénom", "Poste/fonction", "Raison sociale"],
         "dolibarr-contacts"),
        # a French file of no tool: the columns are read one by one, not as Odoo's
        (["Nom", "Prénom", "Société", "Poste", "E-mail", "Téléphone", "Rue", "Code postal",
          "Ville", "Pays", "N° TVA"], None),
        (["Nom", "Type", "Adresse", "Code postal", "Ville", "Pays", "N° TVA"], None),
    ],
)  # fmt: skip
def test_french_headers_of_each_tool_are_told_apart(header: list[str], profile: str | None) -> None:
    found = detect_profile(header)
    assert (found.name if found else None) == profile


def test_odoo_15_french_labels_feed_their_fields() -> None:
    header = ["Nom", "Est une entreprise", "Société liée", "Poste Occupé", "Courriel",
              "TVA/numéro fiscal", "Rue 2"]  # fmt: skip
    raw = row_to_raw(
        ["Claire Martin", "False", "Boulangerie Martin", "Gérante", "claire@martin.fr",
         "", "Bâtiment B"],
        map_headers(header),
    )  # fmt: skip
    assert (raw["name"], raw["kind"], raw["line2"]) == (
        "Boulangerie Martin", "professionnel", "Bâtiment B",
    )  # fmt: skip
    assert raw["contacts"] == [{
        "first_name": None, "last_name": "Claire Martin", "position": "Gérante",
        "email": "claire@martin.fr", "phone": None,
    }]  # fmt: skip
    # Odoo 15 in English writes « VAT/Tax ID »; « Display Name » stands in for an empty name
    mapping = map_headers(["Name", "Is a Company", "VAT/Tax ID", "Display Name"])
    assert mapping.profile == "odoo"
    raw = row_fields(["", "True", "BE0403170701", "Dupont Belgique"], mapping)
    assert (raw["name"], raw["kind"], raw["vat_number"]) == (
        "Dupont Belgique", "professionnel", "BE0403170701",
    )  # fmt: skip


def _row(header: list[str], **cells: str) -> list[str]:
    """A row of ``header`` with ``cells`` by column (« Address 1 - City » as Address_1_City)."""
    named = {h.replace(" - ", "_").replace(" ", "_"): i for i, h in enumerate(header)}
    row = [""] * len(header)
    for key, value in cells.items():
        row[named[key]] = value
    return row


@pytest.mark.parametrize("name", ["google-formatted.csv", "google-legacy.csv"])
def test_a_formatted_address_is_read_only_when_its_parts_are_empty(name: str) -> None:
    header = header_of(name)
    mapping = map_headers(header)
    formatted = "5 impasse des Lilas\nRésidence Les Pins\nEntrée B\n33000 Bordeaux\nFrance"
    raw = row_to_raw(_row(header, Address_1_Formatted=formatted), mapping)
    assert (raw["address"], raw["line2"], raw["postal_code"], raw["city"], raw["country"]) == (
        "5 impasse des Lilas", "Résidence Les Pins, Entrée B", "33000", "Bordeaux", "France",
    )  # fmt: skip
    # one part typed apart (the town): the text is not read, nothing is guessed from it
    raw = row_to_raw(
        _row(header, Address_1_Formatted=formatted, Address_1_City="Mérignac"), mapping
    )
    assert (raw.get("address"), raw.get("postal_code"), raw["city"]) == (None, None, "Mérignac")
    # a lone « CP Ville » line, and a foreign one with its country's letters
    raw = row_to_raw(_row(header, Address_1_Formatted="75002 Paris"), mapping)
    assert (raw.get("address"), raw["postal_code"], raw["city"]) == (None, "75002", "Paris")
    raw = row_to_raw(
        _row(header, Address_1_Formatted="2 rue du Fort\nL-1450 Luxembourg\nLuxembourg"),
        mapping,
    )
    assert (raw["address"], raw["postal_code"], raw["city"], raw["country"]) == (
        "2 rue du Fort", "1450", "Luxembourg", "Luxembourg",
    )  # fmt: skip


def test_every_profile_column_feeds_a_known_field() -> None:
    from newbi_clients.transfer.mapping import targets

    known = set(targets())
    for profile in builtin_profiles().values():
        assert {target for _, target in profile.columns} <= known, profile.name


def test_google_multi_values_and_system_labels() -> None:
    mapping = map_headers(header_of("google.csv"))
    with (DATA / "google.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    raw = row_fields(rows[0], mapping)
    assert raw["email"] == "jeanne@atelier-martin.fr"
    assert raw["tags"] == "Clients, Paris"
    assert raw["extra_notes"] == [
        "Autres emails : jeanne.martin@exemple.fr",
        "Autres téléphones : 01 42 00 00 00",
    ]
    assert raw["contacts"] == [{
        "first_name": "Jeanne", "last_name": "Martin", "position": "Gérante",
        "email": "jeanne@atelier-martin.fr", "phone": "06 12 34 56 78",
    }]  # fmt: skip


def test_dolibarr_literal_newlines_and_third_party_type() -> None:
    header = header_of("dolibarr.csv", "iso-8859-1")
    mapping = map_headers(header)
    with (DATA / "dolibarr.csv").open(encoding="iso-8859-1", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    raw = row_to_raw(rows[0], mapping)
    assert (raw["address"], raw["line2"]) == ("12 rue des Lilas", "Bâtiment B")
    assert (raw["kind"], raw["siren"], raw["siret"]) == (
        "professionnel", "732829320", "73282932000074",
    )  # fmt: skip
    assert row_to_raw(rows[1], mapping)["kind"] == "particulier"


def test_odoo_external_ids_and_kinds() -> None:
    assert normalize_country("base.de") == "DE"
    mapping = map_headers(["name", "is_company", "parent_id", "country_id/id"])
    raw = row_fields(["Jan Peeters", "False", "Dupont Belgique", "base.be"], mapping)
    assert (raw["name"], raw["kind"], raw["country"]) == ("Dupont Belgique", "professionnel",
                                                           "base.be")  # fmt: skip
    assert raw["contacts"][0]["last_name"] == "Jan Peeters"
    raw = row_fields(["Jan Peeters", "False", "", "base.be"], mapping)
    assert (raw["name"], raw["kind"]) == ("Jan Peeters", "particulier")


def test_parse_map_accepts_field_keys_and_template_headers() -> None:
    assert parse_map(["Libellé=name", "Tél=Téléphone", " Soc = Société "]) == {
        "Libellé": "name",
        "Tél": "phone",
        "Soc": "organization",
    }


def test_a_custom_map_comes_before_the_names_of_columns() -> None:
    mapping = map_headers(["Nom", "Contact"], custom={"Contact": "full_name"})
    raw = row_fields(["ACME", "Jeanne Martin"], mapping)
    assert raw["name"] == "ACME" and mapping.label("full_name") == "Contact"
