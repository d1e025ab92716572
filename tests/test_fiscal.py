"""Zone and VAT regime of a client (French seller: CGI art. 259-1, 262 ter I, 283-2, 293 B).

The expected codes and invoice mentions are written out literally, row by row, rather
than derived from the module under test.
"""

from __future__ import annotations

import pytest

from newbi_clients.fiscal import (
    SellerSettings,
    VatRegime,
    business_warnings,
    vat_regime,
    zone_of,
)
from newbi_clients.models import Kind, Zone

I = Kind.INDIVIDUAL  # noqa: E741
B = Kind.BUSINESS

FRENCH_VAT = "TVA française au taux en vigueur"
FRANCHISE = "TVA non applicable, art. 293 B du CGI"
AUTOLIQUIDATION = (
    "Autoliquidation – TVA due par le preneur (art. 283-2 du CGI / art. 196 de la"
    " directive 2006/112/CE)"
)
INTRA_EU_GOODS = "Exonération de TVA, article 262 ter I du CGI"
OUTSIDE_EU_SERVICES = "TVA non applicable, art. 259-1 du CGI"
EXPORT_GOODS = "Exonération de TVA, article 262 I du CGI"
EU_INDIVIDUAL_GOODS = (
    "TVA française au taux en vigueur (ventes à distance : TVA du pays de l'acheteur via"
    " le guichet OSS au-delà de 10 000 € de ventes annuelles dans l'UE)"
)
NON_EU_INDIVIDUAL_SERVICES = (
    "TVA française au taux en vigueur (particulier hors UE ; exceptions de l'art. 259 B du CGI)"
)
EU_NO_VAT_WARNING = (
    "Client professionnel de l'UE sans numéro de TVA intracommunautaire : l'autoliquidation"
    " est impossible, ses factures porteront la TVA française."
)
FRENCH_NO_SIRET_WARNING = (
    "Client professionnel français sans SIRET : le SIREN du client deviendra une mention"
    " obligatoire des factures (facturation électronique) ; pensez à le renseigner."
)

# A number that validated, per country group (vat_regime trusts its caller on validity).
VAT = {"FR": "FR44732829320", "DE": "DE136695976", "US": "US123456789"}


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("FR", Zone.FRANCE),
        ("MC", Zone.FRANCE),
        ("DE", Zone.EUROPE),
        ("GR", Zone.EUROPE),
        ("BE", Zone.EUROPE),
        ("BG", Zone.EUROPE),
        ("IE", Zone.EUROPE),
        ("GB", Zone.INTERNATIONAL),
        ("US", Zone.INTERNATIONAL),
        ("CH", Zone.INTERNATIONAL),
        ("NO", Zone.INTERNATIONAL),
        ("EL", Zone.INTERNATIONAL),  # a VAT prefix, not a country code
    ],
)
def test_zone_of(country: str, zone: Zone) -> None:
    assert zone_of(country) is zone


@pytest.mark.parametrize(
    "country",
    "AT BE BG CY CZ DE DK EE ES FI GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(),
)
def test_every_other_eu_member_state_is_europe(country: str) -> None:
    assert zone_of(country) is Zone.EUROPE


