"""Import profiles: how the exports of other tools name their columns (data, not code).

Each profile of ``profiles.json`` describes one exporter: its name in the preview, the
header columns that recognise it (``detect``: alternatives, every column of one must be
present), and which column feeds which field (``columns``, in priority order when
several feed one field). Options: ``multi_value`` (the separator of several values in
one cell, « ::: » for Google), ``drop_tags`` (system labels that are not tags),
``literal_newlines`` (« \\n » written as two characters inside cells, as Dolibarr does),
``kind`` (every row is of that kind) and ``generic`` (the columns are recognised one by
one, as for the import template).

Besides the fields of a client, a column may feed: ``organization`` (the row is a
business named after it, the person on the row its contact), ``last_name``,
``full_name`` (a person's name in one cell), ``mobile`` (a phone read after the others),
``job_title``, ``company_type`` (company / person), ``is_company`` (true / false),
``third_party_type`` (Dolibarr's « Type du tiers »: « Particulier » or a kind of business)
and ``formatted_address`` (a whole address in one cell, Google's « Address 1 - Formatted »:
read only when no other column of the address is filled).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from newbi_clients.collector import CONTACT_KEYS
from newbi_clients.errors import ImportRejected
from newbi_clients.text import match_key

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

SETTING_PREFIX = "import.map."

EXTRA_TARGETS = (
    "organization",
    "last_name",
    "full_name",
    "mobile",
    "job_title",
    "company_type",
    "is_company",
    "third_party_type",
    "formatted_address",
    *CONTACT_KEYS,
    "contacts",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """How one tool's export is read."""

    name: str
    label: str
    detect: tuple[tuple[str, ...], ...] = ()
    columns: tuple[tuple[str, str], ...] = ()  # (header, target) in priority order
    multi_value: str | None = None
    drop_tags: tuple[str, ...] = ()
    literal_newlines: bool = False
    kind: str | None = None
    generic: bool = False
    saved: bool = False  # a mapping saved by the user (--save-map)
    extra: dict[str, Any] = field(default_factory=dict)

    def score(self, keys: set[str]) -> int:
        """How well a header (as match keys) fits: the size of the largest detect set
        entirely present, 0 when none is."""
        best = 0
        for columns in self.detect:
            if all(match_key(c) in keys for c in columns):
                best = max(best, len(columns))
        return best


def _profile(name: str, data: dict[str, Any]) -> Profile:
    return Profile(
        name=name,
        label=data["label"],
        detect=tuple(tuple(d) for d in data.get("detect", ())),
        columns=tuple(data.get("columns", {}).items()),
        multi_value=data.get("multi_value"),
        drop_tags=tuple(data.get("drop_tags", ())),
        literal_newlines=bool(data.get("literal_newlines")),
        kind=data.get("kind"),
        generic=bool(data.get("generic")),
    )


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with newbi-clients, by name, in the order of the data file."""
    text = resources.files("newbi_clients.transfer").joinpath("profiles.json").read_text("utf-8")
    return {name: _profile(name, data) for name, data in json.loads(text).items()}


def detect_profile(header: list[str]) -> Profile | None:
    """The profile whose recognising columns best fit the header, or None."""
    keys = {match_key(h) for h in header if h.strip()}
    best: Profile | None = None
    best_score = 0
    for profile in builtin_profiles().values():
        score = profile.score(keys)
        if score > best_score:
            best, best_score = profile, score
    return best


def saved_profile(name: str, columns: dict[str, str]) -> Profile:
    """A mapping saved with --save-map, as a profile (generic: other columns by name)."""
    return Profile(
        name=name,
        label=f"correspondance enregistrée « {name} »",
        columns=tuple(columns.items()),
        generic=True,
        saved=True,
    )


def profile_names() -> str:
    """« google (Google Contacts), outlook-fr (…) … », for help texts and messages."""
    return ", ".join(f"{p.name} ({p.label})" for p in builtin_profiles().values())


def save_mapping(store: ClientStore, name: str, columns: dict[str, str]) -> None:
    """Keep a --map mapping under ``name`` in the book's settings, for --profile NAME.

    :raises ImportRejected: when the name is a built-in profile's or not a plain word.
    """
    if name in builtin_profiles():
        raise ImportRejected(f"« {name} » est un format intégré : choisissez un autre nom.")
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ImportRejected(
            f"Nom de correspondance invalide : « {name} » (lettres, chiffres, - et _)"
        )
    store.set_setting(SETTING_PREFIX + name, json.dumps(columns, ensure_ascii=False))


def saved_mappings(store: ClientStore) -> dict[str, dict[str, str]]:
    """The mappings saved in the book, by name."""
    return {
        key.removeprefix(SETTING_PREFIX): json.loads(value)
        for key, value in store.all_settings().items()
        if key.startswith(SETTING_PREFIX)
    }


def resolve_profile(store: ClientStore, name: str) -> Profile:
    """A built-in profile or a mapping saved in the book.

    :raises ImportRejected: naming the profiles and mappings there are.
    """
    builtin = builtin_profiles().get(name)
    if builtin is not None:
        return builtin
    saved = saved_mappings(store)
    if name in saved:
        return saved_profile(name, saved[name])
    names = ", ".join([*builtin_profiles(), *saved])
    raise ImportRejected(f"Format inconnu : « {name} » (formats : {names})")
