"""Field-level validation rules (SIRET, SIREN, VAT numbers, postal codes, countries, emails and phones).

Each rule of the specification has its own table of accepted inputs (with their
canonical form) and refused inputs (with the French message, exact where the
specification fixes its wording).
"""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.fr import siret as stdnum_siret

from newbi_clients import validation as v
from newbi_clients.errors import FieldError, ValidationFailed
from newbi_clients.models import Discount, Kind, PaymentMethod

EMAIL_MESSAGE = "Email invalide : vérifiez que l'email contient @ et un domaine valide"
NAME_MESSAGE = "Nom ou raison sociale obligatoire"
SIRET_LENGTH_MESSAGE = "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"

# La Poste: every post office shares the SIREN 356000000 and its SIRETs do not use Luhn;
# stdnum requires a digit sum that is a multiple of 5 instead (head office excepted).
LA_POSTE_HEAD_OFFICE = "35600000000048"
LA_POSTE_NOT_LUHN = "35600000000010"  # digit sum 15: valid for stdnum, fails plain Luhn
LA_POSTE_INVALID = "35600000000014"  # passes plain Luhn, digit sum 19: invalid


def refusal(func, *args) -> FieldError:
    """Call a validator that must refuse its input; return the single FieldError."""
    with pytest.raises(ValidationFailed) as info:
        func(*args)
    assert len(info.value.errors) == 1
    return info.value.errors[0]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve a name or open a connection fails the test."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during validation")

    monkeypatch.setattr(socket, "getaddrinfo", forbidden)
    monkeypatch.setattr(socket, "gethostbyname", forbidden)
    monkeypatch.setattr(socket.socket, "connect", forbidden)


# --- fold / match_key / clean -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Éléonore", "eleonore"),
        ("ÉLÉONORE Dupré", "eleonore dupre"),
        ("Çà et là", "ca et la"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_fold_lowers_and_strips_accents(text: str, expected: str) -> None:
    assert v.fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Code-Postal", "codepostal"), ("États-Unis", "etatsunis"), ("Cœur d'Alène", "coeurdalene")],
)
def test_match_key_drops_spaces_and_punctuation(text: str, expected: str) -> None:
    assert v.match_key(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("   ", None), ("  a b ", "a b"), (0, "0"), (30, "30")],
)
def test_clean(value: object, expected: str | None) -> None:
    assert v.clean(value) == expected


# --- name -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n"])
def test_missing_name_is_refused(value: object) -> None:
    err = refusal(v.normalize_name, value)
    assert err.field == "name"
    assert err.message == NAME_MESSAGE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ACME", "ACME"),
        ("  Jean   Dupont ", "Jean Dupont"),
        ("Société\tGénérale", "Société Générale"),
    ],
)
def test_name_whitespace_is_collapsed(value: str, expected: str) -> None:
    assert v.normalize_name(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("  ", None), (" 12  rue  de la Paix ", "12 rue de la Paix")],
)
def test_optional_text(value: object, expected: str | None) -> None:
    assert v.normalize_text(value) == expected


# --- kind -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("particulier", Kind.INDIVIDUAL),
        ("Particulier", Kind.INDIVIDUAL),
        ("individual", Kind.INDIVIDUAL),
        ("B2C", Kind.INDIVIDUAL),
        ("professionnel", Kind.BUSINESS),
        ("business", Kind.BUSINESS),
        ("PRO", Kind.BUSINESS),
        ("Entreprise", Kind.BUSINESS),
        ("Société", Kind.BUSINESS),
        ("b2b", Kind.BUSINESS),
    ],
)
def test_kind(value: str, expected: Kind) -> None:
    assert v.normalize_kind(value) is expected


@pytest.mark.parametrize("value", ["alien", "", None, "client"])
def test_unknown_kind_is_refused(value: object) -> None:
    err = refusal(v.normalize_kind, value)
    assert err.field == "kind"
    assert err.message == "Type invalide : indiquez « particulier » ou « professionnel »"


