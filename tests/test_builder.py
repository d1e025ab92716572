"""Building a validated Client from raw values, and editing one."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

import pytest
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from newbi_clients import validation as v
from newbi_clients.builder import (
    FIELD_KEYS,
    UNSETTABLE,
    Built,
    apply_changes,
    build_client,
    client_to_raw,
)
from newbi_clients.errors import FieldError, ValidationFailed
from newbi_clients.models import Address, Client, Discount, Kind, Note, PaymentMethod
from newbi_clients.validation import NONE_FOR_NONE

ACME_SIRET = "73282932000074"
ACME_SIREN = "732829320"
ACME_VAT = "FR44732829320"
ACME_OTHER_SIRET = "73282932000009"  # another establishment of the same company
OTHER_SIREN = "552100554"
OTHER_SIRET = "55210055400005"
OTHER_VAT = "FR" + stdnum_siren.to_tva(OTHER_SIREN)  # FR96552100554
MONACO_VAT = "FR15000000001"

EMAIL_MESSAGE = "Email invalide : vérifiez que l'email contient @ et un domaine valide"
NAME_MESSAGE = "Nom ou raison sociale obligatoire"
SIRET_LENGTH_MESSAGE = "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"


def refused(raw: dict[str, Any], defaults: dict[str, Any] | None = None) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as info:
        build_client(raw, defaults)
    return info.value.errors


def test_identifier_samples() -> None:
    for siret in (ACME_SIRET, ACME_OTHER_SIRET, OTHER_SIRET):
        assert stdnum_siret.is_valid(siret), siret
    assert ACME_OTHER_SIRET[:9] == ACME_SIREN
    assert OTHER_VAT == "FR96552100554"
    assert stdnum_tva.is_valid(OTHER_VAT)
    assert stdnum_tva.is_valid(MONACO_VAT)
    assert MONACO_VAT[4:7] == "000"


# --- all errors at once -----------------------------------------------------------------


def test_all_field_errors_are_reported_together() -> None:
    errors = refused({"name": "", "email": "jean.dupont@", "siret": "123"})
    assert sorted(e.field for e in errors) == ["email", "name", "siret"]
    by_field = {e.field: e for e in errors}
    assert by_field["name"].message == NAME_MESSAGE
    assert by_field["email"].message == EMAIL_MESSAGE
    assert by_field["email"].value == "jean.dupont@"
    assert by_field["siret"].message == SIRET_LENGTH_MESSAGE
    assert by_field["siret"].value == "123"


def test_every_invalid_field_is_reported() -> None:
    errors = refused(
        {
            "name": "Dupont",
            "kind": "alien",
            "email": "a@b",
            "phone": "12",
            "postal_code": "1000",
            "delivery_postal_code": "2A004",
            "delivery_country": "Atlantide",
            "siren": "732829321",
            "vat_number": "FR45732829320",
            "terms_days": "90",
            "end_of_month": "peut-être",
            "payment_method": "bitcoin",
            "discount": "-5",
            "currency": "EURO",
            "tags": "x" * 101,
        }
    )
    assert sorted(e.field for e in errors) == sorted(
        [
            "kind",
            "email",
            "phone",
            "billing_address.postal_code",
            # (its postal code is not checked against an unknown country: one error)
            "delivery_address.country",
            "siren",
            "vat_number",
            "terms_days",
            "end_of_month",
            "payment_method",
            "discount",
            "currency",
            "tags",
        ]
    )


def test_validation_failed_message_lists_every_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        build_client({"email": "jean", "siret": "123"})
    assert info.value.message.splitlines() == [
        NAME_MESSAGE,
        SIRET_LENGTH_MESSAGE,
        EMAIL_MESSAGE,
    ]
    assert info.value.field == "name"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (
            {"name": "X", "address": "1 rue A", "postal_code": "7500A"},
            "billing_address.postal_code",
        ),
        ({"name": "X", "country": "Atlantide"}, "billing_address.country"),
        ({"name": "X", "delivery_postal_code": "1000"}, "delivery_address.postal_code"),
        ({"name": "X", "delivery_country": "Narnia"}, "delivery_address.country"),
    ],
)
def test_address_errors_use_json_field_names(raw: dict[str, Any], field: str) -> None:
    assert [e.field for e in refused(raw)] == [field]


# --- SIREN / SIRET / VAT consistency ----------------------------------------------------


@pytest.mark.parametrize("siret", [ACME_SIRET, "732 829 320 00074", "732.829.320.00074"])
def test_siren_is_derived_from_siret(siret: str) -> None:
    client = build_client({"name": "ACME", "siret": siret}).client
    assert client.siret == ACME_SIRET
    assert client.siren == ACME_SIREN


def test_siren_given_alone_is_kept() -> None:
    client = build_client({"name": "ACME", "siren": "732 829 320"}).client
    assert client.siret is None
    assert client.siren == ACME_SIREN


def test_matching_siren_and_siret_are_accepted() -> None:
    client = build_client({"name": "ACME", "siret": ACME_SIRET, "siren": ACME_SIREN}).client
    assert client.siren == ACME_SIREN


def test_siren_differing_from_siret_is_refused() -> None:
    (error,) = refused({"name": "ACME", "siret": ACME_SIRET, "siren": OTHER_SIREN})
    assert error.field == "siren"
    assert error.value == OTHER_SIREN
    assert ACME_SIRET in error.message
    assert ACME_SIREN in error.message


def test_french_vat_of_another_siren_is_refused() -> None:
    (error,) = refused({"name": "ACME", "siret": ACME_SIRET, "vat_number": OTHER_VAT})
    assert error.field == "vat_number"
    assert error.value == OTHER_VAT
    assert OTHER_SIREN in error.message
    assert ACME_SIREN in error.message


def test_french_vat_checked_against_a_siren_given_alone() -> None:
    (error,) = refused({"name": "ACME", "siren": OTHER_SIREN, "vat_number": ACME_VAT})
    assert error.field == "vat_number"


@pytest.mark.parametrize(
    "raw",
    [
        {"siret": ACME_SIRET, "vat_number": ACME_VAT},
        {"siret": ACME_SIRET, "vat_number": "FR 44 732 829 320"},
        {"siren": ACME_SIREN, "vat_number": "fr-44-732829320"},
        {"vat_number": ACME_VAT},
    ],
)
def test_french_vat_matching_the_siren_is_accepted(raw: dict[str, Any]) -> None:
    client = build_client({"name": "ACME", **raw}).client
    assert client.vat_number == ACME_VAT


def test_monaco_vat_number_is_not_cross_checked() -> None:
    client = build_client({"name": "SBM", "siret": ACME_SIRET, "vat_number": MONACO_VAT}).client
    assert client.vat_number == MONACO_VAT
    assert client.siren == ACME_SIREN


@pytest.mark.parametrize(
    ("country", "vat_number", "expected"),
    [
        ("DE", "136695976", "DE136695976"),
        ("Allemagne", "136 695 976", "DE136695976"),
        ("Grèce", "094259216", "EL094259216"),
        ("GR", "GR094259216", "EL094259216"),
        ("FR", "44732829320", ACME_VAT),
        ("Royaume-Uni", "XI980780684", "XI980780684"),
    ],
)
def test_vat_number_read_in_the_client_country(
    country: str, vat_number: str, expected: str
) -> None:
    client = build_client({"name": "X", "country": country, "vat_number": vat_number}).client
    assert client.vat_number == expected


# --- kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({}, Kind.INDIVIDUAL),
        ({"email": "jean@exemple.fr"}, Kind.INDIVIDUAL),
        ({"siret": ACME_SIRET}, Kind.BUSINESS),
        ({"siren": ACME_SIREN}, Kind.BUSINESS),
        ({"vat_number": ACME_VAT}, Kind.BUSINESS),
        ({"country": "DE", "vat_number": "DE136695976"}, Kind.BUSINESS),
        ({"kind": "particulier"}, Kind.INDIVIDUAL),
        ({"kind": "individual"}, Kind.INDIVIDUAL),
        ({"kind": "professionnel"}, Kind.BUSINESS),
        ({"kind": "business"}, Kind.BUSINESS),
        ({"kind": "Professionnel"}, Kind.BUSINESS),
        # an explicit kind wins over the inference
        ({"kind": "particulier", "siret": ACME_SIRET}, Kind.INDIVIDUAL),
        ({"kind": "", "siret": ACME_SIRET}, Kind.BUSINESS),
    ],
)
def test_kind(raw: dict[str, Any], kind: Kind) -> None:
    assert build_client({"name": "X", **raw}).client.kind is kind


def test_invalid_kind_is_refused() -> None:
    (error,) = refused({"name": "X", "kind": "alien"})
    assert error.field == "kind"


# --- warnings ---------------------------------------------------------------------------


def test_french_business_without_siret_is_accepted_with_a_warning() -> None:
    built = build_client({"name": "ACME", "kind": "professionnel"})
    assert isinstance(built, Built)
    assert built.client.kind is Kind.BUSINESS
    (warning,) = built.warnings
    assert "SIREN" in warning
    assert "SIRET" in warning


def test_eu_business_without_vat_is_accepted_with_a_warning() -> None:
    built = build_client({"name": "GmbH", "kind": "professionnel", "country": "DE"})
    (warning,) = built.warnings
    assert "autoliquidation" in warning


@pytest.mark.parametrize(
    "raw",
    [
        {"name": "Dupont"},
        {"name": "Dupont", "kind": "particulier"},
        {"name": "Müller", "kind": "particulier", "country": "DE"},
        {"name": "Smith", "kind": "particulier", "country": "US"},
        {"name": "ACME", "siret": ACME_SIRET},
        {"name": "ACME", "siren": ACME_SIREN},
        {"name": "GmbH", "country": "DE", "vat_number": "DE136695976"},
        {"name": "SBM", "kind": "professionnel", "country": "MC"},
        {"name": "Inc", "kind": "professionnel", "country": "US"},
    ],
)
def test_no_warning(raw: dict[str, Any]) -> None:
    assert build_client(raw).warnings == []


# --- addresses and countries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("deu", "DE"),
        ("Royaume-Uni", "GB"),
        ("United Kingdom", "GB"),
        ("Suisse", "CH"),
        ("États-Unis", "US"),
        ("fra", "FR"),
    ],
)
def test_country_names_in_both_languages(country: str, code: str) -> None:
    client = build_client({"name": "X", "country": country}).client
    assert client.country == code
    if code == "FR":  # France alone is the default: no address at all
        assert client.billing_address is None
    else:
        assert client.billing_address is not None
        assert client.billing_address.country == code


def test_no_address_at_all() -> None:
    client = build_client({"name": "X"}).client
    assert client.billing_address is None
    assert client.delivery_address is None
    assert client.country == "FR"


def test_billing_address_is_normalised() -> None:
    client = build_client(
        {
            "name": "X",
            "address": " 12  rue de la Paix ",
            "line2": "Bât. B",
            "postal_code": "75 002",
            "city": " Paris ",
        }
    ).client
    assert client.billing_address == Address("12 rue de la Paix", "Bât. B", "75002", "Paris", "FR")


def test_delivery_address_with_its_own_country() -> None:
    client = build_client(
        {
            "name": "X",
            "country": "Allemagne",
            "postal_code": "10115",
            "delivery_address": "Bahnhofstraße 5",
            "delivery_postal_code": "1010",
            "delivery_country": "Autriche",
        }
    ).client
    assert client.delivery_address == Address("Bahnhofstraße 5", None, "1010", None, "AT")


@pytest.mark.parametrize(
    "raw",
    [
        {"delivery_address": "Hauptstraße 1"},
        {"delivery_address": "Hauptstraße 1", "delivery_postal_code": "1010"},
    ],
)
def test_delivery_address_defaults_to_billing_country(raw: dict[str, Any]) -> None:
    client = build_client({"name": "X", "country": "Allemagne", **raw}).client
    assert client.delivery_address is not None
    assert client.delivery_address.country == "DE"


def test_delivery_postal_code_checked_against_delivery_country() -> None:
    client = build_client(
        {"name": "X", "country": "DE", "delivery_postal_code": "75002", "delivery_country": "FR"}
    ).client
    assert client.delivery_address == Address(postal_code="75002", country="FR")
    (error,) = refused(
        {"name": "X", "country": "DE", "delivery_postal_code": "1010", "delivery_country": "FR"}
    )
    assert error.field == "delivery_address.postal_code"


def test_overseas_phone_read_with_postal_code_region() -> None:
    client = build_client(
        {"name": "X", "phone": "0690 12 34 56", "postal_code": "97110", "city": "Les Abymes"}
    ).client
    assert client.phone == "+590690123456"


def test_phone_read_in_the_client_country() -> None:
    client = build_client({"name": "X", "country": "Allemagne", "phone": "030 901820"}).client
    assert client.phone == "+4930901820"


# --- defaults ---------------------------------------------------------------------------


def test_builtin_defaults() -> None:
    client = build_client({"name": "X"}).client
    assert client.terms_days == 30
    assert client.currency == "EUR"
    assert client.end_of_month is False
    assert client.payment_method is None
    assert client.discount is None
    assert client.tags == []


def test_defaults_mapping_supplies_terms_and_currency() -> None:
    client = build_client({"name": "X"}, {"terms_days": 45, "currency": "CHF"}).client
    assert client.terms_days == 45
    assert client.currency == "CHF"


def test_given_values_win_over_defaults() -> None:
    client = build_client(
        {"name": "X", "terms_days": "15 jours", "currency": "usd"},
        {"terms_days": 45, "currency": "CHF"},
    ).client
    assert client.terms_days == 15
    assert client.currency == "USD"


def test_discount_uses_the_client_currency() -> None:
    client = build_client({"name": "X", "currency": "USD", "discount": "50 USD"}).client
    assert client.discount == Discount("amount", Decimal("50.00"))
    client = build_client({"name": "X", "discount": "50 CHF"}, {"currency": "CHF"}).client
    assert client.discount == Discount("amount", Decimal("50.00"))


@pytest.mark.parametrize(
    ("raw_tags", "expected"),
    [
        ("VIP, vip, Salon", ["VIP", "Salon"]),
        (["VIP", "vip", "Salon"], ["VIP", "Salon"]),
        (None, []),
        ("", []),
    ],
)
def test_tags(raw_tags: object, expected: list[str]) -> None:
    assert build_client({"name": "X", "tags": raw_tags}).client.tags == expected


# --- round trip -------------------------------------------------------------------------

FULL_BUSINESS = {
    "kind": "professionnel",
    "name": "  ACME   SAS ",
    "first_name": None,
    "email": "Compta@ACME.FR",
    "phone": "01 23 45 67 89",
    "address": "12 rue de la Paix",
    "line2": "3e étage",
    "postal_code": "75002",
    "city": "Paris",
    "country": "France",
    "delivery_address": "ZI des Chênes",
    "delivery_line2": "Quai 4",
    "delivery_postal_code": "69007",
    "delivery_city": "Lyon",
    "delivery_country": "FR",
    "siret": "732 829 320 00074",
    "siren": None,
    "vat_number": "FR 44 732 829 320",
    "terms_days": "45 jours",
    "end_of_month": "oui",
    "payment_method": "Prélèvement",
    "discount": "5,5 %",
    "currency": "€",
    "sector": "tech",
    "segment": "vip",
    "tags": "Salon, salon, Export",
}
FULL_INDIVIDUAL_ABROAD = {
    "kind": "particulier",
    "name": "Müller",
    "first_name": "Anna",
    "email": "anna@beispiel.de",
    "phone": "0151 23456789",
    "address": "Hauptstraße 1",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "Allemagne",
    "delivery_address": "Bahnhofstraße 5",
    "delivery_postal_code": "1010",
    "delivery_city": "Wien",
    "delivery_country": "Autriche",
    "terms_days": "15",
    "end_of_month": "non",
    "payment_method": "CB",
    "discount": "1 234,56",
    "currency": "EUR",
    "sector": "Santé",
    "segment": "Occasionnel",
    "tags": ["Allemand", "Web"],
}
FULL_OVERSEAS = {
    "name": "Lapin",
    "first_name": "Éléonore",
    "phone": "0690 12 34 56",
    "address": "1 rue Schœlcher",
    "postal_code": "97110",
    "city": "Pointe-à-Pitre",
    "siren": "552100554",
    "discount": "50 €",
    "payment_method": "chèque",
}


@pytest.mark.parametrize("raw", [FULL_BUSINESS, FULL_INDIVIDUAL_ABROAD, FULL_OVERSEAS])
def test_client_to_raw_round_trips(raw: dict[str, Any]) -> None:
    original = build_client(raw).client
    rebuilt = build_client(client_to_raw(original)).client
    for f in fields(Client):
        assert getattr(rebuilt, f.name) == getattr(original, f.name), f.name
    assert rebuilt == original


def test_fully_populated_client_is_normalised() -> None:
    client = build_client(FULL_BUSINESS).client
    assert client == Client(
        name="ACME SAS",
        kind=Kind.BUSINESS,
        email="Compta@acme.fr",
        phone="+33123456789",
        billing_address=Address("12 rue de la Paix", "3e étage", "75002", "Paris", "FR"),
        delivery_address=Address("ZI des Chênes", "Quai 4", "69007", "Lyon", "FR"),
        siret=ACME_SIRET,
        siren=ACME_SIREN,
        vat_number=ACME_VAT,
        terms_days=45,
        end_of_month=True,
        payment_method=PaymentMethod.PRELEVEMENT,
        discount=Discount("percent", Decimal("5.5")),
        currency="EUR",
        sector="Tech",
        segment="VIP",
        tags=["Salon", "Export"],
    )


def test_client_to_raw_uses_field_keys() -> None:
    raw = client_to_raw(build_client(FULL_BUSINESS).client)
    assert set(raw) == set(FIELD_KEYS)
    assert raw["discount"] == "5.5%"
    assert raw["terms_days"] == "45"
    assert raw["kind"] == "business"


# --- apply_changes ----------------------------------------------------------------------


@pytest.fixture
def stored() -> Client:
    """A client as the store would return it: identity, notes and dates set."""
    client = build_client(
        {
            "name": "ACME",
            "email": "contact@acme.fr",
            "phone": "06 12 34 56 78",
            "postal_code": "75002",
            "city": "Paris",
            "siret": ACME_SIRET,
            "terms_days": "45",
            "tags": "VIP",
        }
    ).client
    client.id = 7
    client.notes = [Note("2026-01-02T10:00:00+00:00", "Premier contact", id=1)]
    client.created_at = "2026-01-02T10:00:00+00:00"
    client.updated_at = "2026-01-03T10:00:00+00:00"
    return client


def test_changing_email_keeps_identity(stored: Client) -> None:
    built = apply_changes(stored, {"email": "Factures@ACME.fr"})
    new = built.client
    assert new.email == "Factures@acme.fr"
    assert new.id == 7
    assert new.notes == stored.notes
    assert new.notes is not stored.notes
    assert new.created_at == stored.created_at
    assert new.updated_at == stored.updated_at
    assert new.archived_at is None
    assert new.merged_into is None
    # nothing else moved
    assert new.copy(email=stored.email) == stored


@pytest.mark.parametrize("unset", [("phone",), ["phone"], {"phone"}])
def test_unset_takes_any_collection_of_fields(stored: Client, unset: Any) -> None:
    """A list or a set as well as a tuple (the compiled build once refused them)."""
    assert apply_changes(stored, {}, unset).client.phone is None


@pytest.mark.parametrize(
    ("defaults", "terms", "currency"),
    [({"terms_days": 45, "currency": "USD"}, 45, "USD"),
     ({"terms_days": "45", "currency": "usd"}, 45, "USD"),
     ({"terms_days": 45.0}, 45, "EUR"), ({}, 30, "EUR")],
)  # fmt: skip
def test_defaults_are_read_as_the_validators_read_them(
    defaults: dict[str, Any], terms: int, currency: str
) -> None:
    """Settings as stored (text) or given to the API: the client holds an int and a code."""
    client = build_client({"name": "ACME"}, defaults).client
    assert (client.terms_days, client.currency) == (terms, currency)
    assert type(client.terms_days) is int


@pytest.mark.parametrize("contacts", [[1], "Jeanne", 5, [{"last_name": "A"}, None]])
def test_contacts_that_are_not_objects_are_refused(contacts: object) -> None:
    with pytest.raises(ValidationFailed) as info:
        build_client({"name": "ACME", "contacts": contacts})
    assert {(e.field, e.key) for e in info.value.errors} == {("contacts", "contacts")}


def test_one_contact_object_is_one_contact() -> None:
    client = build_client({"name": "ACME", "contacts": {"last_name": "Martin"}}).client
    assert [(c.last_name, c.primary) for c in client.contacts] == [("Martin", True)]


def test_unset_phone(stored: Client) -> None:
    new = apply_changes(stored, {}, ("phone",)).client
    assert new.phone is None
    assert new.email == stored.email


def test_unset_siret_clears_the_derived_siren(stored: Client) -> None:
    new = apply_changes(stored, {}, ("siret",)).client
    assert new.siret is None
    assert new.siren is None
    assert new.kind is Kind.BUSINESS


def test_changing_siret_derives_the_siren_again(stored: Client) -> None:
    new = apply_changes(stored, {"siret": OTHER_SIRET}).client
    assert new.siret == OTHER_SIRET
    assert new.siren == OTHER_SIREN


def test_changing_to_another_establishment_keeps_the_siren(stored: Client) -> None:
    new = apply_changes(stored, {"siret": ACME_OTHER_SIRET}).client
    assert new.siret == ACME_OTHER_SIRET
    assert new.siren == ACME_SIREN


def test_none_in_changes_keeps_the_value(stored: Client) -> None:
    new = apply_changes(stored, {"email": None, "city": "Lyon"}).client
    assert new.email == stored.email
    assert new.billing_address is not None
    assert new.billing_address.city == "Lyon"


def test_invalid_change_is_refused(stored: Client) -> None:
    with pytest.raises(ValidationFailed) as info:
        apply_changes(stored, {"email": "pas-un-email", "terms_days": "90"})
    assert sorted(e.field for e in info.value.errors) == ["email", "terms_days"]


def test_vat_of_another_company_is_refused_on_edit(stored: Client) -> None:
    with pytest.raises(ValidationFailed) as info:
        apply_changes(stored, {"vat_number": OTHER_VAT})
    assert info.value.field == "vat_number"


def test_changing_country_rereads_postal_code_rules(stored: Client) -> None:
    new = apply_changes(stored, {"country": "Belgique", "postal_code": "1000"}).client
    assert new.billing_address is not None
    assert new.billing_address.country == "BE"
    assert new.billing_address.postal_code == "1000"


@pytest.mark.parametrize("key", UNSETTABLE)
def test_every_unsettable_field_can_be_cleared(stored: Client, key: str) -> None:
    apply_changes(stored, {}, (key,))


def test_name_kind_and_tags_are_not_unsettable() -> None:
    assert "name" not in UNSETTABLE
    assert "kind" not in UNSETTABLE
    assert "tags" not in UNSETTABLE


@pytest.mark.parametrize(
    "place",
    [
        {"country": "RE"},
        {"country": "La Réunion"},
        {"country": "Réunion"},
        {"country": "FR", "postal_code": "97400"},
        {"postal_code": "97400"},
    ],
)
def test_an_overseas_client_gets_one_zone_and_regime_however_its_place_is_written(
    place: dict[str, str],
) -> None:
    from newbi_clients.fiscal import vat_regime, zone_of
    from newbi_clients.models import Zone

    client = build_client({"name": "Payet", "city": "Saint-Denis", **place}).client
    assert client.country == "RE"
    assert zone_of(client.country) is Zone.FRANCE
    regime = vat_regime(client.kind, client.country, client.vat_number)
    assert regime.code == "overseas"
    assert regime.warning and "expert-comptable" in regime.warning
    assert "Guyane" in regime.warning


def test_the_vat_prefix_gives_the_country_when_none_is_given() -> None:
    built = build_client({"name": "Müller GmbH", "vat_number": "DE136695976"})
    assert built.client.country == "DE"
    assert built.client.kind is Kind.BUSINESS
    assert not any("autre pays" in w for w in built.warnings)


def test_a_vat_number_of_another_country_than_the_address_warns() -> None:
    built = build_client(
        {"name": "Müller GmbH", "country": "Belgique", "vat_number": "DE136695976"}
    )
    assert built.client.country == "BE"
    assert any("DE136695976 est celui d'un autre pays (Allemagne)" in w for w in built.warnings)


def test_the_validators_skipped_for_missing_values_answer_none() -> None:
    """build_client does not call these for a missing value: they would answer None."""
    assert len(NONE_FOR_NONE) == 11
    for func in NONE_FOR_NONE:
        assert func(None) is None, func
    assert v.normalize_phone(None, "DE", "97400") is None
    assert v.normalize_postal_code(None, "DE") is None
    assert v.normalize_vat(None, "BE") is None
    assert v.parse_discount(None, "USD") is None


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ({"postal_code": "1201", "city": "Genève", "phone": "+41 22 123 45 67"}, "CH"),
        ({"city": "Lausanne", "phone": "0041 21 123 45 67"}, "CH"),
        ({"postal_code": "1000", "city": "Bruxelles", "phone": "+32 2 512 34 56"}, "BE"),
        # five digits as written: a French postal code, whatever the phone
        ({"postal_code": "75002", "city": "Paris", "phone": "+32 2 512 34 56"}, "FR"),
        # a French or overseas phone, or no address: nothing to guess
        ({"city": "Bourg-en-Bresse", "phone": "04 74 00 00 00"}, "FR"),
        ({"city": "Saint-Denis", "phone": "+262 692 12 34 56"}, "FR"),
        ({"country": "FR", "city": "Lyon", "phone": "+41 22 123 45 67"}, "FR"),
    ],
)
def test_an_address_without_country_takes_its_foreign_phone_s(
    raw: dict[str, str], country: str
) -> None:
    built = build_client({"name": "Client", **raw})
    address = built.client.billing_address
    assert address is not None and address.country == country
    said = [w for w in built.warnings if w.startswith("Pays déduit de l'indicatif")]
    assert len(said) == (country != "FR")
