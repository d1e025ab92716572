"""The field flags of ``add`` and ``edit``: they mirror the JSON keys in kebab case."""

from typing import Annotated, Any

import typer

IDENT = "Identité et contact"
ADDR = "Adresse de facturation"
DELIV = "Adresse de livraison"
FISC = "Identifiants fiscaux"
PAY = "Conditions de paiement"
ORG = "Organisation"


def _opt(flag: str, help_: str, panel: str, metavar: str = "TEXTE") -> Any:
    return typer.Option(
        flag, help=help_, rich_help_panel=panel, metavar=metavar, show_default=False
    )


Kind = Annotated[
    str | None,
    _opt("--kind", "particulier (individual) ou professionnel (business).", IDENT, "TYPE"),
]
Name = Annotated[str | None, _opt("--name", "Nom, ou raison sociale (obligatoire).", IDENT)]
NewName = Annotated[str | None, _opt("--name", "Nom, ou raison sociale.", IDENT)]
FirstName = Annotated[str | None, _opt("--first-name", "Prénom (particulier).", IDENT)]
Email = Annotated[str | None, _opt("--email", "Adresse email.", IDENT, "EMAIL")]
Phone = Annotated[
    str | None, _opt("--phone", "Téléphone (06 12 34 56 78, +49 30 …).", IDENT, "TEL")
]
Address = Annotated[str | None, _opt("--address", "Adresse, ligne 1.", ADDR)]
Line2 = Annotated[str | None, _opt("--line2", "Complément d'adresse.", ADDR)]
PostalCode = Annotated[str | None, _opt("--postal-code", "Code postal.", ADDR, "CP")]
City = Annotated[str | None, _opt("--city", "Ville.", ADDR)]
Country = Annotated[
    str | None,
    _opt(
        "--country", "Pays : code (FR, DE) ou nom (Allemagne, Germany). Défaut : FR.", ADDR, "PAYS"
    ),
]
NewCountry = Annotated[
    str | None, _opt("--country", "Pays : code (FR, DE) ou nom (Allemagne, Germany).", ADDR, "PAYS")
]
DeliveryAddress = Annotated[
    str | None, _opt("--delivery-address", "Adresse de livraison, ligne 1.", DELIV)
]
DeliveryLine2 = Annotated[
    str | None, _opt("--delivery-line2", "Complément d'adresse de livraison.", DELIV)
]
DeliveryPostalCode = Annotated[
    str | None, _opt("--delivery-postal-code", "Code postal de livraison.", DELIV, "CP")
]
DeliveryCity = Annotated[str | None, _opt("--delivery-city", "Ville de livraison.", DELIV)]
DeliveryCountry = Annotated[
    str | None, _opt("--delivery-country", "Pays de livraison.", DELIV, "PAYS")
]
Siret = Annotated[
    str | None, _opt("--siret", "SIRET (14 chiffres ; espaces et points acceptés).", FISC, "SIRET")
]
Siren = Annotated[str | None, _opt("--siren", "SIREN, si le SIRET n'est pas connu.", FISC, "SIREN")]
VatNumber = Annotated[
    str | None,
    _opt("--vat-number", "Numéro de TVA intracommunautaire (FR44732829320).", FISC, "TVA"),
]
TermsDays = Annotated[
    str | None, _opt("--terms-days", "Délai de paiement : 15, 30, 45 ou 60 jours.", PAY, "JOURS")
]
EndOfMonth = Annotated[
    bool | None,
    typer.Option(
        "--end-of-month/--no-end-of-month",
        help="Échéance en fin de mois (ou non).",
        rich_help_panel=PAY,
        show_default=False,
    ),
]
PaymentMethod = Annotated[
    str | None,
    _opt("--payment-method", "virement, cheque, prelevement, carte ou especes.", PAY, "MODE"),
]
Discount = Annotated[
    str | None,
    _opt("--discount", "Remise : 5% (pourcentage) ou 50 / 50 EUR (montant).", PAY, "REMISE"),
]
Currency = Annotated[
    str | None, _opt("--currency", "Devise ISO 4217 (EUR, USD, CHF…).", PAY, "DEVISE")
]
Sector = Annotated[
    str | None, _opt("--sector", "Secteur d'activité (Retail, Services, Tech…).", ORG)
]
Segment = Annotated[str | None, _opt("--segment", "Segment (VIP, Régulier, Occasionnel…).", ORG)]
Tag = Annotated[list[str] | None, _opt("--tag", "Tag (répétable).", ORG, "TAG")]
AddTag = Annotated[list[str] | None, _opt("--tag", "Ajoute un tag (répétable).", ORG, "TAG")]
Untag = Annotated[list[str] | None, _opt("--untag", "Retire un tag (répétable).", ORG, "TAG")]
SetTags = Annotated[
    str | None,
    _opt(
        "--set-tags",
        'Remplace tous les tags par cette liste, séparés par des virgules ("" : aucun).',
        ORG,
        "TAGS",
    ),
]
Note = Annotated[list[str] | None, _opt("--note", "Une note horodatée (répétable).", ORG)]

CustomField = Annotated[
    list[str] | None,
    _opt("--field", "Champ personnalisé : NOM=VALEUR (répétable ; NOM= l'efface).", ORG,
         "NOM=VALEUR"),
]  # fmt: skip

RAW_KEYS = (
    "kind", "name", "first_name", "email", "phone", "address", "line2", "postal_code", "city",
    "country", "delivery_address", "delivery_line2", "delivery_postal_code", "delivery_city",
    "delivery_country", "siret", "siren", "vat_number", "terms_days", "end_of_month",
    "payment_method", "discount", "currency", "sector", "segment",
)  # fmt: skip


def collect(values: dict[str, Any]) -> dict[str, Any]:
    """The raw field values given as flags (None for those not given)."""
    raw = {key: values.get(key) for key in RAW_KEYS}
    tags = values.get("tag")
    raw["tags"] = list(tags) if tags else None
    return raw