# --- email ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a domain that does not exist is accepted: no DNS lookup
        ("jean@exemple-inexistant-123.fr", "jean@exemple-inexistant-123.fr"),
        # domain lower-cased, local part kept as typed
        ("Jean.Dupont@Exemple.FR", "Jean.Dupont@exemple.fr"),
        ("JEAN@EXEMPLE.FR", "JEAN@exemple.fr"),
        ("  jean.dupont@exemple.fr  ", "jean.dupont@exemple.fr"),
        ("contact+factures@acme.co.uk", "contact+factures@acme.co.uk"),
    ],
)
def test_valid_email_is_normalised_offline(no_network: None, value: str, expected: str) -> None:
    assert v.normalize_email(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_email_is_optional(value: object) -> None:
    assert v.normalize_email(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "jean.dupont@",
        "jean",
        "a@b",
        "@x.fr",
        "jean@localhost",
        "jean..dupont@exemple.fr",
        "jean dupont@exemple.fr",
        "Jean Dupont <jean@exemple.fr>",
        "jean@@exemple.fr",
    ],
)
def test_invalid_email_is_refused(no_network: None, value: str) -> None:
    err = refusal(v.normalize_email, value)
    assert err.field == "email"
    assert err.value == value.strip()
    assert err.message == EMAIL_MESSAGE


def test_email_key_ignores_case() -> None:
    assert v.email_key("Jean.Dupont@exemple.fr") == v.email_key("jean.dupont@EXEMPLE.fr")
    assert v.email_key(None) is None


# --- SIRET ------------------------------------------------------------------------------


def test_la_poste_samples_have_the_intended_properties() -> None:
    """The hard-coded La Poste samples are what their names say."""
    assert stdnum_siret.is_valid(LA_POSTE_HEAD_OFFICE)
    assert stdnum_siret.is_valid(LA_POSTE_NOT_LUHN)
    assert not luhn.is_valid(LA_POSTE_NOT_LUHN)
    assert sum(map(int, LA_POSTE_NOT_LUHN)) % 5 == 0
    assert luhn.is_valid(LA_POSTE_INVALID)
    assert not stdnum_siret.is_valid(LA_POSTE_INVALID)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),
        ("732.829.320.00074", "73282932000074"),
        ("732-829-320-00074", "73282932000074"),
        ("732\u00a0829\u00a0320\u00a000074", "73282932000074"),
        (" 73282932000074 ", "73282932000074"),
        (LA_POSTE_HEAD_OFFICE, LA_POSTE_HEAD_OFFICE),
        ("356 000 000 00048", LA_POSTE_HEAD_OFFICE),
        (LA_POSTE_NOT_LUHN, LA_POSTE_NOT_LUHN),
    ],
)
def test_valid_siret(value: str, expected: str) -> None:
    assert v.normalize_siret(value) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_siret_is_optional(value: object) -> None:
    assert v.normalize_siret(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "7328293200007",  # 13 digits
        "732829320000744",  # 15 digits
        "732829320",  # a SIREN
        "7328293200007A",  # a letter
        "ABCDEFGHIJKLMN",  # letters only, 14 characters
        "732 829 320 0007",
    ],
)
def test_siret_with_wrong_length_or_letters_is_refused(value: str) -> None:
    err = refusal(v.normalize_siret, value)
    assert err.field == "siret"
    assert err.message == SIRET_LENGTH_MESSAGE


@pytest.mark.parametrize(
    "value",
    [
        "73282932000075",  # last digit off by one
        "73282932900000",  # 14-digit Luhn passes, embedded SIREN does not
        LA_POSTE_INVALID,  # Luhn passes, La Poste rule does not
    ],
)
def test_siret_with_bad_checksum_is_refused(value: str) -> None:
    err = refusal(v.normalize_siret, value)
    assert err.field == "siret"
    assert err.message.startswith("SIRET invalide")
    assert "clé de contrôle" in err.message
    assert err.message != SIRET_LENGTH_MESSAGE


# --- SIREN ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("732829320", "732829320"),
        ("732 829 320", "732829320"),
        ("732.829.320", "732829320"),
        ("356000000", "356000000"),
        ("552100554", "552100554"),
    ],
)
def test_valid_siren(value: str, expected: str) -> None:
    assert v.normalize_siren(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932", "SIREN invalide : le SIREN doit contenir exactement 9 chiffres"),
        ("7328293201", "SIREN invalide : le SIREN doit contenir exactement 9 chiffres"),
        ("73282932A", "SIREN invalide : le SIREN doit contenir exactement 9 chiffres"),
        (
            "732829321",
            "SIREN invalide : la clé de contrôle ne correspond pas (vérifiez chacun des 9 chiffres)",
        ),
    ],
)
def test_invalid_siren_is_refused(value: str, message: str) -> None:
    err = refusal(v.normalize_siren, value)
    assert err.field == "siren"
    assert err.message == message


