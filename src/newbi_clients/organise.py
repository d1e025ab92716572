"""Tags and archiving, applied to many clients at once, each change in the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newbi_clients import validation as v
from newbi_clients.errors import DuplicateClient, ValidationFailed
from newbi_clients.storage import ClientStore, now


@dataclass(frozen=True, slots=True)
class TagCount:
    """A tag and how many active (and archived) clients carry it."""

    name: str
    active: int
    archived: int


def _tags(tags: Sequence[str]) -> list[str]:
    clean = v.normalize_tags(tags)
    if not clean:
        raise ValidationFailed.single("tags", None, "Aucun tag : donnez au moins un tag")
    return clean


def add_tags(store: ClientStore, client_ids: Sequence[int], tags: Sequence[str]) -> int:
    """Put tags on clients; returns how many (client, tag) pairs were new."""
    clean = _tags(tags)
    added = 0
    with store.transaction():
        tag_ids = [(tag, store.tag_id(tag)) for tag in clean]
        for client_id in dict.fromkeys(client_ids):
            new = []
            for tag, tag_id in tag_ids:
                cursor = store.execute(
                    "INSERT OR IGNORE INTO client_tags (client_id, tag_id) VALUES (?, ?)",
                    [client_id, tag_id],
                )
                if cursor.rowcount:
                    new.append(tag)
            if new:
                added += len(new)
                store.execute("UPDATE clients SET updated_at = ? WHERE id = ?", [now(), client_id])
                store.audit("tag_add", client_id, None, None, {"tags": new})
    return added


def remove_tags(store: ClientStore, client_ids: Sequence[int], tags: Sequence[str]) -> int:
    """Take tags off clients; returns how many (client, tag) pairs were removed."""
    keys = [v.tag_key(t) for t in _tags(tags)]
    removed = 0
    marks = ", ".join("?" * len(keys))
    with store.transaction():
        for client_id in dict.fromkeys(client_ids):
            names = [
                r[0]
                for r in store.execute(
                    "SELECT t.name FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
                    f" WHERE ct.client_id = ? AND t.key IN ({marks})",
                    [client_id, *keys],
                )
            ]
            if not names:
                continue
            store.execute(
                "DELETE FROM client_tags WHERE client_id = ? AND tag_id IN"
                f" (SELECT id FROM tags WHERE key IN ({marks}))",
                [client_id, *keys],
            )
            removed += len(names)
            store.execute("UPDATE clients SET updated_at = ? WHERE id = ?", [now(), client_id])
            store.audit("tag_remove", client_id, {"tags": names}, None)
    return removed


def tag_counts(store: ClientStore) -> list[TagCount]:
    """Every tag in use, with its number of active and archived clients, by name."""
    rows = store.execute(
        "SELECT t.name,"
        " sum(c.archived_at IS NULL), sum(c.archived_at IS NOT NULL)"
        " FROM tags t JOIN client_tags ct ON ct.tag_id = t.id"
        " JOIN clients c ON c.id = ct.client_id AND c.merged_into IS NULL"
        " GROUP BY t.id ORDER BY t.key"
    ).fetchall()
    return [TagCount(r[0], int(r[1]), int(r[2])) for r in rows]


def rename_tag(store: ClientStore, old: str, new: str) -> int:
    """Rename a tag everywhere; if NEW already exists, OLD is merged into it.

    :returns: the number of clients that carried OLD.
    :raises ValidationFailed: if OLD does not exist or NEW is empty.
    """
    new_name = v.normalize_text(new)
    if not new_name or "," in new_name or ";" in new_name:  # they separate tags
        raise ValidationFailed.single(
            "tag",
            new,
            "Nouveau nom de tag invalide (vide, ou avec une virgule ou un point-virgule)",
        )
    old_key, new_key = v.tag_key(old), v.tag_key(new_name)
    with store.transaction():
        row = store.execute("SELECT id, name FROM tags WHERE key = ?", [old_key]).fetchone()
        if row is None:
            raise ValidationFailed.single("tag", old, f"Tag introuvable : « {old} »")
        old_id, old_name = row
        clients = [
            r[0]
            for r in store.execute("SELECT client_id FROM client_tags WHERE tag_id = ?", [old_id])
        ]
        taken = store.execute("SELECT id FROM tags WHERE key = ?", [new_key]).fetchone()
        if old_key == new_key or taken is None:
            # the same tag under a new name: its id stays, so history that names it holds
            store.execute(
                "UPDATE tags SET name = ?, key = ? WHERE id = ?", [new_name, new_key, old_id]
            )
        else:
            target = store.tag_id(new_name)
            store.execute(
                "INSERT OR IGNORE INTO client_tags (client_id, tag_id)"
                " SELECT client_id, ? FROM client_tags WHERE tag_id = ?",
                [target, old_id],
            )
            store.execute("DELETE FROM client_tags WHERE tag_id = ?", [old_id])
            store.execute("DELETE FROM tags WHERE id = ?", [old_id])
        stamp = now()
        for client_id in clients:
            store.execute("UPDATE clients SET updated_at = ? WHERE id = ?", [stamp, client_id])
            store.audit("tag_rename", client_id, {"tags": [old_name]}, {"tags": [new_name]})
    return len(clients)


def set_archived(
    store: ClientStore, client_ids: Sequence[int], archived: bool, allow_duplicate: bool = False
) -> list[int]:
    """Archive (or reactivate) clients; returns the ids whose state changed.

    :raises DuplicateClient: reactivating a client whose email or SIRET an active client
        has taken since (unless ``allow_duplicate``); nothing is changed then.
    """
    changed = []
    with store.transaction():
        stamp = now()
        if not archived and not allow_duplicate:
            for client_id in dict.fromkeys(client_ids):
                matches = store.find_duplicates(store.get(client_id))
                if matches:
                    raise DuplicateClient(matches)
        for client_id in dict.fromkeys(client_ids):
            row = store.execute(
                "SELECT archived_at FROM clients WHERE id = ?", [client_id]
            ).fetchone()
            if row is None or (row[0] is not None) == archived:
                continue
            store.execute(
                "UPDATE clients SET archived_at = ?, updated_at = ? WHERE id = ?",
                [stamp if archived else None, stamp, client_id],
            )
            store.audit(
                "archive" if archived else "unarchive",
                client_id,
                {"archived_at": row[0]},
                {"archived_at": stamp if archived else None},
            )
            changed.append(client_id)
    return changed
