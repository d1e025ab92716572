"""Unmerge: a merged client restored exactly as it was, from the audit log of its merge."""

from __future__ import annotations

from typing import Any

from newbi_clients.errors import ValidationFailed
from newbi_clients.merging import MOVED_TABLES, MergeRefused
from newbi_clients.models import Client
from newbi_clients.rows import row_to_client
from newbi_clients.storage import ClientStore


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
    from newbi_clients.dedupe import get_value, is_empty, label, same_value, set_value

    details = entry["details"]
    merged = _from_snapshot(entry["after"])
    before = _from_snapshot(entry["before"])
    restored = keep_now.copy()
    for attr, source in details["sources"].items():
        value = get_value(merged, attr)

        def holds(client: Client, attr: str = attr, value: Any = value) -> bool:
            return not is_empty(attr, value) and same_value(attr, get_value(client, attr), value)

        if not (source == other.id or holds(other)) or any(holds(o) for o in still):
            continue
        if not same_value(attr, get_value(keep_now, attr), value):
            raise MergeRefused(
                f"Impossible de défaire la fusion : le champ « {label(attr)} » de #{keep_now.id} a"
                " été modifié depuis ; défaire la fusion écraserait cette modification."
                " Corrigez la fiche à la main (« newbi-clients edit »)."
            )
        set_value(restored, attr, get_value(before, attr))
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
    with store.transaction():
        other = store.get(other_id)
        if other.merged_into is None:
            raise MergeRefused(f"#{other_id} n'est fusionné dans aucun client.")
        keep_id = other.merged_into
        _refuse_forgotten(store, other_id, keep_id)
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
        _move_back(store, details["moved"].get(str(other_id), {}), other_id, keep_id)
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


def _refuse_forgotten(store: ClientStore, other_id: int, keep_id: int) -> None:
    """:raises MergeRefused: if either client was anonymised (its old values are gone)."""
    from newbi_clients.privacy import is_forgotten

    if is_forgotten(store, [other_id, keep_id]):
        raise MergeRefused(
            f"Impossible de défaire la fusion de #{other_id} : ce client a été anonymisé"
            " (droit à l'effacement), ses anciennes valeurs n'existent plus."
        )


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


def _move_back(
    store: ClientStore, moved: dict[str, list[int]], other_id: int, keep_id: int
) -> None:
    """Give back to OTHER what the merge moved to KEEP, and its primary contact."""
    from newbi_clients.contacts import ensure_primary

    for table, ids in moved.items():
        if table not in MOVED_TABLES:
            continue
        for child in ids:
            store.execute(
                f"UPDATE {table} SET client_id = ? WHERE id = ? AND client_id = ?",
                [other_id, child, keep_id],
            )
    primary = set(moved.get("primary_contacts", []))
    for contact_id in moved.get("contacts", []):
        store.execute(
            "UPDATE contacts SET is_primary = ? WHERE id = ? AND client_id = ?",
            [int(contact_id in primary), contact_id, other_id],
        )
    ensure_primary(store, keep_id)


def _from_snapshot(snapshot: dict[str, Any]) -> Client:
    """A client as the audit log recorded it (fields included)."""
    client = row_to_client(snapshot | {"tag_names": None})
    client.fields = dict(snapshot.get("fields") or {})
    return client


def _snapshot_before_merge(store: ClientStore, other_id: int, keep_id: int) -> dict[str, Any]:
    for entry in reversed(store.audit_log(other_id)):
        if entry["action"] == "merged_into" and entry["details"].get("keep") == keep_id:
            return dict(entry["before"] or {})
    raise ValidationFailed.single("unmerge", str(other_id), "Historique de fusion introuvable")


def _same_content(now_: dict[str, Any], then: dict[str, Any]) -> bool:
    """Whether two snapshots hold the same; what an older snapshot lacks (recorded before
    contacts, custom fields and reminders existed) must be empty now."""
    ignored = {"updated_at", "revenue_cents"}
    keys = (now_.keys() | then.keys()) - ignored
    return all(now_.get(k) == then.get(k) or (k not in then and not now_.get(k)) for k in keys)