# --- VAT number -------------------------------------------------------------------------


def test_vat_samples_are_valid_for_stdnum() -> None:
    for number in ("FR44732829320", "DE136695976", "EL094259216", "XI980780684"):
        assert eu_vat.is_valid(number), number


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("FR44732829320", "FR", "FR44732829320"),
        ("FR 44 732 829 320", "FR", "FR44732829320"),
        ("fr-44-732829320", "FR", "FR44732829320"),
        ("FR\u00a044\u00a0732\u00a0829\u00a0320", "FR", "FR44732829320"),
        ("FR\u202f44\u202f732829320", "FR", "FR44732829320"),
        ("FR.44.732.829.320", "FR", "FR44732829320"),
        # a newer key with letters
        ("FRK7399859412", "FR", "FRK7399859412"),
        # Greece: EL, a GR prefix is rewritten
        ("EL094259216", "GR", "EL094259216"),
        ("GR094259216", "GR", "EL094259216"),
        ("gr 094 259 216", "FR", "EL094259216"),
        # Northern Ireland
        ("XI980780684", "GB", "XI980780684"),
        ("xi 980 780 684", "FR", "XI980780684"),
        ("DE136695976", "DE", "DE136695976"),
        ("DE 136.695.976", "FR", "DE136695976"),
        # without prefix: the client's country
        ("136695976", "DE", "DE136695976"),
        ("44732829320", "FR", "FR44732829320"),
        ("094259216", "GR", "EL094259216"),
        # outside the EU system: stdnum.vatin
        ("GB980780684", "GB", "GB980780684"),
        ("CHE-116.281.710 MWST", "CH", "CHE116281710MWST"),
    ],
)
def test_valid_vat_number(value: str, country: str, expected: str) -> None:
    assert v.normalize_vat(value, country) == expected


@pytest.mark.parametrize("value", ["15000000001", "15 000 000 001"])
def test_monaco_vat_number_without_prefix(value: str) -> None:
    assert v.normalize_vat(value, "MC") == "FR15000000001"


def test_monaco_vat_number_with_prefix() -> None:
    assert v.normalize_vat("FR 15 000 000 001", "MC") == "FR15000000001"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_vat_number_is_optional(value: object) -> None:
    assert v.normalize_vat(value) is None


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("FR45732829320", "FR"),  # wrong key
        ("FR4473282932", "FR"),  # too short
        ("DE136695977", "DE"),  # wrong check digit
        ("XI980780685", "GB"),
        ("EL094259217", "GR"),
        ("732829320", "FR"),  # a SIREN is not a VAT number
        ("123456789", "US"),  # no VAT system known for the country
        ("ZZ123456789", "FR"),
        ("FR", "FR"),
        ("-", "FR"),
    ],
)
def test_invalid_vat_number_is_refused(value: str, country: str) -> None:
    err = refusal(v.normalize_vat, value, country)
    assert err.field == "vat_number"
    assert err.value == value
    assert err.message.startswith("Numéro de TVA invalide")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("FR44732829320", "732829320"),
        ("FRK7399859412", "399859412"),
        ("FR15000000001", None),  # Monaco: not a SIREN
        ("DE136695976", None),
        ("EL094259216", None),
    ],
)
def test_vat_siren(number: str, expected: str | None) -> None:
    assert v.vat_siren(number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("FR44732829320", True),
        ("DE136695976", True),
        ("EL094259216", True),
        ("XI980780684", True),
        ("GB980780684", False),
        ("CHE116281710MWST", False),
        (None, False),
        ("", False),
    ],
)
def test_is_eu_vat_number(number: str | None, expected: bool) -> None:
    assert v.is_eu_vat_number(number) is expected


@pytest.mark.parametrize(("country", "prefix"), [("GR", "EL"), ("FR", "FR"), ("DE", "DE")])
def test_vat_prefix(country: str, prefix: str) -> None:
    assert v.vat_prefix(country) == prefix


