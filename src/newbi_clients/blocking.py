"""Blocked clients: a client who must not be invoiced again, with a reason and a date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newbi_clients.errors import NewbiError, ValidationFailed
from newbi_clients.models import Blocked

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore

# the documents a blocked client may not receive (a credit note gives money back)
REFUSED_TYPES = ("invoice", "quote")


class ClientBlocked(NewbiError):
    """An invoice or a quote for a blocked client, without --force."""

    def __init__(self, client: Client, label: str) -> None:
        assert client.blocked is not None
        since = french_date(client.blocked.at)
        super().__init__(
            f"#{client.id} {client.display_name} est bloqué depuis le {since} :"
            f" {client.blocked.reason}. {label} ; ajoutez --force pour l'enregistrer"
            f" quand même, ou débloquez le client (« newbi-clients unblock {client.id} »)."
        )


class NotBlocked(NewbiError):
    """Unblocking a client that is not blocked."""


def block(store: ClientStore, client: Client, reason: str) -> Client:
    """Block a client (or change the reason of a blocked one), with an audit entry.

    :raises ValidationFailed: an empty reason.
    """
    text = " ".join(reason.split())
    if not text:
        raise ValidationFailed.single(
            "reason", reason, "Motif obligatoire : --reason « impayés répétés »"
        )
    from newbi_clients.storage import now

    at = client.blocked.at if client.blocked else now()
    return store.update(client.copy(blocked=Blocked(at, text)), True, "block", expected=client)


def unblock(store: ClientStore, client: Client) -> Client:
    """Unblock a client.

    :raises NotBlocked: when it is not blocked.
    """
    if client.blocked is None:
        raise NotBlocked(f"#{client.id} {client.display_name} n'est pas bloqué.")
    return store.update(client.copy(blocked=None), True, "unblock", expected=client)


def check_invoicable(client: Client, doc_type: str, force: bool = False) -> None:
    """:raises ClientBlocked: for an invoice or a quote of a blocked client, unless forced."""
    if client.blocked is None or force or doc_type not in REFUSED_TYPES:
        return
    label = "Facture refusée" if doc_type == "invoice" else "Devis refusé"
    raise ClientBlocked(client, label)


def french_date(stamp: str) -> str:
    """« 2026-11-30T07:08:30+00:00 » → « 30/11/2026 »."""
    year, month, day = stamp[:10].split("-")
    return f"{day}/{month}/{year}"
