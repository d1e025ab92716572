"""Errors raised by the core, each with a French message and an exit code.

The CLI maps them to exit codes in one place (``newbi_clients.cli``); the core never
prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the command-line tool."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    INTERRUPTED = 130


class NewbiError(Exception):
    """Base class of every expected, user-facing error."""

    exit_code = ExitCode.REFUSED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, object]:
        """Structured form, for ``--format json`` error reports."""
        return {"error": type(self).__name__, "message": self.message}


@dataclass(frozen=True, slots=True)
class FieldError:
    """One refused value: which field, what was given, why."""

    field: str
    value: str | None
    message: str
    key: str | None = None  # the raw input key (flag or import column) it came from


class ValidationFailed(NewbiError):
    """One or more fields of a client (or a document) are invalid."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(e.message for e in self.errors))

    @classmethod
    def single(cls, field: str, value: str | None, message: str) -> ValidationFailed:
        """Build the error for one field."""
        return cls([FieldError(field, value, message)])

    @property
    def field(self) -> str:
        """The first field at fault."""
        return self.errors[0].field

    def to_dict(self) -> dict[str, object]:
        return {
            "error": "ValidationFailed",
            "message": self.message,
            "errors": [
                {"field": e.field, "value": e.value, "message": e.message} for e in self.errors
            ],
        }


@dataclass(frozen=True, slots=True)
class ClientRef:
    """A short reference to a client, for messages: id and display name."""

    id: int
    name: str

    def __str__(self) -> str:
        return f"#{self.id} ({self.name})"


class ClientNotFound(NewbiError):
    """No active client matches this reference."""

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            f"Client introuvable : « {ref} ». Vérifiez l'identifiant, ou cherchez-le avec "
            "« newbi-clients search »."
        )


class AmbiguousClient(NewbiError):
    """Several active clients match a name fragment."""

    def __init__(self, ref: str, candidates: Sequence[ClientRef], more: bool = False) -> None:
        self.ref = ref
        self.candidates = list(candidates)
        lines = "\n".join(f"  {c}" for c in self.candidates)
        tail = "\n  …" if more else ""
        super().__init__(
            f"Référence ambiguë : « {ref} » désigne plusieurs clients :\n{lines}{tail}\n"
            "Précisez avec l'identifiant (le numéro), l'email ou le SIRET."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "error": "AmbiguousClient",
            "message": self.message,
            "candidates": [{"id": c.id, "name": c.name} for c in self.candidates],
        }


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """An existing client that a new or edited client would duplicate."""

    existing: ClientRef
    field: str  # "email" or "siret"
    value: str
    contact: str | None = None  # the name of the existing client's contact holding it

    @property
    def holder(self) -> str:
        """« #12 (ACME) », or « le contact Claire Martin de #12 (ACME) »."""
        if self.contact:
            return f"le contact {self.contact} de {self.existing}"
        return str(self.existing)


_FIELD_LABELS = {"email": "l'email", "siret": "le SIRET"}


class DuplicateClient(NewbiError):
    """An active client already has this email or SIRET."""

    def __init__(self, matches: Sequence[DuplicateMatch]) -> None:
        self.matches = list(matches)
        first = self.matches[0]
        label = _FIELD_LABELS.get(first.field, first.field)
        self.headline = (
            f"Client déjà existant : {label} {first.value} est déjà utilisé par {first.holder}"
        )
        super().__init__(
            f"{self.headline}. Vérifiez qu'il ne s'agit pas du même client "
            f"(« newbi-clients show {first.existing.id} »), modifiez-le plutôt que d'en "
            "créer un nouveau, ou ajoutez --allow-duplicate pour passer outre."
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "error": "DuplicateClient",
            "message": self.message,
            "matches": [
                {
                    "id": m.existing.id,
                    "name": m.existing.name,
                    "field": m.field,
                    "value": m.value,
                    "contact": m.contact,
                }
                for m in self.matches
            ],
        }


class StaleClient(NewbiError):
    """The client changed (another command) between reading it and saving it."""

    def __init__(self, client_id: int) -> None:
        super().__init__(
            f"#{client_id} a été modifié par une autre commande pendant cette modification :"
            " rien n'a été enregistré. Recommencez pour partir de sa version actuelle."
        )


class ImportRejected(NewbiError):
    """A file cannot be imported at all (format, encoding, headers, --strict)."""


class StorageError(NewbiError):
    """The database file cannot be opened or written."""