# --- phone ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country", "postal_code", "expected"),
    [
        ("06 12 34 56 78", "FR", None, "+33612345678"),
        ("0612345678", "FR", None, "+33612345678"),
        ("06.12.34.56.78", "FR", None, "+33612345678"),
        ("06-12-34-56-78", "FR", None, "+33612345678"),
        ("0033612345678", "FR", None, "+33612345678"),
        ("00 33 6 12 34 56 78", "FR", None, "+33612345678"),
        ("+33 6 12 34 56 78", "FR", None, "+33612345678"),
        ("+33 (0)6 12 34 56 78", "FR", None, "+33612345678"),
        ("01 23 45 67 89", "FR", "75002", "+33123456789"),
        # an international number keeps its own country whatever the client's
        ("+33 6 12 34 56 78", "DE", None, "+33612345678"),
        # read in the client's country
        ("030 901820", "DE", None, "+4930901820"),
        ("0151 23456789", "DE", "10115", "+4915123456789"),
        ("(202) 456-1111", "US", None, "+12024561111"),
        # overseas departments: their own numbering region, from the postal code
        ("0690 12 34 56", "FR", "97110", "+590690123456"),
        ("0696 20 12 34", "FR", "97200", "+596696201234"),
        ("0694 20 12 34", "FR", "97300", "+594694201234"),
        ("0692 12 34 56", "FR", "97400", "+262692123456"),
        ("0639 01 23 45", "FR", "97600", "+262639012345"),
        # the spaces of a word processor or a French spreadsheet: narrow no-break, thin
        ("06\u202f12\u202f34\u202f56\u202f78", "FR", None, "+33612345678"),
        ("06\u200912\u200934\u200956\u200978", "FR", None, "+33612345678"),
        ("+262\u202f692\u202f12\u202f34\u202f56", "FR", None, "+262692123456"),
        ("030\u2007901820", "DE", None, "+4930901820"),
    ],
)
def test_valid_phone_is_stored_e164(
    value: str, country: str, postal_code: str | None, expected: str
) -> None:
    assert v.normalize_phone(value, country, postal_code) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_phone_is_optional(value: object) -> None:
    assert v.normalize_phone(value) is None


@pytest.mark.parametrize(
    ("value", "postal_code", "expected"),
    [
        ("0690 12 34 56", "75002", "+590690123456"),
        ("0692 12 34 56", None, "+262692123456"),
        ("0696 20 12 34", "69002", "+596696201234"),
        ("0594 30 12 34", "75002", "+594594301234"),
        ("0639 01 23 45", None, "+262639012345"),
    ],
)
def test_overseas_numbers_are_valid_whatever_the_address(
    value: str, postal_code: str | None, expected: str
) -> None:
    assert v.normalize_phone(value, "FR", postal_code) == expected


def test_international_phone_that_lost_its_plus() -> None:
    assert v.normalize_phone("492984850345", "DE") == "+492984850345"
    assert v.normalize_phone("+49 2984 850345", "DE") == "+492984850345"


def test_phone_hint_fits_the_client_country() -> None:
    err = refusal(v.normalize_phone, "12", "DE", None)
    assert "+49" in err.message and "+33" not in err.message


@pytest.mark.parametrize(
    ("value", "country", "postal_code"),
    [
        ("12", "FR", None),
        ("abc", "FR", None),
        ("06 12", "FR", None),
        ("06 12 34 56 78 90", "FR", None),
        ("0690 12", "FR", "75002"),
    ],
)
def test_invalid_phone_is_refused(value: str, country: str, postal_code: str | None) -> None:
    err = refusal(v.normalize_phone, value, country, postal_code)
    assert err.field == "phone"
    assert err.message.startswith("Téléphone invalide")
    assert value in err.message


def test_invalid_phone_message_names_the_country_in_french() -> None:
    err = refusal(v.normalize_phone, "12", "DE")
    assert "Allemagne" in err.message


