"""Search, filters and sorts in the core (no CLI)."""

from __future__ import annotations

import pytest

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Client
from newbi_clients.organise import add_tags, set_archived
from newbi_clients.search import ClientQuery, compact_identifier, parse_text
from newbi_clients.storage import ClientStore


def make(store: ClientStore, **raw: object) -> Client:
    return store.add(build_client(raw).client)


@pytest.fixture
def book(store: ClientStore) -> ClientStore:
    make(store, name="Dupré", first_name="Éléonore", email="eleonore.dupre@exemple.fr",
         phone="06 12 34 56 78", city="Lyon", postal_code="69002", tags="VIP",
         sector="Services", segment="VIP")  # fmt: skip
    make(store, name="Dupont", first_name="Jean", email="jean.dupont@exemple.fr", city="Lille",
         postal_code="59000", tags="Newsletter")  # fmt: skip
    make(store, name="ACME SAS", siret="732 829 320 00074", vat_number="FR44732829320",
         email="contact@acme.fr", city="Paris", postal_code="75002", sector="Tech",
         tags="VIP, Partenaire")  # fmt: skip
    make(store, name="Müller GmbH", country="DE", vat_number="DE136695976", city="Berlin",
         phone="+49 30 1234567", segment="Occasionnel")  # fmt: skip
    make(store, name="Œuvres Sociales", kind="professionnel", city="Lyon")
    return store


def names(store: ClientStore, **query: object) -> list[str]:
    return [c.name for c in store.iter_clients(ClientQuery(**query))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eleonore", ["Dupré"]),
        ("ELEONORE", ["Dupré"]),
        ("Éléonore", ["Dupré"]),
        ("éLÉoNore dupre", ["Dupré"]),
        ("dupr", ["Dupré"]),
        ("muller", ["Müller GmbH"]),
        ("MÜLLER", ["Müller GmbH"]),
        ("lyon", ["Dupré", "Œuvres Sociales"]),
        ("jean.dupont@exemple.fr", ["Dupont"]),
        ("contact@acme", ["ACME SAS"]),
        ("73282932000074", ["ACME SAS"]),
        ("732 829 320 00074", ["ACME SAS"]),
        ("732 829 320", ["ACME SAS"]),
        ("732.829", ["ACME SAS"]),
        ("FR44732829320", ["ACME SAS"]),
        ("fr 44 732", ["ACME SAS"]),
        ("DE136695976", ["Müller GmbH"]),
        ("06 12 34 56 78", ["Dupré"]),
        ("0612345678", ["Dupré"]),
        ("+33612345678", ["Dupré"]),
        ("+49 30 1234567", ["Müller GmbH"]),
        # dialled with the international prefix, or with the national 0 in brackets
        ("0033 6 12 34 56 78", ["Dupré"]),
        ("0033612345678", ["Dupré"]),
        ("+33 (0)6 12 34 56 78", ["Dupré"]),
        ("0049 30 123", ["Müller GmbH"]),
        ("city:lille", ["Dupont"]),
        ("tag:vip", ["ACME SAS", "Dupré"]),
        ("tag:VIP city:paris", ["ACME SAS"]),
        ("name:dup", ["Dupont", "Dupré"]),
        ("zone:europe", ["Müller GmbH"]),
        ("nobody", []),
    ],
)
def test_search(book: ClientStore, text: str, expected: list[str]) -> None:
    assert sorted(names(book, text=text)) == sorted(expected)


def test_prefix_finds_both_and_ranks_then_sorts_by_name(book: ClientStore) -> None:
    assert sorted(names(book, text="dup")) == ["Dupont", "Dupré"]


def test_filters_combine(book: ClientStore) -> None:
    assert names(book, tags=("VIP",)) == ["ACME SAS", "Dupré"]
    assert names(book, tags=("vip", "partenaire")) == ["ACME SAS"]
    assert names(book, sector="services") == ["Dupré"]
    assert names(book, segment="occasionnel") == ["Müller GmbH"]
    assert names(book, zone="Europe") == ["Müller GmbH"]
    assert names(book, zone="france", kind="business") == ["ACME SAS", "Œuvres Sociales"]
    assert names(book, kind="particulier") == ["Dupont", "Dupré"]
    assert names(book, country="Allemagne") == ["Müller GmbH"]


def test_invalid_filters_are_clear_errors(book: ClientStore) -> None:
    for query in (
        ClientQuery(zone="Mars"),
        ClientQuery(kind="robot"),
        ClientQuery(country="Atlantide"),
    ):
        with pytest.raises(ValidationFailed):
            list(book.iter_clients(query))


def test_sorts_and_limit(book: ClientStore) -> None:
    assert names(book) == ["ACME SAS", "Dupont", "Dupré", "Müller GmbH", "Œuvres Sociales"]
    assert names(book, desc=True)[0] == "Œuvres Sociales"
    assert names(book, sort="created") == [
        "Dupré", "Dupont", "ACME SAS", "Müller GmbH", "Œuvres Sociales",
    ]  # fmt: skip
    assert names(book, sort="created", desc=True, limit=2) == ["Œuvres Sociales", "Müller GmbH"]


def test_archived_clients_leave_default_results(book: ClientStore) -> None:
    acme = book.resolve("acme")
    set_archived(book, [acme.id or 0], True)
    assert "ACME SAS" not in names(book)
    assert names(book, text="acme") == []
    assert names(book, status="archived") == ["ACME SAS"]
    assert names(book, status="all", text="acme") == ["ACME SAS"]
    assert book.resolve("acme").archived_at is not None  # still reachable by reference
    set_archived(book, [acme.id or 0], False)
    assert names(book, text="acme") == ["ACME SAS"]


