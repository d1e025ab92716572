"""Reminders (relances): a dated follow-up of a client, listed with what it owes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newbi_clients.errors import NewbiError, ValidationFailed
from newbi_clients.models import format_money

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore


class ReminderNotFound(NewbiError):
    """No pending reminder has this id."""


@dataclass(slots=True)
class Reminder:
    """A follow-up to do on ``due_on``, with the client's outstanding and overdue amounts
    (in the client's main currency, integer cents) when listed."""

    id: int
    client_id: int
    client_name: str
    due_on: str
    text: str
    done_at: str | None = None
    currency: str = "EUR"
    outstanding: int = 0
    overdue: int = 0

    def is_due(self, today: dt.date) -> bool:
        """Whether the reminder's date has come."""
        return self.done_at is None and self.due_on <= today.isoformat()

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of a reminder: amounts as strings."""
        return {
            "id": self.id,
            "client_id": self.client_id,
            "client_name": self.client_name,
            "due_on": self.due_on,
            "text": self.text,
            "done_at": self.done_at,
            "currency": self.currency,
            "outstanding": format_money(self.outstanding),
            "overdue": format_money(self.overdue),
        }


def add_reminder(store: ClientStore, client: Client, on: str, text: str) -> Reminder:
    """Record a reminder for a client.

    :raises ValidationFailed: an invalid date or an empty text.
    """
    from newbi_clients.documents import parse_date
    from newbi_clients.storage import now

    due_on = parse_date(on, "on")
    body = " ".join(text.split())
    if not body:
        raise ValidationFailed.single("text", text, "Texte de la relance vide : écrivez-le")
    assert client.id is not None
    with store.transaction():
        cursor = store.execute(
            "INSERT INTO reminders (client_id, due_on, text, created_at) VALUES (?, ?, ?, ?)",
            [client.id, due_on, body, now()],
        )
        reminder = Reminder(int(cursor.lastrowid or 0), client.id, client.display_name,
                            due_on, body)  # fmt: skip
        store.audit("remind", client.id, None, None, {"reminder": reminder.to_dict()})
    return reminder


def done_reminder(store: ClientStore, reminder_id: int) -> Reminder:
    """Mark a reminder done.

    :raises ReminderNotFound: when no pending reminder has this id.
    """
    from newbi_clients.storage import now

    with store.transaction():
        found = _pending(store, "r.id = ?", [reminder_id])
        if not found:
            raise ReminderNotFound(f"Aucune relance en attente n'a le numéro {reminder_id}.")
        stamp = now()
        store.execute("UPDATE reminders SET done_at = ? WHERE id = ?", [stamp, reminder_id])
        reminder = found[0]
        reminder.done_at = stamp
        store.audit("remind_done", reminder.client_id, None, None,
                    {"reminder": reminder.to_dict()})  # fmt: skip
    return reminder


def pending_reminders(
    store: ClientStore, due_only: bool = False, today: dt.date | None = None
) -> list[Reminder]:
    """The reminders not done yet (with ``due_only``, those whose date has come), by date,
    each with its client's outstanding and overdue amounts. A reminder of a client merged
    into another follows it (the merge moves it)."""
    from newbi_clients.stats import compute

    day = today or dt.date.today()
    where, params = ("r.due_on <= ?", [day.isoformat()]) if due_only else ("1", [])
    reminders = _pending(store, where, params)
    figures: dict[int, tuple[str, int, int]] = {}
    for reminder in reminders:
        if reminder.client_id not in figures:
            stats = compute(store, reminder.client_id, day)
            # the main currency, as in the statistics' JSON: the one with most invoices
            ordered = sorted(
                stats.currencies.values(), key=lambda s: (-s.invoice_count, s.currency)
            )
            main = ordered[0] if ordered else None
            figures[reminder.client_id] = (
                main.currency if main else stats.default_currency,
                main.outstanding if main else 0,
                main.overdue if main else 0,
            )
        reminder.currency, reminder.outstanding, reminder.overdue = figures[reminder.client_id]
    return reminders


def _pending(store: ClientStore, where: str, params: list[Any]) -> list[Reminder]:
    rows = store.execute(
        "SELECT r.id, r.client_id, c.name, c.first_name, c.kind, r.due_on, r.text, r.done_at"
        " FROM reminders r JOIN clients c ON c.id = r.client_id"
        f" WHERE r.done_at IS NULL AND {where} ORDER BY r.due_on, r.id",
        params,
    ).fetchall()
    from newbi_clients.lookup import display

    return [Reminder(r[0], r[1], display(r[2], r[3], r[4]), r[5], r[6], r[7]) for r in rows]