@pytest.mark.parametrize(
    ("country", "postal_code", "region"),
    [
        ("FR", "97110", "GP"),
        ("FR", "97200", "MQ"),
        ("FR", "97300", "GF"),
        ("FR", "97400", "RE"),
        ("FR", "97600", "YT"),
        ("FR", "97500", "FR"),
        ("FR", "75002", "FR"),
        ("FR", None, "FR"),
        ("DE", "97110", "DE"),
    ],
)
def test_phone_region(country: str, postal_code: str | None, region: str) -> None:
    assert v.phone_region(country, postal_code) == region


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+33612345678", "06 12 34 56 78"),
        ("+33123456789", "01 23 45 67 89"),
        ("+4915123456789", "+49 1512 3456789"),
        ("+4930901820", "+49 30 901820"),
        ("+12024561111", "+1 202-456-1111"),
        ("+590690123456", "+590 690 12 34 56"),
        (None, None),
        ("", None),
        ("pas un numéro", "pas un numéro"),
    ],
)
def test_format_phone(e164: str | None, expected: str | None) -> None:
    assert v.format_phone(e164) == expected


# --- postal code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "country", "expected"),
    [
        ("75002", "FR", "75002"),
        ("01000", "FR", "01000"),  # leading zero kept: text
        ("20000", "FR", "20000"),  # Corsica
        ("97110", "FR", "97110"),
        (" 75 002 ", "FR", "75002"),
        ("98000", "MC", "98000"),
        # free elsewhere
        ("1000", "BE", "1000"),
        ("10115", "DE", "10115"),
        ("sw1a  1aa", "GB", "SW1A 1AA"),
        ("2A004", "DE", "2A004"),
        ("90210", "US", "90210"),
    ],
)
def test_valid_postal_code(value: str, country: str, expected: str) -> None:
    result = v.normalize_postal_code(value, country)
    assert isinstance(result, str)
    assert result == expected


@pytest.mark.parametrize(
    ("value", "country"),
    [
        ("1000", "FR"),
        ("7500A", "FR"),
        ("2A004", "FR"),
        ("2B200", "FR"),
        ("750002", "FR"),
        ("980", "MC"),
    ],
)
def test_invalid_french_postal_code_is_refused(value: str, country: str) -> None:
    err = refusal(v.normalize_postal_code, value, country)
    assert err.field == "postal_code"
    assert err.message.startswith("Code postal invalide")
    assert "5 chiffres" in err.message


def test_postal_code_error_names_the_given_field() -> None:
    err = refusal(v.normalize_postal_code, "1000", "FR", "delivery_postal_code")
    assert err.field == "delivery_postal_code"


@pytest.mark.parametrize("value", [None, "", "  "])
def test_postal_code_is_optional(value: object) -> None:
    assert v.normalize_postal_code(value, "FR") is None


# --- country ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FR", "FR"),
        ("fr", "FR"),
        ("fra", "FR"),
        ("France", "FR"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("DE", "DE"),
        ("deu", "DE"),
        ("Royaume-Uni", "GB"),
        ("Royaume Uni", "GB"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("Espagne", "ES"),
        ("Spain", "ES"),
        ("Belgique", "BE"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("États-Unis", "US"),
        ("etats unis", "US"),
        ("United States", "US"),
        ("USA", "US"),
        ("Grèce", "GR"),
        ("Greece", "GR"),
        ("Italie", "IT"),
        ("Pays-Bas", "NL"),
        ("Monaco", "MC"),
        ("  allemagne  ", "DE"),
    ],
)
def test_country_from_code_or_name(value: str, expected: str) -> None:
    assert v.normalize_country(value) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_country_defaults_to_france(value: object) -> None:
    assert v.normalize_country(value) == "FR"


@pytest.mark.parametrize("value", ["Atlantide", "Narnia", "XX", "ZZZ"])
def test_unknown_country_is_refused(value: str) -> None:
    err = refusal(v.normalize_country, value)
    assert err.field == "country"
    assert err.message.startswith("Pays inconnu")
    assert value in err.message


def test_country_error_names_the_given_field() -> None:
    err = refusal(v.normalize_country, "Atlantide", "delivery_country")
    assert err.field == "delivery_country"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Russia", "RU"),
        ("Great Britain", "GB"),
    ],
)
def test_common_english_country_names(value: str, expected: str) -> None:
    assert v.normalize_country(value) == expected


@pytest.mark.parametrize(("code", "label"), [("DE", "Allemagne"), ("FR", "France"), ("ZZ", "ZZ")])
def test_country_label(code: str, label: str) -> None:
    assert v.country_label(code) == label


