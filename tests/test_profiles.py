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
        ("dolibarr.csv", "iso-8859-1", "dolibarr"),
        ("dolibarr-contacts.csv", "iso-8859-1", "dolibarr-contacts"),
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
