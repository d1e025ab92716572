"""Personal data: access and portability, deletion, the right to be forgotten (core)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newbi_clients.builder import build_client
from newbi_clients.history import NewDocument, add_document, add_payment, documents_of
from newbi_clients.merging import MergeRefused, apply_merge, prepare_merge
from newbi_clients.models import Client
from newbi_clients.privacy import (
    DeletionRefused,
    delete_clients,
    forget_client,
    personal_data,
)
from newbi_clients.storage import ClientStore
from newbi_clients.unmerging import unmerge

PERSON = {
    "kind": "particulier", "name": "Zébulon", "first_name": "Hortense",
    "email": "hortense.zebulon@exemple.fr", "phone": "06 98 76 54 32",
    "address": "17 impasse des Glycines", "postal_code": "33000", "city": "Bordeaux",
    "tags": "Confidentiel", "sector": "Viticulture",
}  # fmt: skip
SECRETS = ("Zébulon", "Hortense", "hortense.zebulon", "33698765432", "Glycines", "Viticulture",
           "Confidentiel", "allergique aux arachides")  # fmt: skip


def make(store: ClientStore, note: str | None = None, **raw: Any) -> Client:
    return store.add(build_client(raw).client, note=note, allow_duplicate=True)


def document(store: ClientStore, client: Client, type_: str, number: str, status: str) -> None:
    add_document(
        store, client, NewDocument(type_, number, "2025-01-15", "100,00", "20", status=status)
    )


def person_with_history(store: ClientStore) -> Client:
    person = make(store, note="allergique aux arachides", **PERSON)
    document(store, person, "invoice", "F-1", "sent")
    add_payment(store, person, "F-1", "50,00", "2025-02-01", "virement")
    document(store, person, "quote", "D-1", "sent")
    store.add_note(person.id or 0, "Rappeler Hortense Zébulon en mars")
    edited = store.get(person.id or 0)
    store.update(edited.copy(phone="+33698765433"))
    return store.get(person.id or 0)


def test_personal_data_holds_everything(store: ClientStore) -> None:
    person = person_with_history(store)
    twin = make(store, note="note du doublon", name="Zébulon", email="h.z@exemple.fr")
    apply_merge(store, prepare_merge(store, person, [twin], "keep"))
    data = personal_data(store, person.id or 0)
    assert data["client"]["email"] == "hortense.zebulon@exemple.fr"
    assert data["client"]["tags"] == ["Confidentiel"]
    assert [r["id"] for r in data["merged_records"]] == [twin.id]
    assert {d["number"] for d in data["documents"]} == {"F-1", "D-1"}
    invoice = next(d for d in data["documents"] if d["number"] == "F-1")
    assert invoice["payments"] == [{"date": "2025-02-01", "amount": "50.00", "method": "virement"}]
    actions = [e["action"] for e in data["audit"]]
    assert {"create", "note", "edit", "history", "merge", "merged_into"} <= set(actions)
    texts = json.dumps(data, ensure_ascii=False)
    assert "allergique aux arachides" in texts and "note du doublon" in texts
    json.dumps(data)  # JSON-ready


def test_delete_refuses_issued_invoices_and_deletes_quotes_and_drafts(
    store: ClientStore,
) -> None:
    billed = make(store, name="Facturé")
    document(store, billed, "invoice", "F-9", "paid")
    with pytest.raises(DeletionRefused, match=r"L123-22.*archive"):
        delete_clients(store, [billed.id or 0])
    cancelled = make(store, name="Annulé")
    document(store, cancelled, "credit_note", "A-1", "cancelled")
    with pytest.raises(DeletionRefused):
        delete_clients(store, [cancelled.id or 0])
    prospect = make(store, note="prospect du salon", name="Prospect", tags="salon")
    document(store, prospect, "quote", "D-9", "sent")
    document(store, prospect, "invoice", "F-brouillon", "draft")
    # all or nothing: a refused client in the list deletes nobody
    with pytest.raises(DeletionRefused):
        delete_clients(store, [prospect.id or 0, billed.id or 0])
    assert store.get(prospect.id or 0).name == "Prospect"
    erasure = delete_clients(store, [prospect.id or 0])
    assert erasure.clients == [prospect.id] and erasure.documents == 2 and erasure.notes == 1
    count = store.execute("SELECT count(*) FROM documents WHERE client_id = ?", [prospect.id])
    assert count.fetchone()[0] == 0
    log = store.audit_log(prospect.id or 0)
    assert [e["action"] for e in log] == ["delete"]
    assert "Prospect" not in json.dumps(log) and "salon" not in json.dumps(log)
    assert store.get(billed.id or 0).name == "Facturé"


def test_delete_takes_the_merged_records_with_it(store: ClientStore) -> None:
    keep = make(store, name="Durand", email="durand@x.fr")
    other = make(store, name="Durand", email="DURAND@x.fr", note="ancienne fiche")
    apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    erasure = delete_clients(store, [keep.id or 0])
    assert sorted(erasure.clients) == sorted([keep.id, other.id])
    assert store.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_forget_keeps_the_invoices_legal_content(store: ClientStore) -> None:
    person = person_with_history(store)
    before = [d.to_dict() for d in documents_of(store, person.id or 0)]
    erasure = forget_client(store, person.id or 0)
    assert erasure.documents == 2 and erasure.notes == 2
    after = [d.to_dict() for d in documents_of(store, person.id or 0)]
    assert after == before  # numbers, dates, amounts, statuses, payments
    forgotten = store.get(person.id or 0)
    assert forgotten.name == f"Anonyme #{person.id}"
    assert forgotten.first_name is None and forgotten.email is None and forgotten.phone is None
    assert forgotten.billing_address is None or forgotten.billing_address.line1 is None
    assert forgotten.tags == [] and forgotten.notes == []
    assert forgotten.archived_at is not None
    assert forgotten.country == "FR" and forgotten.currency == "EUR"
    assert (
        store.execute("SELECT revenue_cents FROM clients WHERE id = ?", [person.id]).fetchone()[0]
        == 10000
    )


def test_forget_leaves_no_trace_in_the_files(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        person = person_with_history(store)
        twin = make(store, name="Zébulon", first_name="Hortense", email="hz@exemple.fr",
                    note="Hortense au téléphone")  # fmt: skip
        apply_merge(store, prepare_merge(store, person, [twin], "keep"))
        make(store, name="Témoin", email="temoin@exemple.fr")
        forget_client(store, person.id or 0)
        forget = store.audit_log(person.id or 0)[-1]
        assert forget["action"] == "forget" and forget["before"] is None
        assert forget["after"] is None and forget["details"] == {"others": [twin.id]}
        # the record kept to undo the merge is anonymised too: no unmerge can bring it back
        with pytest.raises(MergeRefused, match="anonymisé"):
            unmerge(store, twin.id or 0)
        assert store.get(twin.id or 0).name == f"Anonyme #{twin.id}"
    files = [db_path, Path(f"{db_path}-wal")]
    content = b"".join(p.read_bytes() for p in files if p.exists())
    assert b"temoin@exemple.fr" in content  # the search does see the files' bytes
    for secret in (*SECRETS, "hz@exemple.fr"):
        for encoded in (secret.encode(), json.dumps(secret).encode()):
            assert encoded not in content, secret
        assert secret.casefold().encode() not in content.lower(), secret


def test_forget_keeps_other_clients_intact(store: ClientStore) -> None:
    person = person_with_history(store)
    other = make(store, note="garder", name="Martin", email="martin@exemple.fr")
    forget_client(store, person.id or 0)
    assert store.get(other.id or 0).notes[0].text == "garder"
    assert store.resolve("martin@exemple.fr").id == other.id


@pytest.mark.parametrize("erase", ["forget", "delete"])
def test_a_merge_undone_leaves_no_value_in_the_other_clients_log(
    store: ClientStore, erase: str
) -> None:
    keep = make(store, name="Bernard SARL", kind="professionnel", email="contact@bernard.fr")
    person = make(store, note="rappeler Hortense le soir", name="Zébulon",
                  first_name="Hortense", email="hz@perso.fr", phone="0698765432")  # fmt: skip
    apply_merge(store, prepare_merge(store, keep, [person], "keep"))
    unmerge(store, person.id or 0)
    entries = json.dumps(store.audit_log(keep.id or 0), ensure_ascii=False)
    assert "hz@perso.fr" in entries and "Hortense" in entries
    if erase == "forget":
        forget_client(store, person.id or 0)
    else:
        delete_clients(store, [person.id or 0])
    entries = json.dumps(store.audit_log(keep.id or 0), ensure_ascii=False)
    for secret in ("hz@perso.fr", "Hortense", "Zébulon", "zebulon", "698765432"):
        assert secret not in entries
    assert "contact@bernard.fr" in entries  # KEEP's own history stays
    assert store.get(keep.id or 0).email == "contact@bernard.fr"


def test_delete_leaves_no_trace_in_the_files(db_path: Path) -> None:
    with ClientStore(db_path) as store:
        person = make(store, note="allergique aux arachides", **PERSON)
        document(store, person, "quote", "D-5", "sent")
        make(store, name="Témoin", email="temoin@exemple.fr")
        delete_clients(store, [person.id or 0])
    content = b"".join(p.read_bytes() for p in (db_path, Path(f"{db_path}-wal")) if p.exists())
    assert b"temoin@exemple.fr" in content
    for secret in SECRETS:
        assert secret.encode() not in content, secret
        assert secret.casefold().encode() not in content.lower(), secret