# --- currency ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("EUR", "EUR"),
        ("usd", "USD"),
        (" chf ", "CHF"),
        ("€", "EUR"),
        ("$", "USD"),
        ("£", "GBP"),
        ("GBP", "GBP"),
    ],
)
def test_currency(value: str, expected: str) -> None:
    assert v.normalize_currency(value) == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_currency_is_optional(value: object) -> None:
    assert v.normalize_currency(value) is None


@pytest.mark.parametrize("value", ["EURO", "XYZ", "eu", "euros", "dollar"])
def test_invalid_currency_is_refused(value: str) -> None:
    err = refusal(v.normalize_currency, value)
    assert err.field == "currency"
    assert err.message.startswith("Devise invalide")
    assert "ISO 4217" in err.message


# --- payment terms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("15", 15),
        ("30", 30),
        ("45", 45),
        ("60", 60),
        ("30 jours", 30),
        ("30j", 30),
        ("30 j", 30),
        ("45 JOURS", 45),
        ("60 days", 60),
        ("30.0", 30),
        (30, 30),
    ],
)
def test_valid_terms(value: object, expected: int) -> None:
    assert v.normalize_terms(value) == expected


@pytest.mark.parametrize("value", [None, ""])
def test_terms_are_optional(value: object) -> None:
    assert v.normalize_terms(value) is None


@pytest.mark.parametrize("value", ["90", "61", "120 jours"])
def test_terms_over_sixty_days_are_refused_by_law(value: str) -> None:
    err = refusal(v.normalize_terms, value)
    assert err.field == "terms_days"
    assert err.message.startswith("Délai de paiement refusé")
    assert "60" in err.message
    assert "L441-10" in err.message


@pytest.mark.parametrize("value", ["20", "0", "1 jour", "trente", "-30", "30 semaines"])
def test_terms_outside_the_allowed_values_are_refused(value: str) -> None:
    err = refusal(v.normalize_terms, value)
    assert err.field == "terms_days"
    assert err.message == "Délai de paiement invalide : choisissez 15, 30, 45 ou 60 jours"


# --- booleans ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("o", True),
        ("yes", True),
        ("true", True),
        ("True", True),
        ("vrai", True),
        ("1", True),
        (True, True),
        ("non", False),
        ("Non", False),
        ("no", False),
        ("false", False),
        ("faux", False),
        ("0", False),
        (False, False),
        (None, None),
        ("", None),
    ],
)
def test_parse_bool(value: object, expected: bool | None) -> None:
    assert v.parse_bool(value) is expected


@pytest.mark.parametrize("value", ["peut-être", "2", "si"])
def test_invalid_bool_is_refused(value: str) -> None:
    err = refusal(v.parse_bool, value)
    assert err.field == "end_of_month"
    assert "oui ou non" in err.message


def test_bool_error_names_the_given_field() -> None:
    assert refusal(v.parse_bool, "bof", "archived").field == "archived"


# --- payment method ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("virement", PaymentMethod.VIREMENT),
        ("Virement", PaymentMethod.VIREMENT),
        ("virement bancaire", PaymentMethod.VIREMENT),
        ("Virement SEPA", PaymentMethod.VIREMENT),
        ("bank transfer", PaymentMethod.VIREMENT),
        ("chèque", PaymentMethod.CHEQUE),
        ("Chèque", PaymentMethod.CHEQUE),
        ("cheque", PaymentMethod.CHEQUE),
        ("prélèvement", PaymentMethod.PRELEVEMENT),
        ("Prélèvement SEPA", PaymentMethod.PRELEVEMENT),
        ("prelevement", PaymentMethod.PRELEVEMENT),
        ("CB", PaymentMethod.CARTE),
        ("carte bancaire", PaymentMethod.CARTE),
        ("carte", PaymentMethod.CARTE),
        ("Espèces", PaymentMethod.ESPECES),
        ("espèce", PaymentMethod.ESPECES),
        ("cash", PaymentMethod.ESPECES),
    ],
)
def test_payment_method(value: str, expected: PaymentMethod) -> None:
    assert v.normalize_payment_method(value) is expected


@pytest.mark.parametrize("value", [None, "", " "])
def test_payment_method_is_optional(value: object) -> None:
    assert v.normalize_payment_method(value) is None


