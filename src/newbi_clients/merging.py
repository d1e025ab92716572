"""Probable duplicates (grouped in SQL), merges that lose nothing, unmerge from the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newbi_clients.dedupe import MERGED_FIELDS, MergePlan, plan_merge
from newbi_clients.errors import NewbiError, ValidationFailed
from newbi_clients.models import Client
from newbi_clients.rows import row_to_client
from newbi_clients.storage import ClientStore, now

# (reason, column(s), exact?) in order of strength
REASONS: tuple[tuple[str, str, bool], ...] = (
    ("email", "email_key", True),
    ("siret", "siret", True),
    ("siren", "siren", False),
    ("vat_number", "vat_number", False),
    ("phone", "phone", False),
    ("name_postal_code", "name_key, billing_postal_code", False),
)
_NOT_EMPTY = {"name_postal_code": "name_key <> '' AND billing_postal_code IS NOT NULL"}


class MergeRefused(NewbiError):
    """A merge or unmerge that cannot be done safely."""


@dataclass(slots=True)
class DuplicateGroup:
    """Clients that share a key: an email, a SIRET, a SIREN, a VAT number, a phone, a name."""

    reason: str
    exact: bool
    key: str
    clients: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a group."""
        return {
            "reason": self.reason,
            "match": "exact" if self.exact else "probable",
            "key": self.key,
            "clients": self.clients,
        }


_SUMMARY = (
    "id, kind, name, first_name, email, phone, siret, vat_number, billing_postal_code,"
    " billing_city, archived_at"
)


def duplicate_groups(store: ClientStore) -> list[DuplicateGroup]:
    """Groups of probable duplicates among clients not merged (archived ones included).

    Each key is grouped with a GROUP BY that reads its index alone (a covering index: no
    row of the table is visited); merged clients, rare, are set aside afterwards. A group
    whose clients all belong to a group already found for a stronger reason is not
    repeated.
    """
    found: list[tuple[str, bool, str, list[int]]] = []
    for reason, expression, exact in REASONS:
        condition = _NOT_EMPTY.get(reason, f"{expression} IS NOT NULL")
        key_text = expression.replace(", ", " || ' ' || ")
        for key, ids_text in store.execute(
            f"SELECT {key_text}, group_concat(id) FROM clients WHERE {condition}"
            f" GROUP BY {expression} HAVING count(*) > 1"
        ):
            found.append((reason, exact, str(key), [int(i) for i in ids_text.split(",")]))
    summaries = _summaries(store, sorted({i for *_, ids in found for i in ids}))
    groups: list[DuplicateGroup] = []
    seen: list[frozenset[int]] = []
    by_member: dict[int, list[int]] = {}
    for reason, exact, key, ids in found:
        members = frozenset(i for i in ids if summaries[i]["merged_into"] is None)
        candidates = {g for i in members for g in by_member.get(i, [])}
        if len(members) < 2 or any(members <= seen[g] for g in candidates):
            continue
        for i in members:
            by_member.setdefault(i, []).append(len(seen))
        seen.append(members)
        group = DuplicateGroup(reason, exact, key, ids=sorted(members))
        group.clients = [_public(summaries[i]) for i in group.ids]
        groups.append(group)
    return groups


def _summaries(store: ClientStore, ids: list[int]) -> dict[int, dict[str, Any]]:
    summaries: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        batch = ids[start : start + 500]
        cursor = store.execute(
            f"SELECT {_SUMMARY}, merged_into FROM clients"
            f" WHERE id IN ({', '.join('?' * len(batch))})",
            batch,
        )
        names = [d[0] for d in cursor.description]
        for row in cursor:
            data = dict(zip(names, row, strict=True))
            summaries[data["id"]] = data
    return summaries


def _public(data: dict[str, Any]) -> dict[str, Any]:
    """A client of a group in the JSON shape of ``duplicates``."""
    shown = {k: v for k, v in data.items() if k != "merged_into"}
    shown["postal_code"] = shown.pop("billing_postal_code")
    shown["city"] = shown.pop("billing_city")
    shown["archived"] = shown.pop("archived_at") is not None
    return shown


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


