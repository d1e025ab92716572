"""The company register look-up, against a local server that answers like the « API
Recherche d'entreprises » (response model: annuaire-entreprises-data-gouv-fr/search-api,
``app/models/unite_legale.py``)."""

from __future__ import annotations

import pytest

from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Address, Client, Kind
from newbi_clients.online import HttpClient, HttpPolicy, ServiceUnavailable
from newbi_clients.register import RegisterService, company_fields, compare, identifier
from servers import (
    ACME,
    ACME_WITH_LYON,
    ACMEA,
    register_answer,
    serve,
)

FAST = HttpPolicy(timeout=0.5, retries=2, delay=0.0)


def register_server(results, status: int = 200):
    return serve(lambda request, n: (status, register_answer(results), {}, 0.0))


def search(url: str, query: str):
    return RegisterService(HttpClient("l'annuaire des entreprises", FAST), url).search(query)


def test_one_match_by_siret() -> None:
    with register_server([ACME]) as server:
        companies = search(server.url, "732 829 320 00074")
    assert len(companies) == 1
    acme = companies[0]
    assert acme.name == "ACME" and acme.siren == "732829320" and acme.active
    assert acme.legal_form_label == "SAS (5710)" and acme.naf == "62.01Z"
    office = acme.head_office
    assert office is not None and office.siret == "73282932000074" and office.open
    assert office.address == "12 RUE DE LA PAIX, 75002 PARIS"
    assert server.requests[0].path == "/search"
    assert server.requests[0].query["q"] == ["73282932000074"]  # compacted


def test_several_matches_by_name() -> None:
    with register_server([ACME, ACMEA]) as server:
        companies = search(server.url, "acme")
    assert [c.siren for c in companies] == ["732829320", "552100554"]
    assert server.requests[0].query["q"] == ["acme"]


def test_a_number_keeps_only_its_company() -> None:
    with register_server([ACMEA, ACME]) as server:
        assert [c.siren for c in search(server.url, "732829320")] == ["732829320"]


def test_no_match() -> None:
    with register_server([]) as server:
        assert search(server.url, "zzzz") == []


def test_closed_establishment() -> None:
    with register_server([ACME_WITH_LYON]) as server:
        (acme,) = search(server.url, "73282932000058")
    lyon = acme.establishment("73282932000058")
    assert lyon is not None and not lyon.open and not lyon.head_office
    assert lyon.line1 == "3 PLACE BELLECOUR" and lyon.city == "LYON"
    fields = company_fields(acme, "73282932000058")
    assert fields["siret"] == "73282932000058" and fields["postal_code"] == "69002"


def test_rate_limited_429_is_retried_then_reported() -> None:
    with register_server([], status=429) as server, pytest.raises(ServiceUnavailable, match="429"):
        search(server.url, "acme")
    assert len(server.requests) == 3


def test_invalid_siret_is_refused_before_going_online() -> None:
    with pytest.raises(ValidationFailed, match="SIRET"):
        identifier("73282932000075")


def test_fields_and_comparison() -> None:
    with register_server([ACME]) as server:
        (acme,) = search(server.url, "732829320")
    fields = company_fields(acme)
    assert fields == {"kind": "business", "name": "ACME", "country": "FR",
                      "siret": "73282932000074", "address": "12 RUE DE LA PAIX",
                      "postal_code": "75002", "city": "PARIS"}  # fmt: skip
    client = Client(name="Acme", kind=Kind.BUSINESS, siret="73282932000074", siren="732829320",
                    billing_address=Address("12 rue de la Paix", None, "75002", "Lyon"))  # fmt: skip
    assert compare(client, acme) == [("Ville", "Lyon", "PARIS")]