@pytest.mark.parametrize("value", ["bitcoin", "paypal", "traite"])
def test_unknown_payment_method_is_refused(value: str) -> None:
    err = refusal(v.normalize_payment_method, value)
    assert err.field == "payment_method"
    assert err.message.startswith("Mode de paiement invalide")


# --- discount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "kind", "amount"),
    [
        ("5%", "EUR", "percent", Decimal("5")),
        ("5 %", "EUR", "percent", Decimal("5")),
        ("5,5 %", "EUR", "percent", Decimal("5.5")),
        ("5.5%", "EUR", "percent", Decimal("5.5")),
        ("0%", "EUR", "percent", Decimal("0")),
        ("100%", "EUR", "percent", Decimal("100")),
        ("50", "EUR", "amount", Decimal("50.00")),
        ("50 EUR", "EUR", "amount", Decimal("50.00")),
        ("50 eur", "EUR", "amount", Decimal("50.00")),
        ("50 €", "EUR", "amount", Decimal("50.00")),
        ("50€", "EUR", "amount", Decimal("50.00")),
        ("1 234,56", "EUR", "amount", Decimal("1234.56")),
        ("1\u00a0234,56", "EUR", "amount", Decimal("1234.56")),
        ("1.234,56", "EUR", "amount", Decimal("1234.56")),
        ("1,234.56", "EUR", "amount", Decimal("1234.56")),
        ("12,5", "EUR", "amount", Decimal("12.50")),
        ("50 USD", "USD", "amount", Decimal("50.00")),
    ],
)
def test_valid_discount(value: str, currency: str, kind: str, amount: Decimal) -> None:
    discount = v.parse_discount(value, currency)
    assert isinstance(discount, Discount)
    assert discount.type == kind
    assert isinstance(discount.value, Decimal)
    assert discount.value == amount
    # same digits, not just the same number
    assert str(discount.value) == str(amount)


@pytest.mark.parametrize("value", ["50 €", "50 EUR"])
def test_amount_in_another_currency_is_refused(value: str) -> None:
    err = refusal(v.parse_discount, value, "USD")
    assert err.field == "discount"


@pytest.mark.parametrize("value", ["1" + "0" * 30, "9" * 40 + " €"])
def test_an_amount_beyond_what_a_decimal_holds_is_refused(value: str) -> None:
    """Cents of more than 28 digits cannot be kept exactly: refused, never a crash."""
    err = refusal(v.parse_discount, value)
    assert (err.field, err.message) == ("discount", "Remise invalide : montant trop grand")


@pytest.mark.parametrize("value", [None, "", "  "])
def test_discount_is_optional(value: object) -> None:
    assert v.parse_discount(value) is None


@pytest.mark.parametrize("value", ["-5", "-5%", "-5 %", "-50 €"])
def test_negative_discount_is_refused(value: str) -> None:
    err = refusal(v.parse_discount, value)
    assert err.field == "discount"
    assert "ne peut pas être négative" in err.message


@pytest.mark.parametrize("value", ["150%", "100,01 %"])
def test_percentage_over_100_is_refused(value: str) -> None:
    err = refusal(v.parse_discount, value)
    assert err.field == "discount"
    assert "100 %" in err.message


@pytest.mark.parametrize(
    ("value", "currency"),
    [("abc", "EUR"), ("%", "EUR"), ("5 %%", "EUR"), ("50 CHF", "USD"), ("1,2,3", "EUR")],
)
def test_unreadable_discount_is_refused(value: str, currency: str) -> None:
    err = refusal(v.parse_discount, value, currency)
    assert err.field == "discount"
    assert err.message.startswith("Remise invalide")
    assert currency in err.message


