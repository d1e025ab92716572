"""Contacts, custom fields, blocked clients and reminders in the core (no CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newbi_clients.blocking import ClientBlocked, NotBlocked, block, check_invoicable, unblock
from newbi_clients.builder import build_client
from newbi_clients.contacts import (
    ContactNotFound,
    add_contact,
    build_contact,
    edit_contact,
    find_contact,
    remove_contact,
)
from newbi_clients.customfields import (
    UnknownField,
    define_field,
    field_filters,
    list_fields,
    normalize_value,
    parse_assignments,
    remove_field,
)
from newbi_clients.duplicates import duplicate_groups
from newbi_clients.errors import DuplicateClient, ValidationFailed
from newbi_clients.history import NewDocument, add_document
from newbi_clients.models import Client, FieldDef, FieldType
from newbi_clients.reminders import ReminderNotFound, add_reminder, done_reminder, pending_reminders
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore


def make(store: ClientStore, **raw: Any) -> Client:
    return store.add(build_client(raw).client, allow_duplicate=True)


def person(store: ClientStore, client: Client, **raw: Any) -> Any:
    return add_contact(store, client, build_contact(raw, client.country))


# --- contacts ---------------------------------------------------------------------------


def test_a_contact_is_validated_like_a_client() -> None:
    contact = build_contact(
        {"first_name": " Claire ", "last_name": "Martin", "email": "Claire@ACME.fr",
         "phone": "06 12 34 56 78"}
    )  # fmt: skip
    assert (contact.first_name, contact.email, contact.phone) == (
        "Claire",
        "Claire@acme.fr",
        "+33612345678",
    )
    assert build_contact({"phone": "030 1234567"}, "DE").phone == "+49301234567"
    with pytest.raises(ValidationFailed) as err:
        build_contact({"email": "pas-un-email", "phone": "12"})
    assert [e.field for e in err.value.errors] == ["contacts.email", "contacts.phone"]
    assert "Email invalide" in err.value.message
    with pytest.raises(ValidationFailed, match="Contact vide"):
        build_contact({"position": "Acheteuse"})


def test_the_first_contact_is_primary_until_another_is_named(store: ClientStore) -> None:
    acme = make(store, name="ACME SAS", kind="professionnel")
    claire = person(store, acme, first_name="Claire", last_name="Martin")
    paul = person(store, store.get(acme.id or 0), first_name="Paul", email="paul@acme.fr")
    assert claire.primary and not paul.primary
    client = store.get(acme.id or 0)
    assert [c.display_name for c in client.contacts] == ["Claire Martin", "Paul"]
    edit_contact(store, client, find_contact(client, "paul@acme.fr"), {"primary": "oui"})
    client = store.get(acme.id or 0)
    assert client.primary_contact is not None and client.primary_contact.id == paul.id
    remove_contact(store, client, find_contact(client, "Paul"))
    client = store.get(acme.id or 0)
    assert [(c.id, c.primary) for c in client.contacts] == [(claire.id, True)]
    actions = [e["action"] for e in store.audit_log(acme.id or 0)]
    assert actions == ["create", "contact_add", "contact_add", "contact_edit", "contact_remove"]
    assert store.audit_log(acme.id or 0)[-1]["before"]["contact"]["email"] == "paul@acme.fr"


def test_find_contact_by_id_email_or_name(store: ClientStore) -> None:
    acme = make(store, name="ACME")
    claire = person(store, acme, first_name="Claire", last_name="Martin", email="c@acme.fr")
    person(store, store.get(acme.id or 0), first_name="Claude", last_name="Martin")
    client = store.get(acme.id or 0)
    assert find_contact(client, str(claire.id)).id == claire.id
    assert find_contact(client, "C@ACME.FR").id == claire.id
    assert find_contact(client, "claire").id == claire.id
    with pytest.raises(ContactNotFound, match="plusieurs contacts"):
        find_contact(client, "martin")
    with pytest.raises(ContactNotFound, match="aucun contact"):
        find_contact(client, "Zoé")


def test_contact_emails_are_unique_with_clients_and_contacts(store: ClientStore) -> None:
    acme = make(store, name="ACME", email="contact@acme.fr")
    beta = make(store, name="Beta", email="info@beta.fr")
    person(store, acme, first_name="Claire", last_name="Martin", email="claire@acme.fr")
    # a contact may share its own client's email, not another client's
    person(store, store.get(acme.id or 0), first_name="Standard", email="CONTACT@acme.fr")
    with pytest.raises(DuplicateClient, match=r"est déjà utilisé par #\d+ \(Beta\)"):
        person(store, store.get(acme.id or 0), email="info@beta.fr")
    # nor a contact's, of any client
    with pytest.raises(DuplicateClient) as err:
        person(store, beta, first_name="Other", email="Claire@acme.fr")
    assert "par le contact Claire Martin de #" in err.value.message
    # a new client with a contact's email is a duplicate too
    with pytest.raises(DuplicateClient, match="le contact Claire Martin de"):
        store.add(build_client({"name": "Martin", "email": "claire@acme.fr"}).client)
    # an archived client's contacts do not count
    store.execute("UPDATE clients SET archived_at = '2026-01-01' WHERE id = ?", [acme.id])
    store.add(build_client({"name": "Martin", "email": "claire@acme.fr"}).client)


def test_a_contact_email_resolves_its_client(store: ClientStore) -> None:
    acme = make(store, name="ACME")
    person(store, acme, first_name="Claire", email="claire.martin@acme.fr")
    assert store.resolve("Claire.Martin@acme.fr").id == acme.id


@pytest.mark.parametrize(
    "text", ["claire", "marti", "claire.martin@acme.fr", "06 12 34 56 78", "0612345678",
             "+33612345678", "contact:martin", "email:claire.martin@acme.fr"],
)  # fmt: skip
def test_search_finds_a_client_by_its_contacts(store: ClientStore, text: str) -> None:
    acme = make(store, name="ACME SAS")
    make(store, name="Beta")
    person(store, acme, first_name="Claire", last_name="Martin",
           email="claire.martin@acme.fr", phone="06 12 34 56 78")  # fmt: skip
    assert [c.id for c in store.iter_clients(ClientQuery(text=text))] == [acme.id]


def test_search_forgets_a_removed_or_moved_contact(store: ClientStore) -> None:
    acme = make(store, name="ACME SAS")
    person(store, acme, first_name="Claire", last_name="Martin")
    client = store.get(acme.id or 0)
    remove_contact(store, client, client.contacts[0])
    assert list(store.iter_clients(ClientQuery(text="martin"))) == []


def test_duplicates_look_at_contacts_emails_and_phones(store: ClientStore) -> None:
    acme = make(store, name="ACME", email="compta@acme.fr")
    other = make(store, name="ACME Lyon")
    third = make(store, name="Gamma", phone="06 12 34 56 78")
    fourth = make(store, name="Delta", email="compta@acme.fr")
    contact = build_contact(
        {"first_name": "Compta", "email": "Compta@acme.fr", "phone": "0612345678"}
    )
    add_contact(store, other, contact, allow_duplicate=True)
    found = {(g.reason, g.key): set(g.ids) for g in duplicate_groups(store)}
    assert found[("email", "compta@acme.fr")] == {acme.id, other.id, fourth.id}
    assert found[("phone", "+33612345678")] == {other.id, third.id}
    assert len([k for k in found if k == ("email", "compta@acme.fr")]) == 1


# --- custom fields ----------------------------------------------------------------------


def test_field_values_are_checked_against_their_type(store: ClientStore) -> None:
    number = FieldDef("Capital", FieldType.NUMBER)
    assert normalize_value(number, "12 500,50") == "12500.5"
    assert normalize_value(number, "-3") == "-3"
    assert normalize_value(number, "  ") is None
    with pytest.raises(ValidationFailed, match="Champ « Capital » invalide : « douze »"):
        normalize_value(number, "douze")
    date = FieldDef("Client depuis", FieldType.DATE)
    assert normalize_value(date, "15/03/2024") == "2024-03-15"
    with pytest.raises(ValidationFailed, match="une date est attendue"):
        normalize_value(date, "31/02/2024")
    choice = FieldDef("Origine", FieldType.CHOICE, ("Salon", "Site"))
    assert normalize_value(choice, "salon") == "Salon"
    with pytest.raises(ValidationFailed, match="choix possibles : Salon, Site"):
        normalize_value(choice, "Radio")
    assert normalize_value(FieldDef("Code", FieldType.TEXT), " A-12 ") == "A-12"


def test_define_list_and_remove_fields(store: ClientStore) -> None:
    define_field(store, "Origine", "choice", ["Salon", " Site", "Salon"])
    define_field(store, "Capital", "number")
    with pytest.raises(ValidationFailed, match="existe déjà"):
        define_field(store, "ORIGINE", "text")
    with pytest.raises(ValidationFailed, match="colonne du modèle"):
        define_field(store, "Code postal", "text")
    with pytest.raises(ValidationFailed, match="demande ses choix"):
        define_field(store, "Taille", "choice")
    with pytest.raises(ValidationFailed, match="Type de champ inconnu"):
        define_field(store, "Taille", "integer")
    with pytest.raises(ValidationFailed, match="Nom de champ invalide"):
        define_field(store, "a=b", "text")
    acme = make(store, name="ACME")
    acme.fields = {"Origine": "Salon", "Capital": "1000"}
    store.update(acme)
    assert [(f.name, f.choices, n) for f, n in list_fields(store)] == [
        ("Capital", (), 1),
        ("Origine", ("Salon", "Site"), 1),
    ]
    assert remove_field(store, "origine") == 1
    assert store.get(acme.id or 0).fields == {"Capital": "1000"}
    assert store.audit_log(acme.id or 0)[-1]["before"] == {"fields": {"Origine": "Salon"}}
    with pytest.raises(UnknownField, match="Champ personnalisé inconnu : « Origine »"):
        parse_assignments(store, ["Origine=Salon"])


def test_list_filters_on_field_values(store: ClientStore) -> None:
    define_field(store, "Origine", "choice", ["Salon", "Site"])
    define_field(store, "Capital", "number")
    a, b = make(store, name="A"), make(store, name="B")
    for client, values in ((a, {"Origine": "Salon", "Capital": "10"}), (b, {"Origine": "Site"})):
        client.fields = values
        store.update(client)
    query = ClientQuery(fields=field_filters(store, ["origine=SALON"]))
    assert [c.id for c in store.iter_clients(query)] == [a.id]
    query = ClientQuery(fields=field_filters(store, ["Capital=10,00"]))
    assert [c.id for c in store.iter_clients(query)] == [a.id]
    with pytest.raises(ValidationFailed, match="NOM=VALEUR"):
        field_filters(store, ["Origine"])


# --- blocked clients --------------------------------------------------------------------


def test_block_refuses_invoices_and_quotes_unless_forced(store: ClientStore) -> None:
    acme = make(store, name="ACME")
    with pytest.raises(ValidationFailed, match="Motif obligatoire"):
        block(store, acme, "  ")
    blocked = block(store, acme, "Impayés répétés")
    assert blocked.blocked is not None and blocked.blocked.reason == "Impayés répétés"
    for kind in ("invoice", "quote"):
        with pytest.raises(ClientBlocked, match=r"bloqué depuis le .* : Impayés répétés"):
            check_invoicable(blocked, kind)
    check_invoicable(blocked, "credit_note")
    check_invoicable(blocked, "invoice", force=True)
    again = block(store, blocked, "Litige")
    assert again.blocked is not None and again.blocked.at == blocked.blocked.at
    assert [c.id for c in store.iter_clients(ClientQuery(blocked=True))] == [acme.id]
    free = unblock(store, again)
    assert free.blocked is None
    with pytest.raises(NotBlocked):
        unblock(store, free)
    assert [e["action"] for e in store.audit_log(acme.id or 0)][-3:] == [
        "block",
        "block",
        "unblock",
    ]


# --- reminders --------------------------------------------------------------------------


def test_reminders_list_what_is_due_with_the_amounts_owed(store: ClientStore) -> None:
    acme = make(store, name="ACME")
    beta = make(store, name="Beta")
    add_document(store, acme, NewDocument("invoice", "F1", "2026-01-01", "100", "20", None,
                                          "2026-01-31", None, None, False))  # fmt: skip
    add_document(store, acme, NewDocument("invoice", "F2", "2026-03-01", "50", "20", None,
                                          "2026-03-31", None, None, False))  # fmt: skip
    first = add_reminder(store, acme, "10/03/2026", " Relancer   F1 ")
    add_reminder(store, beta, "2026-06-01", "Proposer un devis")
    with pytest.raises(ValidationFailed, match="Date invalide"):
        add_reminder(store, acme, "demain", "x")
    with pytest.raises(ValidationFailed, match="vide"):
        add_reminder(store, acme, "2026-03-10", " ")
    due = pending_reminders(store, due_only=True, today=dt.date(2026, 3, 15))
    assert [(r.text, r.outstanding, r.overdue) for r in due] == [("Relancer F1", 18000, 12000)]
    assert due[0].to_dict()["outstanding"] == "180.00"
    assert len(pending_reminders(store, today=dt.date(2026, 3, 15))) == 2
    done_reminder(store, first.id)
    assert pending_reminders(store, due_only=True, today=dt.date(2026, 3, 15)) == []
    with pytest.raises(ReminderNotFound):
        done_reminder(store, first.id)
    assert [e["action"] for e in store.audit_log(acme.id or 0)][-2:] == ["remind", "remind_done"]
