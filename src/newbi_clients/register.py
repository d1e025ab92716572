"""Look-up of French companies in the public company register, to fill or check a fiche.

The register is the « API Recherche d'entreprises » of the French administration
(https://recherche-entreprises.api.gouv.fr/docs/, the service behind the Annuaire des
Entreprises; its source is public: github.com/annuaire-entreprises-data-gouv-fr/search-api,
response model in ``app/models/unite_legale.py``). ``GET {url}/search?q=…`` (a name, a
SIREN or a SIRET) answers ``{"results": [...], "total_results", "page", "per_page",
"total_pages"}``; each result has ``siren``, ``nom_complet``, ``nom_raison_sociale``,
``nature_juridique`` (INSEE legal category code), ``activite_principale`` (NAF code),
``etat_administratif`` (``A`` active, ``C`` ceased), ``siege`` and
``matching_etablissements``, establishments with ``siret``, ``adresse``,
``numero_voie``, ``indice_repetition``, ``type_voie``, ``libelle_voie``,
``complement_adresse``, ``code_postal``, ``libelle_commune``, ``activite_principale``,
``est_siege`` and ``etat_administratif`` (``A`` open, ``F`` closed). Too many requests
are answered HTTP 429 (the service allows a few a second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from newbi_clients.models import Address, Client

if TYPE_CHECKING:
    from newbi_clients.online import HttpClient

DEFAULT_URL = "https://recherche-entreprises.api.gouv.fr"
SERVICE = "l'annuaire des entreprises"
# Common legal categories of the INSEE nomenclature (« catégories juridiques »)
LEGAL_FORMS = {
    "1000": "Entrepreneur individuel",
    "5202": "SNC",
    "5485": "SELARL",
    "5498": "EURL",
    "5499": "SARL",
    "5599": "SA à conseil d'administration",
    "5699": "SA à directoire",
    "5710": "SAS",
    "5720": "SASU",
    "5785": "SELAS",
    "6540": "SCI",
    "9220": "Association déclarée",
}
# Street types the register abbreviates
_STREET_TYPES = {
    "AV": "AVENUE",
    "BD": "BOULEVARD",
    "PL": "PLACE",
    "CHE": "CHEMIN",
    "RTE": "ROUTE",
    "ALL": "ALLEE",
    "IMP": "IMPASSE",
    "CRS": "COURS",
    "FG": "FAUBOURG",
    "SQ": "SQUARE",
}


@dataclass(frozen=True, slots=True)
class Establishment:
    """One establishment (SIRET) of a company, with its address."""

    siret: str
    line1: str | None
    line2: str | None
    postal_code: str | None
    city: str | None
    naf: str | None
    head_office: bool
    open: bool

    @property
    def address(self) -> str:
        """The address on one line."""
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.line1, self.line2, town) if p)


@dataclass(frozen=True, slots=True)
class Company:
    """A company (SIREN) of the register, its head office and the establishments that
    matched the search."""

    siren: str
    name: str
    legal_form: str | None
    naf: str | None
    active: bool
    head_office: Establishment | None
    matching: tuple[Establishment, ...] = ()

    @property
    def legal_form_label(self) -> str:
        """« SAS (5710) », or the bare code when it is not a common one."""
        if not self.legal_form:
            return ""
        label = LEGAL_FORMS.get(self.legal_form)
        return f"{label} ({self.legal_form})" if label else self.legal_form

    def establishment(self, siret: str | None = None) -> Establishment | None:
        """The establishment with this SIRET (among those known), else the head office."""
        if siret:
            for place in (*self.matching, self.head_office):
                if place is not None and place.siret == siret:
                    return place
        return self.head_office


def _text(value: Any) -> str | None:
    text = " ".join(str(value).split()) if value not in (None, "") else ""
    return text or None


def _establishment(data: Any) -> Establishment | None:
    if not isinstance(data, dict) or not data.get("siret"):
        return None
    street_type = _text(data.get("type_voie"))
    street_type = _STREET_TYPES.get(street_type or "", street_type)
    parts = (data.get("numero_voie"), data.get("indice_repetition"), street_type,
             data.get("libelle_voie"))  # fmt: skip
    line1 = _text(" ".join(str(p) for p in parts if p))
    if line1 is None:  # the whole address, without its town
        town = " ".join(str(p) for p in (data.get("code_postal"), data.get("libelle_commune")) if p)
        line1 = _text(str(data.get("adresse") or "").removesuffix(town))
    return Establishment(
        siret=str(data["siret"]),
        line1=line1,
        line2=_text(data.get("complement_adresse")),
        postal_code=_text(data.get("code_postal")),
        city=_text(data.get("libelle_commune")),
        naf=_text(data.get("activite_principale")),
        head_office=bool(data.get("est_siege")),
        open=data.get("etat_administratif", "A") != "F",
    )


def parse_company(data: Any) -> Company | None:
    """A company from one search result (None when it has no SIREN)."""
    if not isinstance(data, dict) or not data.get("siren"):
        return None
    matching = tuple(e for e in map(_establishment, data.get("matching_etablissements") or []) if e)
    return Company(
        siren=str(data["siren"]),
        name=_text(data.get("nom_raison_sociale")) or _text(data.get("nom_complet")) or "?",
        legal_form=_text(data.get("nature_juridique")),
        naf=_text(data.get("activite_principale")),
        active=data.get("etat_administratif", "A") == "A",
        head_office=_establishment(data.get("siege")),
        matching=matching,
    )


def identifier(query: str) -> str | None:
    """The SIRET or SIREN a query is, compacted (spaces, dots); None for a name.

    :raises ValidationFailed: for 9 or 14 digits that are not a valid SIREN or SIRET.
    """
    compact = re.sub(r"[\s.\u00a0\u202f]+", "", query)
    if not compact.isdigit() or len(compact) not in (9, 14):
        return None
    from newbi_clients.validation import normalize_siren, normalize_siret

    return str(normalize_siret(compact) if len(compact) == 14 else normalize_siren(compact))


@dataclass(slots=True)
class RegisterService:
    """The company register at ``url`` (``register.url``)."""

    http: HttpClient
    url: str = DEFAULT_URL

    def search(self, query: str, limit: int = 10) -> list[Company]:
        """The companies matching a name, a SIREN or a SIRET (a number: only its company).

        :raises ValidationFailed: for an empty query or an invalid SIREN/SIRET.
        :raises Offline: without network.
        :raises ServiceUnavailable: when the register is busy (429), slow or broken.
        """
        from newbi_clients.errors import ValidationFailed
        from newbi_clients.online import ServiceUnavailable

        text = " ".join(query.split())
        if not text:
            raise ValidationFailed.single(
                "lookup", query, "Recherche vide : un SIRET, un SIREN ou un nom"
            )
        number = identifier(text)
        params = urlencode({"q": number or text, "page": 1, "per_page": limit})
        response = self.http.get(f"{self.url.rstrip('/')}/search?{params}")
        data = response.json()
        if response.status == 404 or (response.status == 400 and number):
            return []
        if response.status != 200 or not isinstance(data, dict):
            raise ServiceUnavailable(SERVICE, f"réponse illisible (HTTP {response.status})")
        results = data.get("results")
        if not isinstance(results, list):
            raise ServiceUnavailable(SERVICE, "réponse sans résultats")
        companies = [c for c in map(parse_company, results) if c is not None]
        if number:
            companies = [c for c in companies if c.siren == number[:9]]
        return companies


def company_fields(company: Company, siret: str | None = None) -> dict[str, Any]:
    """The raw fiche fields the register gives: raison sociale, SIRET, SIREN and address
    (of the establishment with ``siret``, else of the head office)."""
    place = company.establishment(siret)
    fields: dict[str, Any] = {"kind": "business", "name": company.name, "country": "FR"}
    if place is None:
        fields["siren"] = company.siren
        return fields
    fields |= {
        "siret": place.siret,
        "address": place.line1,
        "line2": place.line2,
        "postal_code": place.postal_code,
        "city": place.city,
    }
    return {k: val for k, val in fields.items() if val is not None}


def compare(client: Client, company: Company) -> list[tuple[str, str, str]]:
    """Where the fiche and the register differ: (label, fiche value, register value)."""
    from newbi_clients.text import fold

    place = company.establishment(client.siret)
    address = client.billing_address or Address()
    pairs = [
        ("Raison sociale", client.name, company.name),
        ("SIREN", client.siren or "", company.siren),
    ]
    if place is not None:
        pairs += [
            ("SIRET", client.siret or "", place.siret),
            ("Adresse", address.line1 or "", place.line1 or ""),
            ("Code postal", address.postal_code or "", place.postal_code or ""),
            ("Ville", address.city or "", place.city or ""),
        ]

    def key(text: str) -> str:
        return " ".join("".join(c if c.isalnum() else " " for c in fold(text)).split())

    return [(label, ours, theirs) for label, ours, theirs in pairs if key(ours) != key(theirs)]
