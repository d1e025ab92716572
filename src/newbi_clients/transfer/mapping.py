"""Column headers of import files, in French or English, mapped to client fields."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from newbi_clients.errors import ImportRejected
from newbi_clients.models import FieldDef
from newbi_clients.validation import match_key

_ALIASES: dict[str, tuple[str, ...]] = {
    "kind": ("type", "typedeclient", "typeclient", "kind", "nature"),
    "name": (
        "nom",
        "name",
        "raisonsociale",
        "nomouraisonsociale",
        "nomraisonsociale",
        "societe",
        "entreprise",
        "company",
        "companyname",
        "nomdelentreprise",
        "client",
        "nomduclient",
        "lastname",
        "nomdefamille",
        "denomination",
    ),
    "first_name": ("prenom", "firstname", "givenname", "prenomducontact"),
    "email": (
        "email",
        "mail",
        "courriel",
        "adresseemail",
        "adressemail",
        "emailaddress",
        "adressecourriel",
    ),
    "phone": (
        "telephone",
        "tel",
        "phone",
        "portable",
        "mobile",
        "telephoneportable",
        "numerodetelephone",
        "phonenumber",
        "telfixe",
    ),
    "address": (
        "adresse",
        "address",
        "adresse1",
        "rue",
        "street",
        "adressedefacturation",
        "billingaddress",
        "ligne1",
        "addressline1",
        "voie",
    ),
    "line2": (
        "complementdadresse",
        "complementadresse",
        "complement",
        "adresse2",
        "address2",
        "addressline2",
        "ligne2",
    ),
    "postal_code": (
        "codepostal",
        "cp",
        "zip",
        "zipcode",
        "postalcode",
        "postcode",
        "codepostaldefacturation",
    ),
    "city": ("ville", "city", "commune", "localite", "town"),
    "country": ("pays", "country", "codepays", "countrycode"),
    "delivery_address": (
        "adressedelivraison",
        "deliveryaddress",
        "shippingaddress",
        "adresselivraison",
    ),
    "delivery_line2": ("complementlivraison", "complementdadressedelivraison", "deliveryline2"),
    "delivery_postal_code": (
        "codepostallivraison",
        "cplivraison",
        "deliverypostalcode",
        "shippingpostalcode",
    ),
    "delivery_city": ("villelivraison", "deliverycity", "shippingcity"),
    "delivery_country": ("payslivraison", "deliverycountry", "shippingcountry"),
    "siret": ("siret", "numerosiret", "nsiret", "nodesiret"),
    "siren": ("siren", "numerosiren", "nsiren"),
    "vat_number": (
        "tvaintracommunautaire",
        "tvaintracom",
        "numerodetva",
        "numerotva",
        "ntva",
        "tva",
        "vat",
        "vatnumber",
        "vatid",
        "numerotvaintracommunautaire",
        "identifianttva",
    ),
    "terms_days": (
        "delaidepaiement",
        "delai",
        "paymentterms",
        "termsdays",
        "delaipaiement",
        "conditionsdepaiement",
    ),
    "end_of_month": ("findemois", "endofmonth"),
    "payment_method": (
        "modedepaiement",
        "paymentmethod",
        "reglement",
        "moyendepaiement",
        "modedereglement",
    ),
    "discount": ("remise", "discount", "reduction"),
    "currency": ("devise", "currency", "monnaie"),
    "sector": ("secteur", "secteurdactivite", "sector", "industry", "activite"),
    "segment": ("segment", "categorie", "category", "segmentclient"),
    "tags": ("tags", "tag", "etiquettes", "labels", "motscles"),
    "notes": (
        "notes",
        "note",
        "commentaire",
        "commentaires",
        "comments",
        "remarques",
        "observations",
    ),
    # the person of a company row, its primary contact (the template's last columns)
    "contact_first_name": ("contactprenom", "prenomcontact", "contactfirstname"),
    "contact_last_name": ("contactnom", "nomcontact", "contactlastname", "contactname"),
    "contact_position": (
        "contactfonction", "fonction", "poste", "fonctioncontact", "jobtitle", "contacttitle",
        "contactposition",
    ),
    "contact_department": (
        "contactservice", "service", "departement", "department", "contactdepartment",
    ),
    "contact_email": ("contactemail", "emailcontact", "emailducontact", "contactmail"),
    "contact_phone": (
        "contacttelephone", "telephonecontact", "telephoneducontact", "contactphone",
        "contacttel",
    ),
}  # fmt: skip
HEADER_FIELDS = {alias: key for key, aliases in _ALIASES.items() for alias in aliases}
# columns added by newbi-clients itself (the reason column of --errors files): not reported
IGNORED = {"motifdurejet"}
REQUIRED = {"name": "Nom", "email": "Email", "address": "Adresse"}


# headers of a name column that holds company names: a row without a type is a business
COMPANY_NAME_HEADERS = frozenset(
    ("raisonsociale", "societe", "entreprise", "company", "companyname", "nomdelentreprise",
     "denomination")
)  # fmt: skip


@dataclass(slots=True)
class HeaderMap:
    """Which column holds which field, and the columns that were ignored."""

    columns: dict[int, str]  # column index → field key
    labels: dict[str, str] = field(default_factory=dict)  # field key → header as written
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    # the custom fields' definitions by key, to check their columns' values
    field_defs: dict[str, FieldDef] = field(default_factory=dict)

    @property
    def company_names(self) -> bool:
        """Whether the name column's header names companies (« Raison sociale »)."""
        return match_key(self.labels.get("name", "")) in COMPANY_NAME_HEADERS

    def label(self, key: str) -> str:
        """The user's header for a field (or the template's name when absent)."""
        return self.labels.get(key, key)


FIELD_PREFIX = "fields."  # the key of a custom field's column: « fields.Origine »


def map_headers(header: list[str], field_defs: Mapping[str, FieldDef] | None = None) -> HeaderMap:
    """Match headers ignoring case, accents, spaces and punctuation; a column named after
    a custom field (``field_defs``: key → definition) holds that field's values.

    :raises ImportRejected: when Nom, Email or Adresse is missing, naming those found.
    """
    mapping = HeaderMap(columns={}, field_defs=dict(field_defs or {}))
    custom = {match_key(f.name): FIELD_PREFIX + f.name for f in mapping.field_defs.values()}
    for index, text in enumerate(header):
        if not text.strip():
            continue
        key = HEADER_FIELDS.get(match_key(text)) or custom.get(match_key(text))
        if key is None:
            if match_key(text) not in IGNORED:
                mapping.unknown.append(text)
        elif key in mapping.labels:
            mapping.repeated.append(text)
        else:
            mapping.columns[index] = key
            mapping.labels[key] = text
    missing = [label for key, label in REQUIRED.items() if key not in mapping.labels]
    if missing:
        found = ", ".join(f"« {h} »" for h in header if h.strip()) or "aucune"
        raise ImportRejected(
            f"Colonnes obligatoires absentes : {', '.join(missing)}. Colonnes trouvées : {found}."
            " Les en-têtes attendus sont ceux du modèle (newbi-clients template)."
        )
    return mapping