def test_index_follows_edits(book: ClientStore) -> None:
    from newbi_clients.builder import apply_changes

    client = book.resolve("dupont")
    book.update(apply_changes(client, {"name": "Durand", "city": "Nantes"}).client)
    assert names(book, text="name:dupont") == []
    assert names(book, text="dupont") == ["Durand"]  # still in the email
    assert names(book, text="nantes") == ["Durand"]
    add_tags(book, [client.id or 0], ["Relance"])
    assert names(book, text="tag:relance") == ["Durand"]


@pytest.mark.parametrize(
    "text",
    ["0692 12 34 56", "0692123456", "0692", "phone:0692", "+262 692 12", "+262 (0)692 12",
     "00262 692", "262692123456"],
)  # fmt: skip
def test_an_overseas_phone_is_found_as_dialled_there(store: ClientStore, text: str) -> None:
    # La Réunion's +262 692 12 34 56 is « 0692 12 34 56 » at home; so are the contacts'
    make(store, name="Payet", phone="0692 12 34 56", city="Saint-Denis", postal_code="97400")
    acme = make(store, name="ACME Réunion", city="Le Port", postal_code="97420")
    add_contact(store, acme, build_contact({"last_name": "Hoarau", "phone": "+262 692 12 34 99"}))
    found = names(store, text=text)
    assert "Payet" in found and set(found) <= {"Payet", "ACME Réunion"}
    assert names(store, text="0692 12 34 99") == ["ACME Réunion"]


def test_compact_identifier() -> None:
    assert compact_identifier("732 829 320") == "732829320"
    assert compact_identifier("+33 6 12") == "33612"
    assert compact_identifier("+33 (0)6 12") == "33612"
    assert compact_identifier("0033 (0)6 12") == "0033612"  # 00: looked up with and without
    assert compact_identifier("fr-44") == "FR44"
    assert compact_identifier("ab") is None


def test_parse_text_keeps_filters_out_of_the_match() -> None:
    query, matches = parse_text("dupont tag:vip sector:tech", ClientQuery())
    assert query.tags == ("vip",) and query.sector == "tech"
    assert matches == ['"dupont"*']


def test_quotes_in_search_are_harmless(book: ClientStore) -> None:
    assert names(book, text='"') == []
    assert names(book, text='du"p') == []
    assert names(book, text="AND OR NOT") == []


@pytest.mark.parametrize("length", range(3, 10))
def test_a_siren_finds_the_clients_of_its_sirets_and_those_known_by_it_alone(
    store: ClientStore, length: int
) -> None:
    # the index holds the SIREN of a client without a SIRET only: every search of an
    # identifier is a prefix search, and a SIRET begins with its SIREN
    make(store, name="ACME SAS", siret="732 829 320 00074")
    make(store, name="ACME Sud", siren="732 829 320", postal_code="13001")
    make(store, name="Autre", siret="552 100 554 00013")
    assert store.execute("SELECT search_ids FROM clients ORDER BY id").fetchall() == [
        ("73282932000074",),
        ("732829320",),
        ("55210055400013",),
    ]
    prefix = "732829320"[:length]
    for text in (prefix, f"siren:{prefix}", f"id:{prefix}", " ".join(prefix)):
        assert sorted(names(store, text=text)) == ["ACME SAS", "ACME Sud"], text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a word and a number: both must match, the number as one identifier
        ("dupre 06 12", ["Dupré"]),
        ("dupre 0612", ["Dupré"]),
        ("acme 732 829", ["ACME SAS"]),
        ("acme 73282932000074", ["ACME SAS"]),
        ("dupont 06 12", []),
        # a field term's number typed with spaces
        ("phone:06 12 34", ["Dupré"]),
        ("siret:732 829 320 00074", ["ACME SAS"]),
        ("phone:06 12 dupre", ["Dupré"]),
        ("phone:06 12 dupont", []),
    ],
)
def test_words_and_numbers_typed_with_spaces(
    book: ClientStore, text: str, expected: list[str]
) -> None:
    assert names(book, text=text) == expected


def test_a_contact_s_number_typed_with_spaces(store: ClientStore) -> None:
    acme = make(store, name="ACME Guadeloupe", city="Pointe-à-Pitre", postal_code="97110")
    add_contact(store, acme, build_contact({"last_name": "Hoarau", "phone": "0690 11 22 33"}))
    assert names(store, text="contact:0690 11") == ["ACME Guadeloupe"]
    assert names(store, text="contact:0690 99") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("garage2000", ["Garage2000"]),
        ("Studio54", ["Studio54"]),
        ("b2b", ["B2B Solutions"]),
        ("B2B Solutions", ["B2B Solutions"]),
        ("rn7", ["RN7 Transports"]),
        ("agence 360", ["Agence 360"]),
        ("360", ["Agence 360"]),
        ("prenom5", ["Nom1"]),
        ("06 12 34", ["Agence 360"]),  # a number typed in parts is still its phone
    ],
)
def test_words_with_digits_are_found_in_names(
    store: ClientStore, text: str, expected: list[str]
) -> None:
    for name in ("Garage2000", "Studio54", "B2B Solutions", "RN7 Transports"):
        make(store, name=name)
    make(store, name="Agence 360", phone="06 12 34 56 78")
    make(store, name="Nom1", first_name="Prenom5")
    assert names(store, text=text) == expected
