"""Zone and VAT regime of a client, derived from its data and the seller's settings (pure).

The rules are those of the French tax code for a French seller (CGI art. 259-1, 262 ter I,
283-2 and 293 B): French VAT at home and for
Monaco; reverse charge for an EU business with a valid VAT number; French VAT for an EU
business without one or an EU individual; outside the EU, art. 259-1 for services to a
business, export exemption for goods; and the art. 293 B mention for a seller under the
VAT franchise, which overrides everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from newbi_clients.models import Client, Kind, ViesCheck, Zone

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
# Monaco is inside the French VAT territory.
FRENCH_VAT_COUNTRIES = frozenset({"FR", "MC"})


@dataclass(frozen=True, slots=True)
class SellerSettings:
    """What the seller's own situation changes in its clients' VAT treatment."""

    activity: str = "services"  # "services" | "goods"
    vat_franchise: bool = False
    default_terms_days: int = 30
    default_currency: str = "EUR"


@dataclass(frozen=True, slots=True)
class VatRegime:
    """A VAT regime code, the invoice mention that goes with it, and an optional warning."""

    code: str
    mention: str
    warning: str | None = None

    def to_dict(self) -> dict[str, str]:
        """JSON shape: ``{code, mention}``."""
        return {"code": self.code, "mention": self.mention}


FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"
REVERSE_CHARGE_SERVICES = (
    "Autoliquidation – TVA due par le preneur (art. 283-2 du CGI / art. 196 de la"
    " directive 2006/112/CE)"
)
REVERSE_CHARGE_GOODS = "Exonération de TVA, article 262 ter I du CGI"
OUTSIDE_EU_SERVICES = "TVA non applicable, art. 259-1 du CGI"
OUTSIDE_EU_GOODS = "Exonération de TVA, article 262 I du CGI"
FRENCH_VAT_MENTION = "TVA française au taux en vigueur"
EU_NO_VAT_WARNING = (
    "Client professionnel de l'UE sans numéro de TVA intracommunautaire : l'autoliquidation"
    " est impossible, ses factures porteront la TVA française."
)
FRENCH_NO_SIRET_WARNING = (
    "Client professionnel français sans SIRET : le SIREN du client deviendra une mention"
    " obligatoire des factures (facturation électronique) ; pensez à le renseigner."
)


def zone_of(country: str) -> Zone:
    """France (and Monaco), Europe (another EU member state) or International."""
    if country in FRENCH_VAT_COUNTRIES:
        return Zone.FRANCE
    if country in EU_COUNTRIES:
        return Zone.EUROPE
    return Zone.INTERNATIONAL


def client_regime(client: Client, settings: SellerSettings | None = None) -> VatRegime:
    """The VAT regime of a client, its last VIES check included."""
    return vat_regime(client.kind, client.country, client.vat_number, settings, client.vies)


def vat_regime(
    kind: Kind,
    country: str,
    vat_number: str | None,
    settings: SellerSettings | None = None,
    vies: ViesCheck | None = None,
) -> VatRegime:
    """The VAT regime of a client; ``vat_number`` is a number that validated (or None),
    ``vies`` what VIES last said of it (reverse charge needs it valid: see
    :func:`_with_vies`)."""
    return _with_vies(_regime(kind, country, vat_number, settings), vies)


def _regime(
    kind: Kind, country: str, vat_number: str | None, settings: SellerSettings | None
) -> VatRegime:
    settings = settings or SellerSettings()
    goods = settings.activity == "goods"
    if settings.vat_franchise:
        return VatRegime("franchise", FRANCHISE_MENTION)
    zone = zone_of(country)
    if zone is Zone.FRANCE:
        return VatRegime("french_vat", FRENCH_VAT_MENTION)
    if zone is Zone.EUROPE:
        if kind is Kind.INDIVIDUAL:
            mention = FRENCH_VAT_MENTION
            if goods:
                mention += (
                    " (ventes à distance : TVA du pays de l'acheteur via le guichet OSS au-delà"
                    " de 10 000 € de ventes annuelles dans l'UE)"
                )
            return VatRegime("eu_individual", mention)
        if vat_number and not vat_number.startswith("FR"):
            return VatRegime(
                "reverse_charge", REVERSE_CHARGE_GOODS if goods else REVERSE_CHARGE_SERVICES
            )
        if vat_number:  # registered for VAT in France: it pays French VAT
            return VatRegime("french_vat", FRENCH_VAT_MENTION)
        return VatRegime("eu_no_vat_number", FRENCH_VAT_MENTION, EU_NO_VAT_WARNING)
    if kind is Kind.BUSINESS:
        if goods and country == "GB" and vat_number and vat_number.startswith("XI"):
            # Northern Ireland stays in the EU VAT system for goods (Windsor Framework)
            return VatRegime("reverse_charge", REVERSE_CHARGE_GOODS)
        return VatRegime("outside_eu", OUTSIDE_EU_GOODS if goods else OUTSIDE_EU_SERVICES)
    if goods:
        return VatRegime("outside_eu", OUTSIDE_EU_GOODS)
    return VatRegime(
        "outside_eu",
        FRENCH_VAT_MENTION + " (particulier hors UE ; exceptions de l'art. 259 B du CGI)",
    )


VIES_INVALID_WARNING = (
    "VIES a déclaré ce numéro de TVA invalide le {date} : pas d'autoliquidation, ses"
    " factures portent la TVA française tant qu'un nouveau contrôle (newbi-clients vies)"
    " ne le confirme pas."
)
VIES_NOT_CHECKED_WARNING = (
    "Numéro de TVA non vérifié dans VIES : l'autoliquidation suppose un numéro valide ;"
    " vérifiez-le avec « newbi-clients vies » avant de facturer sans TVA."
)
VIES_UNAVAILABLE_WARNING = (
    "VIES était indisponible lors du contrôle du {date} : le numéro de TVA n'a pas été"
    " confirmé ; relancez « newbi-clients vies » avant de facturer sans TVA."
)


def _with_vies(regime: VatRegime, vies: ViesCheck | None) -> VatRegime:
    """Reverse charge needs a number VIES said valid: an invalid one gives French VAT, a
    number not checked or found unavailable keeps reverse charge with a warning."""
    if regime.code != "reverse_charge" or vies is None or vies.status == "valid":
        return regime
    date = _day(vies.checked_at)
    if vies.status == "invalid":
        return VatRegime("french_vat", FRENCH_VAT_MENTION, VIES_INVALID_WARNING.format(date=date))
    if vies.status == "unavailable":
        return VatRegime(regime.code, regime.mention, VIES_UNAVAILABLE_WARNING.format(date=date))
    return VatRegime(regime.code, regime.mention, VIES_NOT_CHECKED_WARNING)


def _day(stamp: str | None) -> str:
    """« 2026-11-30T08:00:00+00:00 » → « 30/11/2026 »."""
    if not stamp or len(stamp) < 10:
        return "?"
    return f"{stamp[8:10]}/{stamp[5:7]}/{stamp[:4]}"


def business_warnings(
    kind: Kind, country: str, siret: str | None, siren: str | None, vat_number: str | None
) -> list[str]:
    """What a missing identifier means for a business client's invoices."""
    if kind is not Kind.BUSINESS:
        return []
    zone = zone_of(country)
    if zone is Zone.FRANCE and country == "FR" and not (siret or siren):
        return [FRENCH_NO_SIRET_WARNING]
    if zone is Zone.EUROPE and not vat_number:
        return [EU_NO_VAT_WARNING]
    return []
