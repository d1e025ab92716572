"""Merging clients without losing anything: a pure plan, applied elsewhere.

:func:`plan_merge` takes the client to keep and the others, and returns the merged
client, the fields it filled, and every conflict with the value that lost. Nothing here
touches the database, so the rules are easy to test (hypothesis) and to preview.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from newbi_clients import validation as v
from newbi_clients.models import Address, Blocked, Client, Note
from newbi_clients.text import match_key

# (attribute, French label, how to show a value); the order is the fiche's.
MERGED_FIELDS: tuple[tuple[str, str], ...] = (
    ("kind", "Type"),
    ("first_name", "Prénom"),
    ("email", "Email"),
    ("phone", "Téléphone"),
    ("billing_address", "Adresse de facturation"),
    ("delivery_address", "Adresse de livraison"),
    ("siret", "SIRET"),
    ("siren", "SIREN"),
    ("vat_number", "TVA intracommunautaire"),
    ("terms_days", "Délai de paiement"),
    ("end_of_month", "Fin de mois"),
    ("payment_method", "Mode de paiement"),
    ("discount", "Remise"),
    ("currency", "Devise"),
    ("sector", "Secteur"),
    ("segment", "Segment"),
    ("blocked", "Blocage"),
)
LABELS = dict(MERGED_FIELDS) | {"name": "Nom"}
FIELD_PREFIX = "fields."  # a custom field, « fields.Origine », merged like the others


def label(attr: str) -> str:
    """The French label of a merged field, custom fields included."""
    if attr.startswith(FIELD_PREFIX):
        return f"Champ « {attr.removeprefix(FIELD_PREFIX)} »"
    return LABELS[attr]


def get_value(client: Client, attr: str) -> Any:
    """The value of a merged field of a client (None for an unset custom field)."""
    if attr.startswith(FIELD_PREFIX):
        return client.fields.get(attr.removeprefix(FIELD_PREFIX))
    return getattr(client, attr)


def set_value(client: Client, attr: str, value: Any) -> None:
    """Set a merged field of a client (None clears a custom field)."""
    if attr.startswith(FIELD_PREFIX):
        name = attr.removeprefix(FIELD_PREFIX)
        if value is None:
            client.fields.pop(name, None)
        else:
            client.fields[name] = value
    else:
        setattr(client, attr, value)


def merged_attrs(clients: Sequence[Client]) -> list[str]:
    """Every field a merge compares: the fixed ones, then the custom fields any has."""
    names = dict.fromkeys(n for c in clients for n in c.fields)
    return ["name", *(a for a, _ in MERGED_FIELDS), *(FIELD_PREFIX + n for n in names)]


# Values that mean « not set ». Terms, end of month and currency always hold a value (30
# days, no, EUR by default) that may have been chosen: they are compared like any other.
_UNSET: dict[str, Callable[[Any], bool]] = {}


def is_empty(attr: str, value: Any) -> bool:
    """True when a field holds nothing worth keeping."""
    if attr in _UNSET:
        return bool(_UNSET[attr](value))
    if isinstance(value, Address):
        return value.is_empty()
    return value is None or value in ("", [])


_E164 = re.compile(r"\+[1-9]\d{5,14}")


def show_value(value: Any) -> str:
    """A field value as text, for notes and previews."""
    if isinstance(value, Address):
        town = " ".join(p for p in (value.postal_code, value.city) if p)
        return ", ".join(p for p in (value.line1, value.line2, town, value.country) if p)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Blocked):
        return f"bloqué depuis le {value.at[:10]} : {value.reason}"
    if hasattr(value, "label"):  # enums with a French label
        return str(value.label)
    if isinstance(value, str) and _E164.fullmatch(value):  # a phone, as the fiche shows it
        return v.format_phone(value) or value
    return str(value)


def same_value(attr: str, a: Any, b: Any) -> bool:
    """Whether two values of a field are the same (emails ignoring case)."""
    if attr == "email" and a and b:
        return bool(v.email_key(a) == v.email_key(b))
    return bool(a == b)


def written_alike(a: Any, b: Any) -> bool:
    """Whether two texts, or two addresses part by part, differ only in case, accents,
    spacing or punctuation (« 10 Quai des Chartrons » and « 10, quai des chartrons »):
    the same value written twice, which a merge keeps once without a conflict."""
    if isinstance(a, Address) and isinstance(b, Address):
        parts = ("line1", "line2", "postal_code", "city", "country")
        return all(_alike(getattr(a, p), getattr(b, p)) for p in parts)
    return isinstance(a, str) and isinstance(b, str) and _alike(a, b)


def _alike(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return not a and not b
    key = match_key(a)
    return a == b or (bool(key) and key == match_key(b))


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two clients disagree on a field: ``kept`` wins, ``lost`` is kept as a note."""

    field: str
    kept: str
    lost: str
    lost_from: int | None  # the client the losing value came from (None: KEEP's own value)


