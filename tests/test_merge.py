"""Duplicates, merge and unmerge: core rules, CLI, and properties (nothing is ever lost)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newbi_clients.builder import apply_changes, build_client
from newbi_clients.dedupe import choose, plan_merge, show_value
from newbi_clients.duplicates import duplicate_groups
from newbi_clients.history import NewDocument, add_document, add_payment
from newbi_clients.merging import MergeRefused, apply_merge, prepare_merge
from newbi_clients.models import Client
from newbi_clients.organise import set_archived
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.unmerging import unmerge


def make(store: ClientStore, note: str | None = None, **raw: Any) -> Client:
    return store.add(build_client(raw).client, note=note, allow_duplicate=True)


def groups(store: ClientStore) -> dict[tuple[str, str], set[int]]:
    return {
        (g.reason, "exact" if g.exact else "probable"): {c["id"] for c in g.clients}
        for g in duplicate_groups(store)
    }


# --- duplicates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ({"email": "jean@x.fr"}, {"email": "JEAN@X.FR"}, ("email", "exact")),
        ({"siret": "73282932000074"}, {"siret": "732 829 320 00074"}, ("siret", "exact")),
        ({"siret": "73282932000074"}, {"siret": "73282932000025"}, ("siren", "probable")),
        (
            {"vat_number": "DE136695976", "country": "DE"},
            {"vat_number": "de 136 695 976", "country": "DE"},
            ("vat_number", "probable"),
        ),
        ({"phone": "06 12 34 56 78"}, {"phone": "+33612345678"}, ("phone", "probable")),
        (
            {"name": "Société Dupont SARL", "postal_code": "75002"},
            {"name": "societe dupont", "postal_code": "75002"},
            ("name_postal_code", "probable"),
        ),
        (
            {"name": "Éléonore Dupré", "postal_code": "69002"},
            {"name": "ELEONORE DUPRE SAS", "postal_code": "69002"},
            ("name_postal_code", "probable"),
        ),
    ],
)
def test_each_duplicate_reason(
    store: ClientStore, first: dict[str, str], second: dict[str, str], reason: tuple[str, str]
) -> None:
    a = make(store, **{"name": "Client A", **first})
    b = make(store, **{"name": "Client B", **second})
    make(store, name="Sans rapport", email="autre@y.fr", postal_code="13001")
    assert groups(store)[reason] == {a.id, b.id}


def test_same_name_other_postal_code_is_not_a_duplicate(store: ClientStore) -> None:
    make(store, name="Dupont", postal_code="75002")
    make(store, name="Dupont", postal_code="69002")
    assert groups(store) == {}


def test_stronger_reason_is_not_repeated_but_archived_clients_count(store: ClientStore) -> None:
    a = make(store, name="A", email="a@x.fr", siret="73282932000074")
    b = make(store, name="A", email="A@x.fr", siret="73282932000074")
    set_archived(store, [b.id or 0], True)
    found = duplicate_groups(store)
    assert [(g.reason, len(g.clients)) for g in found] == [("email", 2)]
    assert {c["id"]: c["archived"] for c in found[0].clients} == {a.id: False, b.id: True}


# --- merge rules ----------------------------------------------------------------------------


def test_merge_fills_empty_fields_keeps_conflicts_as_note_and_moves_everything(
    store: ClientStore,
) -> None:
    keep = make(
        store,
        "note de A",
        name="ACME SAS",
        email="contact@acme.fr",
        tags="VIP",
        siret="73282932000074",
    )
    other = make(store, "note de B", name="ACME", kind="pro", email="compta@acme.fr", phone="0142000000",
                 city="Paris", tags="Salon, vip")  # fmt: skip
    document = add_document(store, other, NewDocument("invoice", "F-1", "2026-01-10", "100", "20"))
    add_payment(store, other, "F-1", "50", "2026-01-20", None)
    plan = prepare_merge(store, keep, [other], "keep")
    assert [(f, v) for f, v, _ in plan.filled] == [
        ("phone", "01 42 00 00 00"),  # as the fiche shows it
        ("billing_address", "Paris, FR"),
    ]
    assert {c.field for c in plan.conflicts} == {"name", "email"}
    merged = apply_merge(store, plan)
    assert merged.email == "contact@acme.fr" and merged.phone == "+33142000000"
    assert merged.tags == ["Salon", "VIP"]
    texts = [n.text for n in merged.notes]
    assert "note de A" in texts and "note de B" in texts
    conflict_note = next(t for t in texts if t.startswith("Valeurs non retenues"))
    assert "compta@acme.fr" in conflict_note and "ACME" in conflict_note
    assert (
        store.db.execute("SELECT client_id FROM documents WHERE id = ?", [document.id]).fetchone()[
            0
        ]
        == keep.id
    )
    gone = store.get(other.id or 0)
    assert gone.merged_into == keep.id and gone.email == "compta@acme.fr"  # its record is kept
    assert store.resolve(str(other.id)).id == keep.id
    assert [c.id for c in store.iter_clients(ClientQuery(status="all"))] == [keep.id]


def test_values_written_alike_are_no_conflict(store: ClientStore) -> None:
    # the same address and name, written with other capitals, accents and punctuation
    keep = make(store, name="Atelier Roux SARL", address="10 quai des Chartrons",
                postal_code="33000", city="Bordeaux", sector="Menuiserie")  # fmt: skip
    other = make(store, name="ATELIER ROUX sarl", address="10, Quai des Chartrons",
                 postal_code="33000", city="BORDEAUX", sector="Ébénisterie")  # fmt: skip
    plan = prepare_merge(store, keep, [other], "keep")
    assert {c.field for c in plan.conflicts} == {"sector"}  # a value of its own
    assert plan.merged.billing_address == keep.billing_address
    # preferring the other's values takes its writing, still without a conflict for it
    plan = prepare_merge(store, keep, [other], "other")
    assert plan.merged.name == "ATELIER ROUX sarl"
    assert {c.field for c in plan.conflicts} == {"sector"}
    # choosing a field's value: the other way of writing it is no conflict either
    choose(plan, "billing_address", None)
    assert {c.field for c in plan.conflicts} == {"sector"}


def test_prefer_other_and_field_by_field_choice(store: ClientStore) -> None:
    keep = make(store, name="A", email="a@x.fr", phone="0612345678")
    other = make(store, name="A", email="b@x.fr", phone="0698765432")
    plan = plan_merge(keep, [other], "other")
    assert plan.merged.email == "b@x.fr" and plan.merged.phone == "+33698765432"
    assert {(c.field, c.lost) for c in plan.conflicts} == {
        ("email", "a@x.fr"),
        ("phone", "06 12 34 56 78"),
    }
    plan = plan_merge(keep, [other], "keep")
    choose(plan, "phone", other.id)
    assert plan.merged.phone == "+33698765432" and plan.merged.email == "a@x.fr"
    assert {(c.field, c.lost) for c in plan.conflicts} == {
        ("email", "b@x.fr"),
        ("phone", "06 12 34 56 78"),
    }


@pytest.mark.parametrize("case", ["itself", "into_merged", "from_merged", "twice"])
def test_merge_refusals(store: ClientStore, case: str) -> None:
    a, b, c = (make(store, name=n) for n in "ABC")
    if case == "itself":
        args = (a, [a])
    elif case == "twice":
        args = (a, [b, b])
    else:
        apply_merge(store, prepare_merge(store, a, [b], "keep"))
        b = store.get(b.id or 0)
        args = (b, [c]) if case == "into_merged" else (c, [b])
    with pytest.raises(MergeRefused):
        prepare_merge(store, *args, "keep")


def test_unmerge_restores_both_exactly(store: ClientStore) -> None:
    keep = make(store, "k", name="ACME SAS", email="a@acme.fr", tags="VIP")
    other = make(store, "o", name="ACME", phone="0142000000", email="b@acme.fr", tags="Salon")
    add_document(store, other, NewDocument("invoice", "F-9", "2026-02-01", "10", "20"))
    before = (store.snapshot(keep.id or 0), store.snapshot(other.id or 0))
    apply_merge(store, prepare_merge(store, keep, [other], "other"))
    unmerge(store, other.id or 0)
    assert (store.snapshot(keep.id or 0), store.snapshot(other.id or 0)) == before
    assert store.db.execute("SELECT client_id FROM documents").fetchone()[0] == other.id
    with pytest.raises(MergeRefused, match="n'est fusionné"):
        unmerge(store, other.id or 0)


def test_unmerge_refused_when_keep_changed_since(store: ClientStore) -> None:
    keep = make(store, name="ACME")
    other = make(store, name="ACME", phone="0142000000")
    merged = apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    store.update(apply_changes(merged, {"phone": "0698765432"}).client)
    with pytest.raises(MergeRefused, match="Téléphone"):
        unmerge(store, other.id or 0)
    assert store.get(other.id or 0).merged_into == keep.id  # nothing undone


def test_unmerge_one_of_several(store: ClientStore) -> None:
    keep = make(store, name="K")
    one = make(store, name="K", phone="0142000000")
    two = make(store, name="K", email="k@x.fr")
    apply_merge(store, prepare_merge(store, keep, [one, two], "keep"))
    unmerge(store, one.id or 0)
    now = store.get(keep.id or 0)
    assert now.phone is None and now.email == "k@x.fr"
    assert store.get(two.id or 0).merged_into == keep.id


def test_audit_log_of_a_merge(store: ClientStore) -> None:
    keep = make(store, name="K")
    other = make(store, name="K", phone="0142000000")
    apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    actions = [e["action"] for e in store.audit_log(keep.id or 0)]
    assert actions == ["create", "merge"]
    assert [e["action"] for e in store.audit_log(other.id or 0)] == ["create", "merged_into"]


# --- properties ---------------------------------------------------------------------------

EMAILS = st.none() | st.sampled_from(["a@x.fr", "b@x.fr", "A@X.FR"])
PHONES = st.none() | st.sampled_from(["0612345678", "0698765432"])
SIRETS = st.none() | st.sampled_from(["73282932000074", "55210055400013"])
WORDS = st.sampled_from(["VIP", "vip", "Salon", "Relance", "Partenaire"])


@st.composite
def raw_client(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(st.sampled_from(["ACME", "ACME SAS", "Dupont"])),
        "first_name": draw(st.none() | st.sampled_from(["Jean", "Éléonore"])),
        "email": draw(EMAILS),
        "phone": draw(PHONES),
        "siret": draw(SIRETS),
        "city": draw(st.none() | st.sampled_from(["Paris", "Lyon"])),
        "postal_code": draw(st.none() | st.sampled_from(["75002", "69002"])),
        "terms_days": draw(st.sampled_from(["30", "45"])),
        "discount": draw(st.none() | st.sampled_from(["5%", "50"])),
        "sector": draw(st.none() | st.sampled_from(["Tech", "BTP"])),
        "tags": draw(st.lists(WORDS, max_size=3)),
        "_notes": draw(st.lists(st.sampled_from(["appel", "relance", "devis envoyé"]), max_size=2)),
        "_documents": draw(st.lists(st.tuples(st.integers(1, 5000), st.booleans()), max_size=2)),
    }


def _create(store: ClientStore, raw: dict[str, Any], prefix: str) -> Client:
    notes, documents = raw.pop("_notes"), raw.pop("_documents")
    client = store.add(build_client(raw).client, allow_duplicate=True)
    for text in notes:
        store.add_note(client.id or 0, text)
    for i, (amount, paid) in enumerate(documents):
        add_document(
            store, client, NewDocument("invoice", f"{prefix}-{i}", "2026-01-01", str(amount), "20")
        )
        if paid:
            add_payment(store, client, f"{prefix}-{i}", str(amount), "2026-01-05", None)
    return store.get(client.id or 0)


def _values(client: Client) -> list[str]:
    from newbi_clients.dedupe import MERGED_FIELDS, is_empty

    values = [client.name]
    for attr, _ in MERGED_FIELDS:
        value = getattr(client, attr)
        if not is_empty(attr, value):
            values.append(show_value(value))
    return values


def _children(store: ClientStore) -> list[tuple[Any, ...]]:
    return store.db.execute(
        "SELECT 'd', id, number, amount_ttc FROM documents UNION ALL"
        " SELECT 'p', id, document_id, amount FROM payments UNION ALL"
        " SELECT 'n', id, at, text FROM notes ORDER BY 1, 2"
    ).fetchall()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_client(), raw_client(), st.sampled_from(["keep", "other"]))
def test_merge_loses_nothing_and_unmerge_restores(
    first: dict[str, Any], second: dict[str, Any], prefer: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp, ClientStore(Path(tmp) / "m.db") as store:
        keep = _create(store, first, "K")
        other = _create(store, second, "O")
        snapshots = (store.snapshot(keep.id or 0), store.snapshot(other.id or 0))
        children = _children(store)
        merged = apply_merge(store, prepare_merge(store, keep, [other], prefer))
        # every value of both inputs is in KEEP, or written in one of its notes
        # (emails are compared ignoring case: « A@x.fr » and « a@x.fr » are one address)
        note_text = "\n".join(n.text for n in merged.notes).casefold()
        present = {value.casefold() for value in _values(merged)}
        for value in _values(keep) + _values(other):
            assert value.casefold() in present or value.casefold() in note_text, value
        merged_tags = {t.casefold() for t in merged.tags}
        assert {t.casefold() for t in keep.tags + other.tags} <= merged_tags
        # documents, payments and notes: none lost, none duplicated, all on KEEP
        after = _children(store)
        assert {r[:3] for r in children if r[0] != "n"} == {r[:3] for r in after if r[0] != "n"}
        assert {r for r in children if r[0] == "n"} <= set(after)
        owners = {
            r[0]
            for r in store.db.execute(
                "SELECT DISTINCT client_id FROM documents UNION SELECT DISTINCT client_id FROM notes"
            )
        }
        assert owners <= {keep.id}
        # unmerge gives both back exactly
        unmerge(store, other.id or 0)
        assert (store.snapshot(keep.id or 0), store.snapshot(other.id or 0)) == snapshots
        assert _children(store) == children


# --- CLI ----------------------------------------------------------------------------------


def test_cli_duplicates_merge_unmerge_log(cli) -> None:
    keep = cli(
        "add", "--name", "ACME SAS", "--email", "contact@acme.fr", "--no-input"
    ).stdout.strip()
    other = cli("add", "--name", "ACME", "--email", "CONTACT@acme.fr", "--phone", "0142000000",
                "--allow-duplicate", "--no-input").stdout.strip()  # fmt: skip
    found = cli.json("duplicates")
    assert found[0]["reason"] == "email" and found[0]["match"] == "exact"
    assert {c["id"] for c in found[0]["clients"]} == {int(keep), int(other)}
    preview = json.loads(cli("merge", keep, other, "--dry-run", "--format", "json").stdout)
    assert preview["filled"][0]["field"] == "phone"
    assert cli.json("show", other)["id"] == int(other)  # the dry run changed nothing
    assert cli.json("show", keep)["phone"] is None
    result = cli("merge", keep, other, code=1)
    assert "--yes" in result.stderr
    done = json.loads(cli("merge", keep, other, "--yes", "--format", "json").stdout)
    assert done["client"]["phone"] == "+33142000000"
    shown = cli("show", other)
    assert f"#{other} a été fusionné dans #{keep}" in shown.stderr
    assert [c["id"] for c in cli.json("list")] == [int(keep)]
    assert "merge" in [e["action"] for e in cli.json("log", keep)]
    assert "fusion" in cli("show", keep, "--history").stdout
    back = json.loads(cli("unmerge", other, "--format", "json").stdout)
    assert back["restored"]["merged_into"] is None and back["keep"]["phone"] is None
    assert "n'est fusionné" in cli("unmerge", other, code=1).stderr


def test_cli_merge_refuses_itself(cli) -> None:
    one = cli("add", "--name", "Solo", "--no-input").stdout.strip()
    assert "lui-même" in cli("merge", one, one, "--yes", code=1).stderr


def test_a_merge_of_several_is_undone_one_client_at_a_time(store: ClientStore) -> None:
    keep = make(store, name="K", tags="Base")
    one = make(store, "n1", name="K", email="k@x.fr", tags="VIP")
    two = make(store, "n2", name="K", email="K@X.FR", phone="0142000000", tags="vip")
    snapshots = {c.id: store.snapshot(c.id or 0) for c in (keep, one, two)}
    apply_merge(store, prepare_merge(store, keep, [one, two], "keep"))
    unmerge(store, one.id or 0)
    now = store.get(keep.id or 0)
    # #2 is still merged and brought the same email and tag: they stay on KEEP
    assert now.email is not None and now.email.casefold() == "k@x.fr"
    assert [t.casefold() for t in now.tags] == ["base", "vip"]
    unmerge(store, two.id or 0)
    assert {c: store.snapshot(c or 0) for c in snapshots} == snapshots


def test_a_siren_displaced_by_a_merged_siret_is_kept_as_a_note(store: ClientStore) -> None:
    keep = make(store, name="ACME", kind="pro", siren="732829320")
    other = make(store, name="ACME", kind="pro", siret="55210055400013")
    merged = apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    assert merged.siret == "55210055400013" and merged.siren == "552100554"
    assert any("732829320" in n.text for n in merged.notes)
    unmerge(store, other.id or 0)
    assert store.get(keep.id or 0).siren == "732829320"


def test_unmerge_finds_renamed_tags(store: ClientStore) -> None:
    from newbi_clients.organise import rename_tag

    keep = make(store, name="K")
    other = make(store, name="K", tags="salon")
    apply_merge(store, prepare_merge(store, keep, [other], "keep"))
    rename_tag(store, "salon", "Salon 2025")
    unmerge(store, other.id or 0)
    assert store.get(keep.id or 0).tags == []
    assert store.get(other.id or 0).tags == ["Salon 2025"]


def test_a_person_s_email_and_phone_that_come_along_as_a_contact_are_no_conflict() -> None:
    # a company's row that carries its person holds the person's email and phone
    keep = build_client({"name": "Atelier Roux", "kind": "professionnel", "email": "contact@atelier-roux.fr",
                         "phone": "05 56 00 00 00"}).client  # fmt: skip
    other = build_client({"name": "Atelier Roux", "email": "jeanne@atelier-roux.fr",
                          "phone": "06 10 20 30 40", "siret": "732 829 320 00074",
                          "contacts": [{"last_name": "Roux", "email": "jeanne@atelier-roux.fr",
                                        "phone": "06 10 20 30 40"}]}).client  # fmt: skip
    plan = plan_merge(keep, [other], "keep")
    assert plan.merged.email == "contact@atelier-roux.fr"
    assert plan.conflicts == [] and [f for f, _, _ in plan.filled_values] == ["siret", "siren"]
    # without the contact, the other's email is a losing value, kept as a note
    other.contacts = []
    assert {c.field for c in plan_merge(keep, [other], "keep").conflicts} == {"email", "phone"}


@pytest.mark.parametrize("new", ["", " ", "u,v", "u;v"])
def test_a_tag_is_not_renamed_to_a_name_that_would_split(store: ClientStore, new: str) -> None:
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.organise import rename_tag

    make(store, name="K", tags="salon")
    with pytest.raises(ValidationFailed, match="Nouveau nom de tag invalide"):
        rename_tag(store, "salon", new)