def _move_children(store: ClientStore, source: int, target: int) -> dict[str, list[int]]:
    moved = {}
    for table in ("notes", "documents"):
        ids = [r[0] for r in store.execute(f"SELECT id FROM {table} WHERE client_id = ?", [source])]
        store.execute(f"UPDATE {table} SET client_id = ? WHERE client_id = ?", [target, source])
        moved[table] = ids
    return moved


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
    from newbi_clients.dedupe import Conflict, show_value

    with store.transaction():
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
        store.update(plan.merged, allow_duplicate=True, action=None)
        note = plan.conflict_note(source)
        # a note the client already has is not copied again (the same file imported twice)
        held = {
            r[0] for r in store.execute("SELECT text FROM notes WHERE client_id = ?", [target_id])
        }
        for at, text in [*notes, *([(now(), note)] if note else [])]:
            if text not in held:
                held.add(text)
                store.insert_note(target_id, text, at)
        store.audit(action, target_id, before, store.snapshot(target_id), {"source": source})
    return store.get(target_id)


# --- unmerge --------------------------------------------------------------------------


def _undone(store: ClientStore, keep_id: int) -> set[tuple[int, int]]:
    """(merge entry, client) pairs already unmerged: a merge of several clients is undone
    one client at a time."""
    rows = store.execute(
        "SELECT json_extract(details, '$.merge'), json_extract(details, '$.other') FROM audit"
        " WHERE action = 'unmerge' AND client_id = ?",
        [keep_id],
    )
    return {(int(m), int(o)) for m, o in rows if m is not None and o is not None}


def _last_merge(
    store: ClientStore, other_id: int, keep_id: int
) -> tuple[dict[str, Any], list[int]]:
    """The merge that folded ``other_id`` into ``keep_id``, and the clients of that merge
    that are still merged."""
    undone = _undone(store, keep_id)
    for entry in reversed(store.audit_log(keep_id)):
        if entry["action"] != "merge" or (entry["id"], other_id) in undone:
            continue
        others = entry["details"]["others"]
        if other_id in others:
            still = [o for o in others if o != other_id and (entry["id"], o) not in undone]
            return dict(entry), still
    raise MergeRefused(f"Aucune fusion de #{other_id} dans #{keep_id} n'est enregistrée.")


def _taken_back(
    store: ClientStore, keep_now: Client, entry: dict[str, Any], other: Client, still: list[Client]
) -> Client:
    """KEEP without what ``other`` brought to it.

    A value brought by several merged clients stays while one of them is still merged,
    and goes with the last of them.

    :raises MergeRefused: when KEEP was edited since on a field about to be taken back.
    """
    from newbi_clients.dedupe import is_empty, same_value

    details = entry["details"]
    merged = row_to_client(entry["after"] | {"tag_names": None})
    before = row_to_client(entry["before"] | {"tag_names": None})
    restored = keep_now.copy()
    for attr, source in details["sources"].items():
        value = getattr(merged, attr)

        def holds(client: Client, attr: str = attr, value: Any = value) -> bool:
            return not is_empty(attr, value) and same_value(attr, getattr(client, attr), value)

        if not (source == other.id or holds(other)) or any(holds(o) for o in still):
            continue
        if not same_value(attr, getattr(keep_now, attr), value):
            label = dict(MERGED_FIELDS).get(attr, attr)
            raise MergeRefused(
                f"Impossible de défaire la fusion : le champ « {label} » de #{keep_now.id} a"
                " été modifié depuis ; défaire la fusion écraserait cette modification."
                " Corrigez la fiche à la main (« newbi-clients edit »)."
            )
        setattr(restored, attr, getattr(before, attr))
    # tags by id, so that a tag renamed since is still recognised
    own = {store.tag_id(t) for t in other.tags}
    kept = {store.tag_id(t) for o in still for t in o.tags}
    # merges recorded before tag ids were kept name their tags only
    tag_ids = details.get("tag_ids") or {
        str(store.tag_id(t)): s for t, s in details.get("tag_sources", {}).items()
    }
    brought = {int(i) for i, s in tag_ids.items() if s == other.id or int(i) in own}
    gone = brought - kept
    restored.tags = [t for t in keep_now.tags if store.tag_id(t) not in gone]
    return restored


