"""Probable duplicates (grouped in SQL), merges that lose nothing, unmerge from the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from newbi_clients import validation as v
from newbi_clients.dedupe import MergePlan, plan_merge
from newbi_clients.errors import NewbiError
from newbi_clients.models import Client, Contact
from newbi_clients.storage import ClientStore, now


class MergeRefused(NewbiError):
    """A merge or unmerge that cannot be done safely."""


# --- merge ----------------------------------------------------------------------------


def check_mergeable(keep: Client, others: list[Client]) -> None:
    """:raises MergeRefused: merging a client into itself, into or from a merged client."""
    if keep.merged_into is not None:
        raise MergeRefused(
            f"#{keep.id} a déjà été fusionné dans #{keep.merged_into} : fusionnez plutôt dans"
            f" #{keep.merged_into}."
        )
    for other in others:
        if other.id == keep.id:
            raise MergeRefused(f"Impossible de fusionner #{keep.id} avec lui-même.")
        if other.merged_into is not None:
            raise MergeRefused(
                f"#{other.id} a déjà été fusionné dans #{other.merged_into} (défaites d'abord"
                f" cette fusion avec « newbi-clients unmerge {other.id} »)."
            )
    if len({o.id for o in others}) != len(others):
        raise MergeRefused("Le même client est donné deux fois.")


def prepare_merge(store: ClientStore, keep: Client, others: list[Client], prefer: str) -> MergePlan:
    """The merge plan (nothing written)."""
    check_mergeable(keep, others)
    return plan_merge(keep, others, prefer)


def apply_merge(store: ClientStore, plan: MergePlan) -> Client:
    """Write a merge in one transaction; everything it does is recorded for ``unmerge``.

    KEEP gets the merged fields and tags and a note holding every losing value; notes and
    documents move to KEEP; each OTHER keeps its own record, marked ``merged_into``.
    """
    keep = plan.keep
    assert keep.id is not None
    merged = plan.merged
    if merged.siret:
        merged.siren = merged.siret[:9]
    with store.transaction():
        fresh = store.get(keep.id)
        if fresh.updated_at != keep.updated_at or fresh.merged_into is not None:
            raise MergeRefused(f"#{keep.id} a changé pendant la préparation : recommencez.")
        before = store.snapshot(keep.id)
        stamp = now()
        store.update(merged, allow_duplicate=True, action=None)
        names = ", ".join(f"#{o.id}" for o in plan.others)
        note = plan.conflict_note(f"fusion de {names} dans #{keep.id}")
        note_id = store.insert_note(keep.id, note, stamp) if note else None
        moved: dict[str, dict[str, list[int]]] = {}
        for other in plan.others:
            assert other.id is not None
            moved[str(other.id)] = _move_children(store, other.id, keep.id)
            other_before = store.snapshot(other.id)
            store.execute(
                "UPDATE clients SET merged_into = ?, updated_at = ? WHERE id = ?",
                [keep.id, stamp, other.id],
            )
            store.audit("merged_into", other.id, other_before, store.snapshot(other.id),
                        {"keep": keep.id})  # fmt: skip
        details = {
            "others": [o.id for o in plan.others],
            "sources": plan.sources,
            "tag_sources": plan.tag_sources,
            "tag_ids": {str(store.tag_id(t)): s for t, s in plan.tag_sources.items()},
            "conflict_note": note_id,
            "moved": moved,
        }
        store.audit("merge", keep.id, before, store.snapshot(keep.id), details)
    return store.get(keep.id)


# what a merge moves from OTHER to KEEP (and unmerge moves back, by id)
MOVED_TABLES = ("notes", "documents", "contacts", "reminders")


def _move_children(store: ClientStore, source: int, target: int) -> dict[str, list[int]]:
    """Move notes, documents, contacts and reminders; KEEP's primary contact stays its
    primary one (OTHER's primary contact is recorded, for unmerge)."""
    had_primary = store.execute(
        "SELECT 1 FROM contacts WHERE client_id = ? AND is_primary", [target]
    ).fetchone()
    primary = [
        r[0]
        for r in store.execute(
            "SELECT id FROM contacts WHERE client_id = ? AND is_primary", [source]
        )
    ]
    moved = {}
    for table in MOVED_TABLES:
        ids = [r[0] for r in store.execute(f"SELECT id FROM {table} WHERE client_id = ?", [source])]
        store.execute(f"UPDATE {table} SET client_id = ? WHERE client_id = ?", [target, source])
        moved[table] = ids
    # OTHER's primary contact, given back as such by unmerge
    moved["primary_contacts"] = primary
    if had_primary and primary:
        store.execute(
            f"UPDATE contacts SET is_primary = 0 WHERE id IN ({', '.join('?' * len(primary))})",
            primary,
        )
    return moved


@dataclass(slots=True)
class Completion:
    """The completion of an existing client, computed from the book as it was read; an
    import computes its merges so before taking the write lock, then only writes them."""

    target: Client
    incoming: Client
    merged: Client
    before: dict[str, Any]
    note: str | None


def plan_completion(
    store: ClientStore, target_id: int, incoming: Client, source: str, unset: Sequence[str] = ()
) -> Completion:
    """What :func:`complete_client` would write (reads only)."""
    from newbi_clients.dedupe import Conflict, show_value

    target = store.get(target_id)
    incoming = incoming.copy(**{attr: getattr(target, attr) for attr in unset})
    plan = plan_merge(target, [incoming])
    for match in store.find_duplicates(plan.merged):
        if match.field in plan.sources and match.existing.id != target_id:
            value = getattr(plan.merged, match.field)
            setattr(plan.merged, match.field, getattr(target, match.field))
            del plan.sources[match.field]
            if match.field == "siret":
                plan.merged.siren = target.siren
            plan.conflicts.append(Conflict(match.field, "", show_value(value), None))
    before = store.snapshot(target_id)
    return Completion(target, incoming, plan.merged, before, plan.conflict_note(source))


def write_completion(
    store: ClientStore,
    completion: Completion,
    source: str,
    notes: Sequence[tuple[str, str]] = (),
    action: str = "complete",
) -> None:
    """Write a planned completion (inside the caller's transaction)."""
    target_id = completion.target.id
    assert target_id is not None
    # checked when planned (duplicates kept out); only what changed is written
    store.save(completion.merged, was=completion.target)
    add_new_contacts(store, completion.target, completion.incoming.contacts)
    note = completion.note
    # a note the client already has is not copied again (the same file imported twice)
    held = {r[0] for r in store.execute("SELECT text FROM notes WHERE client_id = ?", [target_id])}
    for at, text in [*notes, *([(now(), note)] if note else [])]:
        if text not in held:
            held.add(text)
            store.insert_note(target_id, text, at)
    store.audit(action, target_id, completion.before, store.snapshot(target_id), {"source": source})


def complete_client(
    store: ClientStore,
    target_id: int,
    incoming: Client,
    source: str,
    notes: Sequence[tuple[str, str]] = (),
    action: str = "complete",
    unset: Sequence[str] = (),
) -> Client:
    """Fill an existing client's empty fields from new data (an import row, an ``add``),
    never overwriting a value: differing values are kept in a note, and so is an email or
    a SIRET that another active client already has (filling it would make a duplicate).
    The new data's own notes are added, except those the client already has. The change
    is audited with the previous values.
    ``unset`` names fields the new data left blank (their defaults are not values).
    """
    with store.transaction():
        completion = plan_completion(store, target_id, incoming, source, unset)
        write_completion(store, completion, source, notes, action)
    return store.get(target_id)


def add_new_contacts(
    store: ClientStore, target: Client, contacts: Sequence[Contact]
) -> list[Contact]:
    """Add to ``target`` the incoming contacts it does not have yet (same email, or same
    name without email); a contact whose email another client uses is left out. Returns
    the contacts added (inside the caller's transaction)."""
    from newbi_clients.contacts import insert_contacts
    from newbi_clients.lookup import email_holders

    assert target.id is not None
    known = {(v.email_key(c.email), v.fold(c.display_name)) for c in target.contacts}
    emails = {v.email_key(c.email) for c in target.contacts if c.email}
    fresh = []
    for contact in contacts:
        key = v.email_key(contact.email)
        if (key and key in emails) or (key, v.fold(contact.display_name)) in known:
            continue
        if any(m.existing.id != target.id for m in email_holders(store, contact.email)):
            continue
        fresh.append(replace(contact, id=None))
        known.add((key, v.fold(contact.display_name)))
        if key:
            emails.add(key)
    insert_contacts(store, target.id, fresh)
    return fresh