# kind, country, VAT number given, activity, franchise -> code, mention, warning
REGIME_TABLE = [
    # --- seller in VAT franchise: overrides everything --------------------------------
    (I, "FR", False, "services", True, "franchise", FRANCHISE, None),
    (I, "FR", False, "goods", True, "franchise", FRANCHISE, None),
    (I, "FR", True, "services", True, "franchise", FRANCHISE, None),
    (I, "FR", True, "goods", True, "franchise", FRANCHISE, None),
    (B, "FR", False, "services", True, "franchise", FRANCHISE, None),
    (B, "FR", False, "goods", True, "franchise", FRANCHISE, None),
    (B, "FR", True, "services", True, "franchise", FRANCHISE, None),
    (B, "FR", True, "goods", True, "franchise", FRANCHISE, None),
    (I, "DE", False, "services", True, "franchise", FRANCHISE, None),
    (I, "DE", False, "goods", True, "franchise", FRANCHISE, None),
    (I, "DE", True, "services", True, "franchise", FRANCHISE, None),
    (I, "DE", True, "goods", True, "franchise", FRANCHISE, None),
    (B, "DE", False, "services", True, "franchise", FRANCHISE, None),
    (B, "DE", False, "goods", True, "franchise", FRANCHISE, None),
    (B, "DE", True, "services", True, "franchise", FRANCHISE, None),
    (B, "DE", True, "goods", True, "franchise", FRANCHISE, None),
    (I, "US", False, "services", True, "franchise", FRANCHISE, None),
    (I, "US", False, "goods", True, "franchise", FRANCHISE, None),
    (I, "US", True, "services", True, "franchise", FRANCHISE, None),
    (I, "US", True, "goods", True, "franchise", FRANCHISE, None),
    (B, "US", False, "services", True, "franchise", FRANCHISE, None),
    (B, "US", False, "goods", True, "franchise", FRANCHISE, None),
    (B, "US", True, "services", True, "franchise", FRANCHISE, None),
    (B, "US", True, "goods", True, "franchise", FRANCHISE, None),
    # --- France: French VAT, whoever the client -----------------------------------------
    (I, "FR", False, "services", False, "french_vat", FRENCH_VAT, None),
    (I, "FR", False, "goods", False, "french_vat", FRENCH_VAT, None),
    (I, "FR", True, "services", False, "french_vat", FRENCH_VAT, None),
    (I, "FR", True, "goods", False, "french_vat", FRENCH_VAT, None),
    (B, "FR", False, "services", False, "french_vat", FRENCH_VAT, None),
    (B, "FR", False, "goods", False, "french_vat", FRENCH_VAT, None),
    (B, "FR", True, "services", False, "french_vat", FRENCH_VAT, None),
    (B, "FR", True, "goods", False, "french_vat", FRENCH_VAT, None),
    # --- EU individual: French VAT (distance sales note for goods) ----------------------
    (I, "DE", False, "services", False, "eu_individual", FRENCH_VAT, None),
    (I, "DE", False, "goods", False, "eu_individual", EU_INDIVIDUAL_GOODS, None),
    (I, "DE", True, "services", False, "eu_individual", FRENCH_VAT, None),
    (I, "DE", True, "goods", False, "eu_individual", EU_INDIVIDUAL_GOODS, None),
    # --- EU business without VAT number: French VAT and a warning -----------------------
    (B, "DE", False, "services", False, "eu_no_vat_number", FRENCH_VAT, EU_NO_VAT_WARNING),
    (B, "DE", False, "goods", False, "eu_no_vat_number", FRENCH_VAT, EU_NO_VAT_WARNING),
    # --- EU business with a valid VAT number: reverse charge / intra-EU supply ----------
    (B, "DE", True, "services", False, "reverse_charge", AUTOLIQUIDATION, None),
    (B, "DE", True, "goods", False, "reverse_charge", INTRA_EU_GOODS, None),
    # --- outside the EU, business: art. 259-1 for services, export for goods ------------
    (B, "US", False, "services", False, "outside_eu", OUTSIDE_EU_SERVICES, None),
    (B, "US", False, "goods", False, "outside_eu", EXPORT_GOODS, None),
    (B, "US", True, "services", False, "outside_eu", OUTSIDE_EU_SERVICES, None),
    (B, "US", True, "goods", False, "outside_eu", EXPORT_GOODS, None),
    # --- outside the EU, individual: French VAT by default for services, export for goods
    (I, "US", False, "services", False, "outside_eu", NON_EU_INDIVIDUAL_SERVICES, None),
    (I, "US", False, "goods", False, "outside_eu", EXPORT_GOODS, None),
    (I, "US", True, "services", False, "outside_eu", NON_EU_INDIVIDUAL_SERVICES, None),
    (I, "US", True, "goods", False, "outside_eu", EXPORT_GOODS, None),
]


def test_regime_table_covers_every_combination_once() -> None:
    combos = {row[:5] for row in REGIME_TABLE}
    assert len(REGIME_TABLE) == len(combos) == 2 * 3 * 2 * 2 * 2


@pytest.mark.parametrize(
    ("kind", "country", "has_vat", "activity", "franchise", "code", "mention", "warning"),
    REGIME_TABLE,
)
def test_vat_regime(
    kind: Kind,
    country: str,
    has_vat: bool,
    activity: str,
    franchise: bool,
    code: str,
    mention: str,
    warning: str | None,
) -> None:
    settings = SellerSettings(activity=activity, vat_franchise=franchise)
    regime = vat_regime(kind, country, VAT[country] if has_vat else None, settings)
    assert regime.code == code
    assert regime.mention == mention
    assert regime.warning == warning
    assert regime.to_dict() == {"code": code, "mention": mention}