def unmerge(
    store: ClientStore, other_id: int, allow_duplicate: bool = False
) -> tuple[Client, Client]:
    """Restore a merged client exactly as it was, and take back from KEEP what it brought.

    :raises MergeRefused: when the client is not merged, was anonymised, KEEP changed
        since in a way that undoing the merge would overwrite, or (unless
        ``allow_duplicate``) the restored client would have the email or SIRET of another
        active client.
    """
    from newbi_clients.privacy import is_forgotten

    with store.transaction():
        other = store.get(other_id)
        if other.merged_into is None:
            raise MergeRefused(f"#{other_id} n'est fusionné dans aucun client.")
        keep_id = other.merged_into
        if is_forgotten(store, [other_id, keep_id]):
            raise MergeRefused(
                f"Impossible de défaire la fusion de #{other_id} : ce client a été anonymisé"
                " (droit à l'effacement), ses anciennes valeurs n'existent plus."
            )
        entry, still_ids = _last_merge(store, other_id, keep_id)
        details = entry["details"]
        keep_now = store.get(keep_id)
        if keep_now.merged_into is not None:
            raise MergeRefused(
                f"#{keep_id} a lui-même été fusionné dans #{keep_now.merged_into} depuis :"
                f" défaites d'abord « newbi-clients unmerge {keep_id} »."
            )
        still = [store.get(i) for i in still_ids]
        restored = _taken_back(store, keep_now, entry, other, still)
        keep_before = store.snapshot(keep_id)
        store.update(restored, allow_duplicate=True, action=None)
        for table, ids in details["moved"].get(str(other_id), {}).items():
            for child in ids:
                store.execute(
                    f"UPDATE {table} SET client_id = ? WHERE id = ? AND client_id = ?",
                    [other_id, child, keep_id],
                )
        if details["conflict_note"] and not still:
            store.execute(
                "DELETE FROM notes WHERE id = ? AND client_id = ?",
                [details["conflict_note"], keep_id],
            )
        if not still and _same_content(store.snapshot(keep_id), entry["before"]):
            # nothing else changed KEEP since: it gets its own timestamp back too
            store.execute(
                "UPDATE clients SET updated_at = ? WHERE id = ?",
                [entry["before"]["updated_at"], keep_id],
            )
        snapshot = _snapshot_before_merge(store, other_id, keep_id)
        store.execute(
            "UPDATE clients SET merged_into = NULL, updated_at = ? WHERE id = ?",
            [snapshot.get("updated_at"), other_id],
        )
        if not allow_duplicate:
            _refuse_duplicate(store, store.get(other_id), {keep_id, *details["others"]})
        store.audit("unmerge", keep_id, keep_before, store.snapshot(keep_id),
                    {"merge": entry["id"], "other": other_id})  # fmt: skip
        store.audit("unmerge", other_id, None, store.snapshot(other_id),
                    {"merge": entry["id"], "keep": keep_id})  # fmt: skip
    return store.get(other_id), store.get(keep_id)


def _refuse_duplicate(store: ClientStore, restored: Client, merge: set[int]) -> None:
    """:raises MergeRefused: if the restored client is active and an active client outside
    its merge (those were duplicates before, as the merge means) holds its email or SIRET;
    the caller's transaction is rolled back."""
    if restored.archived_at is not None:
        return
    matches = [m for m in store.find_duplicates(restored) if m.existing.id not in merge]
    if matches:
        first = matches[0]
        label = "l'email" if first.field == "email" else "le SIRET"
        raise MergeRefused(
            f"Impossible de défaire la fusion : #{restored.id} reprendrait {label}"
            f" {first.value}, que {first.existing} utilise aussi. Modifiez l'un des deux"
            " clients d'abord, ou ajoutez --allow-duplicate pour passer outre."
        )


def _snapshot_before_merge(store: ClientStore, other_id: int, keep_id: int) -> dict[str, Any]:
    for entry in reversed(store.audit_log(other_id)):
        if entry["action"] == "merged_into" and entry["details"].get("keep") == keep_id:
            return dict(entry["before"] or {})
    raise ValidationFailed.single("unmerge", str(other_id), "Historique de fusion introuvable")


def _same_content(now_: dict[str, Any], then: dict[str, Any]) -> bool:
    ignored = {"updated_at", "revenue_cents"}
    return {k: v for k, v in now_.items() if k not in ignored} == {
        k: v for k, v in then.items() if k not in ignored
    }
