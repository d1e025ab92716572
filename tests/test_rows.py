"""The words of names and keys: the regular expression splits as ``str.isalnum`` does."""

from __future__ import annotations

import sys
from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st

from newbi_clients.builder import build_client
from newbi_clients.models import Address, Blocked, Client, PaymentMethod
from newbi_clients.rows import (
    _NOT_ALNUM,
    LEGAL_FORMS,
    ROW_COLUMNS,
    client_to_row,
    client_values,
    folded,
    has_company_form,
    name_key,
    words,
)
from newbi_clients.text import fold
from test_builder import FULL_BUSINESS


def test_the_expression_refuses_exactly_what_isalnum_refuses() -> None:
    """Every code point, one by one."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (_NOT_ALNUM.fullmatch(char) is None) == char.isalnum(), hex(code)


@given(st.text())
@example("S.A.R.L. d'Œuvres_2 ²³ ٣ Ⅻ")
def test_words_are_the_runs_isalnum_accepts(text: str) -> None:
    assert words(text) == "".join(c if c.isalnum() else " " for c in text).split()


def test_name_key_and_company_form() -> None:
    client = Client(name="Société Générale d'Œuvres SARL", first_name="Jean-Éric")
    assert name_key(client) == "jean eric generale d œuvres"
    assert has_company_form("S.A.R.L. Martin") and not has_company_form("Sarlat Jean")


NAMES = (
    st.none() | st.text() | st.sampled_from(["Éléonore", "DUPRÉ SARL", "Œuvre", "ǅ", "ß", "ﬁ", "İ"])
)


@given(NAMES, NAMES)
@example("\u0301e", "a\u0301")
@example("Σ", "ΑΣ")
def test_folding_by_parts_is_folding_the_joined_name(first: str | None, name: str | None) -> None:
    """sort_name and name_key fold each part: the same as folding the joined name."""
    client = Client(name=name or "", first_name=first)
    joined = " ".join(filter(None, (first, client.name)))
    assert folded(first, client.name) == fold(joined)
    assert name_key(client) == " ".join(w for w in words(fold(joined)) if w not in LEGAL_FORMS)


def test_a_client_row_holds_every_field_by_column() -> None:
    """The row of a client with every field set, column by column (the import stages the
    same values as a tuple, in the order of the columns): the client the template's fully
    filled row builds, named with a ligature, with the fields an import never sets."""
    client = replace(
        build_client(FULL_BUSINESS).client,
        name="Œuvres Dupré SARL",
        delivery_address=Address("2 quai C", None, "10115", "Berlin", "DE"),
        payment_method=PaymentMethod.CHEQUE,
        merged_into=7,
        archived_at="2026-01-02",
        blocked=Blocked("2026-01-03", "impayés"),
    )
    row = client_to_row(client)
    assert row == {
        "kind": "business", "name": "Œuvres Dupré SARL", "first_name": None,
        "email": "Compta@acme.fr", "email_key": "compta@acme.fr", "phone": "+33123456789",
        "billing_line1": "12 rue de la Paix", "billing_line2": "3e étage",
        "billing_postal_code": "75002",
        "billing_city": "Paris", "billing_country": "FR",
        "delivery_line1": "2 quai C", "delivery_line2": None, "delivery_postal_code": "10115",
        "delivery_city": "Berlin", "delivery_country": "DE",
        "siret": "73282932000074", "siren": "732829320", "vat_number": "FR44732829320",
        "zone": "France", "terms_days": 45, "end_of_month": 1, "payment_method": "cheque",
        "discount_type": "percent", "discount_value": "5.5", "currency": "EUR",
        "sector": "Tech", "segment": "VIP", "sort_name": "œuvres dupre sarl",
        "name_key": "œuvres dupre",
        "search_ids": "73282932000074 oeuvres FR44732829320 44732829320 33123456789"
        " 0123456789",
        "merged_into": 7, "archived_at": "2026-01-02", "blocked_at": "2026-01-03",
        "blocked_reason": "impayés",
    }  # fmt: skip
    assert tuple(row) == ROW_COLUMNS
    assert client_values(client) == tuple(row.values())
    bare = client_to_row(Client(name="Martin", first_name="Zoé"))
    assert bare["kind"] == "individual" and bare["billing_country"] == "FR"
    assert bare["delivery_country"] is None and bare["sort_name"] == "martin zoe"