# --- sector, segment, tags --------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (v.normalize_sector, "tech", "Tech"),
        (v.normalize_sector, "sante", "Santé"),
        (v.normalize_sector, "  BTP ", "BTP"),
        (v.normalize_sector, "Aéronautique", "Aéronautique"),
        (v.normalize_sector, None, None),
        (v.normalize_segment, "vip", "VIP"),
        (v.normalize_segment, "regulier", "Régulier"),
        (v.normalize_segment, " grand   compte ", "grand compte"),
        (v.normalize_segment, "", None),
    ],
)
def test_sector_and_segment_take_the_suggested_spelling(
    func: object, value: str | None, expected: str | None
) -> None:
    assert func(value) == expected  # type: ignore[operator]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["VIP, vip, Salon"], ["VIP", "Salon"]),
        (["VIP", "vip", "Salon"], ["VIP", "Salon"]),
        (["salon", "SALON", "Salon"], ["salon"]),
        (["Éco", "eco", "ECO"], ["Éco"]),
        ([" a ,, b ", "a"], ["a", "b"]),
        (["grand  compte", "Grand compte"], ["grand compte"]),
        ([], []),
        ([""], []),
        # Outlook's categories, and a spreadsheet user's semicolons
        (["Fournisseurs;Clients"], ["Fournisseurs", "Clients"]),
        (["VIP; Salon, vip"], ["VIP", "Salon"]),
    ],
)
def test_tags_are_unique_ignoring_case_keeping_first_spelling(
    values: list[str], expected: list[str]
) -> None:
    assert v.normalize_tags(values) == expected


def test_tag_longer_than_100_characters_is_refused() -> None:
    assert v.normalize_tags(["x" * 100]) == ["x" * 100]
    err = refusal(v.normalize_tags, ["x" * 101])
    assert err.field == "tags"
    assert "100 caractères" in err.message


def test_tag_key() -> None:
    assert v.tag_key("Éco  Responsable") == v.tag_key("eco responsable") == "eco responsable"


@given(st.text() | st.text(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u3000\u200bab"))
@settings(max_examples=3000, deadline=None)
@example("Le  Bon Coin")
@example("Le\u00a0Bon")
@example("a\x1fb")
def test_collapse_is_split_and_join(text: str) -> None:
    """The shortcut of ``collapse`` gives what splitting and joining give, on any text
    stripped as ``clean`` strips it."""
    stripped = text.strip()
    assert v.collapse(stripped) == " ".join(stripped.split())
    assert v.normalize_text(text) == (" ".join(text.split()) or None)


@pytest.mark.parametrize(
    ("text", "alone", "extension"),
    [
        ("01 23 45 67 89 poste 12", "01 23 45 67 89", "12"),
        ("01 23 45 67 89 - Poste : 204", "01 23 45 67 89", "204"),
        ("01.23.45.67.89 p.12", "01.23.45.67.89", "12"),
        ("+33 1 23 45 67 89 ext. 7", "+33 1 23 45 67 89", "7"),
        ("+33 1 23 45 67 89 x12", "+33 1 23 45 67 89", "12"),
        ("0123456789#12", "0123456789", "12"),
        ("06 12 34 56 78", "06 12 34 56 78", None),
        ("Tél. 01 23 45 67 89", "Tél. 01 23 45 67 89", None),
    ],
)
def test_split_extension(text: str, alone: str, extension: str | None) -> None:
    assert v.split_extension(text) == (alone, extension)


@pytest.mark.parametrize(
    "text", ["01 23 45 67 89 poste 12", "01 23 45 67 89 ext. 12", "+33123456789;ext=12"]
)
def test_a_phone_with_an_extension_is_refused_not_cut(text: str) -> None:
    # phonenumbers reads « ext. 12 » and E.164 drops it: the extension would be lost
    with pytest.raises(ValidationFailed) as caught:
        v.normalize_phone(text)
    assert "le poste 12 ne peut pas être enregistré" in caught.value.errors[0].message


@pytest.mark.parametrize(
    ("name", "code"),
    [("Schweiz", "CH"), ("België", "BE"), ("Deutschland", "DE"), ("España", "ES"),
     ("Italia", "IT"), ("Nederland", "NL"), ("Österreich", "AT"), ("Suisse", "CH"),
     ("Germany", "DE"), ("Allemagne", "DE")],
)  # fmt: skip
def test_country_names_of_the_neighbours_languages(name: str, code: str) -> None:
    assert v.normalize_country(name) == code


def test_an_unknown_country_is_one_error_not_a_french_postal_code_too() -> None:
    from newbi_clients.builder import build_client

    with pytest.raises(ValidationFailed) as caught:
        build_client(
            {"name": "Müller", "postal_code": "1201", "city": "Genf", "country": "Schwiiz"}
        )
    assert [e.field for e in caught.value.errors] == ["billing_address.country"]