@dataclass(slots=True)
class MergePlan:
    """What a merge will do, computed before anything is written."""

    keep: Client
    others: list[Client]
    merged: Client
    # (field, value, id of the client it came from) of each field the merge fills: the
    # value as it is, shown as text by ``filled`` only when a preview asks (an import's
    # merges never show them, and showing a phone costs a phonenumbers call)
    filled_values: list[tuple[str, Any, int | None]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    # field → id of the client whose value the merged client now holds (when not KEEP's)
    sources: dict[str, int | None] = field(default_factory=dict)
    tag_sources: dict[str, int | None] = field(default_factory=dict)

    @property
    def filled(self) -> list[tuple[str, str, int | None]]:
        """(field, value shown as text, id of the client it came from) of each filled field."""
        return [(attr, show_value(value), source) for attr, value, source in self.filled_values]

    def conflict_note(self, source: str) -> str | None:
        """The note that keeps every losing value, or None when nothing lost."""
        if not self.conflicts:
            return None
        lines = [f"Valeurs non retenues lors de la fusion ({source}) :"]
        for c in self.conflicts:
            origin = f" (de #{c.lost_from})" if c.lost_from is not None else ""
            lines.append(f"- {label(c.field)}{origin} : {c.lost}")
        return "\n".join(lines)


def plan_merge(keep: Client, others: Sequence[Client], prefer: str = "keep") -> MergePlan:
    """Merge ``others`` into ``keep``: empty fields filled, conflicts resolved by ``prefer``.

    With ``prefer="other"``, the others' values win conflicts (the first other first) and
    KEEP's own values are the ones kept as a note. Names never change: a different
    name is a conflict like any other field. Tags are united; notes are moved by the store.
    """
    merged = keep.copy()
    plan = MergePlan(keep=keep, others=list(others), merged=merged)
    for other in others:
        for attr in merged_attrs([other]):
            _merge_field(plan, attr, other, prefer)
        keys = {v.tag_key(t) for t in merged.tags}
        for tag in other.tags:
            if v.tag_key(tag) not in keys:
                merged.tags.append(tag)
                plan.new_tags.append(tag)
                plan.tag_sources[tag] = other.id
                keys.add(v.tag_key(tag))
    if merged.siret and merged.siren != merged.siret[:9]:
        # the SIREN follows the SIRET; a SIREN it displaces is a losing value like any other
        displaced = merged.siren
        if displaced:
            origin = (
                None
                if displaced == keep.siren
                else next((o.id for o in others if o.siren == displaced), None)
            )
            plan.conflicts.append(Conflict("siren", merged.siret[:9], displaced, origin))
        merged.siren = merged.siret[:9]
        plan.sources["siren"] = plan.sources.get("siret")
    return plan


def choose(plan: MergePlan, attr: str, value_from: int | None) -> None:
    """Resolve one conflict by hand: take the value of ``value_from`` (None: KEEP's own).

    Every other value of that field becomes a conflict (kept as a note).
    """
    clients = [(None, plan.keep), *((o.id, o) for o in plan.others)]
    chosen = get_value(next(c for i, c in clients if i == value_from), attr)
    set_value(plan.merged, attr, chosen)
    if value_from is None:
        plan.sources.pop(attr, None)
    else:
        plan.sources[attr] = value_from
    conflicts = [c for c in plan.conflicts if c.field != attr]
    seen: set[str] = set()
    for source, client in clients:
        value = get_value(client, attr)
        shown = show_value(value)
        if is_empty(attr, value) or same_value(attr, value, chosen) or shown in seen:
            continue
        if written_alike(value, chosen):
            continue
        seen.add(shown)
        conflicts.append(Conflict(attr, show_value(chosen), shown, source))
    plan.conflicts = conflicts


def _merge_field(plan: MergePlan, attr: str, other: Client, prefer: str) -> None:
    current = get_value(plan.merged, attr)
    incoming = get_value(other, attr)
    if is_empty(attr, incoming) or same_value(attr, current, incoming):
        return
    if is_empty(attr, current):
        set_value(plan.merged, attr, incoming)
        plan.filled_values.append((attr, incoming, other.id))
        plan.sources[attr] = other.id
        return
    if written_alike(current, incoming):  # the same value, written another way
        if prefer == "other":
            set_value(plan.merged, attr, incoming)
            plan.sources[attr] = other.id
        return
    if attr == "siren" and other.siret and incoming == other.siret[:9]:
        return  # part of the other's SIRET, which is merged (or kept as a note) itself
    if prefer != "other" and _a_contact_s(other, attr, incoming):
        return  # the email or phone of the other's person, who comes along as a contact
    if prefer == "other":
        set_value(plan.merged, attr, incoming)
        plan.sources[attr] = other.id
        plan.conflicts.append(Conflict(attr, show_value(incoming), show_value(current), None))
    else:
        plan.conflicts.append(Conflict(attr, show_value(current), show_value(incoming), other.id))


def _a_contact_s(client: Client, attr: str, value: Any) -> bool:
    """Whether ``value`` of ``attr`` (email, phone) is one of a contact of ``client``: a
    company's row that carries its person holds the person's email and phone."""
    if attr not in ("email", "phone"):
        return False
    return any(same_value(attr, getattr(c, attr), value) for c in client.contacts)


def merged_notes(keep: Client, others: Sequence[Client]) -> list[Note]:
    """All notes of KEEP and the others, in time order (what KEEP shows after a merge)."""
    notes = [*keep.notes, *(n for o in others for n in o.notes)]
    return sorted(notes, key=lambda n: (n.at, n.id or 0))
