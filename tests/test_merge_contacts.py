"""Merge and unmerge of clients with contacts, custom fields, a blocked state, reminders."""

from __future__ import annotations

from typing import Any

from newbi_clients.blocking import block
from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.customfields import define_field
from newbi_clients.merging import apply_merge, complete_client, prepare_merge
from newbi_clients.models import Client
from newbi_clients.reminders import add_reminder
from newbi_clients.storage import ClientStore
from newbi_clients.unmerging import unmerge


def make(store: ClientStore, fields: dict[str, str] | None = None, **raw: Any) -> Client:
    client = build_client(raw).client
    client.fields = fields or {}
    return store.add(client, allow_duplicate=True)


def person(store: ClientStore, client_id: int, **raw: Any) -> None:
    add_contact(store, store.get(client_id), build_contact(raw), allow_duplicate=True)


def test_merge_carries_everything_and_unmerge_gives_it_back(store: ClientStore) -> None:
    define_field(store, "Origine", "choice", ["Salon", "Site"])
    define_field(store, "Capital", "number")
    keep = make(store, {"Origine": "Salon"}, name="ACME SAS", kind="professionnel")
    other = make(store, {"Origine": "Site", "Capital": "10"}, name="ACME", kind="professionnel")
    person(store, keep.id or 0, first_name="Claire", last_name="Martin", email="c@acme.fr")
    person(store, other.id or 0, first_name="Paul", last_name="Durand", email="p@acme.fr")
    add_reminder(store, other, "2026-12-01", "Relancer F1")
    block(store, store.get(other.id or 0), "Impayés")
    before = {i: store.snapshot(i) for i in (keep.id or 0, other.id or 0)}

    keep, other = store.get(keep.id or 0), store.get(other.id or 0)
    merged = apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    assert [(c.display_name, c.primary) for c in merged.contacts] == [
        ("Claire Martin", True),
        ("Paul Durand", False),
    ]
    assert merged.fields == {"Capital": "10", "Origine": "Salon"}
    assert merged.blocked is not None and merged.blocked.reason == "Impayés"
    assert any("Champ « Origine » (de #2) : Site" in n.text for n in merged.notes)
    assert store.execute("SELECT client_id FROM reminders").fetchall() == [(keep.id,)]
    # the merged client's contact still finds KEEP
    assert store.resolve("p@acme.fr").id == keep.id

    unmerge(store, other.id or 0)
    assert {i: store.snapshot(i) for i in before} == before
    assert store.get(other.id or 0).contacts[0].primary


def test_a_merge_with_prefer_other_takes_its_field_values(store: ClientStore) -> None:
    define_field(store, "Origine", "text")
    keep = make(store, {"Origine": "Salon"}, name="A")
    other = make(store, {"Origine": "Site"}, name="B")
    merged = apply_merge(store, prepare_merge(store, keep, [other], "other"))
    assert merged.fields == {"Origine": "Site"}
    assert any("Champ « Origine » : Salon" in n.text for n in merged.notes)


def test_completing_a_client_adds_the_new_contacts_and_fields(store: ClientStore) -> None:
    define_field(store, "Origine", "text")
    target = make(store, name="ACME", email="contact@acme.fr")
    person(store, target.id or 0, first_name="Claire", email="claire@acme.fr")
    incoming = build_client({"name": "ACME", "email": "contact@acme.fr"}).client
    incoming.fields = {"Origine": "Salon"}
    incoming.contacts = [
        build_contact({"first_name": "Claire", "email": "CLAIRE@acme.fr"}),  # already there
        build_contact({"first_name": "Paul", "email": "paul@acme.fr", "primary": "oui"}),
    ]
    done = complete_client(store, target.id or 0, incoming, "import")
    assert [(c.first_name, c.primary) for c in done.contacts] == [
        ("Claire", True),
        ("Paul", False),
    ]
    assert done.fields == {"Origine": "Salon"}