def test_reverse_charge_mention_cites_the_law() -> None:
    services = vat_regime(B, "DE", "DE136695976", SellerSettings(activity="services"))
    assert services.mention.startswith("Autoliquidation")
    assert "art. 283-2 du CGI" in services.mention
    assert "2006/112/CE" in services.mention
    goods = vat_regime(B, "DE", "DE136695976", SellerSettings(activity="goods"))
    assert goods.mention == "Exonération de TVA, article 262 ter I du CGI"


def test_eu_business_without_vat_number_warns_about_autoliquidation() -> None:
    regime = vat_regime(B, "DE", None)
    assert regime.warning is not None
    assert "autoliquidation" in regime.warning


@pytest.mark.parametrize(
    ("kind", "country", "vat_number", "activity", "code", "mention"),
    [
        # Monaco is inside the French VAT territory
        (B, "MC", "FR15000000001", "services", "french_vat", FRENCH_VAT),
        (I, "MC", None, "goods", "french_vat", FRENCH_VAT),
        # Greece: an EU member state, VAT prefix EL
        (B, "GR", "EL094259216", "services", "reverse_charge", AUTOLIQUIDATION),
        (B, "GR", "EL094259216", "goods", "reverse_charge", INTRA_EU_GOODS),
        (I, "GR", None, "services", "eu_individual", FRENCH_VAT),
        # United Kingdom and Switzerland: third countries
        (B, "GB", "GB980780684", "services", "outside_eu", OUTSIDE_EU_SERVICES),
        (B, "GB", "GB980780684", "goods", "outside_eu", EXPORT_GOODS),
        (B, "CH", "CHE116281710MWST", "services", "outside_eu", OUTSIDE_EU_SERVICES),
        (I, "CH", None, "goods", "outside_eu", EXPORT_GOODS),
        # services to Northern Ireland count as supplies to the UK
        (B, "GB", "XI980780684", "services", "outside_eu", OUTSIDE_EU_SERVICES),
    ],
)
def test_vat_regime_other_countries(
    kind: Kind, country: str, vat_number: str | None, activity: str, code: str, mention: str
) -> None:
    regime = vat_regime(kind, country, vat_number, SellerSettings(activity=activity))
    assert regime.to_dict() == {"code": code, "mention": mention}
    assert regime.warning is None


def test_goods_to_northern_ireland_business_are_an_intra_eu_supply() -> None:
    regime = vat_regime(B, "GB", "XI980780684", SellerSettings(activity="goods"))
    assert regime.to_dict() == {"code": "reverse_charge", "mention": INTRA_EU_GOODS}


def test_default_settings_are_services_without_franchise() -> None:
    settings = SellerSettings()
    assert settings.activity == "services"
    assert settings.vat_franchise is False
    assert settings.default_terms_days == 30
    assert settings.default_currency == "EUR"
    assert vat_regime(B, "DE", "DE136695976").mention == AUTOLIQUIDATION
    assert vat_regime(B, "US", None).mention == OUTSIDE_EU_SERVICES


def test_vat_regime_to_dict_has_only_code_and_mention() -> None:
    regime = VatRegime("eu_no_vat_number", FRENCH_VAT, EU_NO_VAT_WARNING)
    assert regime.to_dict() == {"code": "eu_no_vat_number", "mention": FRENCH_VAT}


@pytest.mark.parametrize(
    ("kind", "country", "siret", "siren", "vat_number", "expected"),
    [
        (B, "FR", None, None, None, [FRENCH_NO_SIRET_WARNING]),
        (B, "FR", None, None, "FR44732829320", [FRENCH_NO_SIRET_WARNING]),
        (B, "FR", "73282932000074", "732829320", None, []),
        (B, "FR", None, "732829320", None, []),
        (B, "MC", None, None, None, []),  # Monaco companies have no SIRET
        (B, "DE", None, None, None, [EU_NO_VAT_WARNING]),
        (B, "GR", None, None, None, [EU_NO_VAT_WARNING]),
        (B, "DE", None, None, "DE136695976", []),
        (B, "US", None, None, None, []),
        (B, "GB", None, None, None, []),
        (I, "FR", None, None, None, []),
        (I, "DE", None, None, None, []),
        (I, "US", None, None, None, []),
    ],
)
def test_business_warnings(
    kind: Kind,
    country: str,
    siret: str | None,
    siren: str | None,
    vat_number: str | None,
    expected: list[str],
) -> None:
    assert business_warnings(kind, country, siret, siren, vat_number) == expected


def test_french_business_warning_mentions_siren_and_siret() -> None:
    (warning,) = business_warnings(B, "FR", None, None, None)
    assert "SIRET" in warning
    assert "SIREN" in warning
