"""Column headers of import files mapped to client fields: by profile, by name or by --map.

A file's header is first matched against the profiles of other tools' exports
(:mod:`.profiles`); otherwise each column is recognised by its name in French or
English, ignoring case, accents, spaces and punctuation. ``--map 'Header=field'`` adds
or corrects a column. Several columns may feed one field, in priority order: the
meaning of a row is then read by :mod:`.semantics`, never from the order of columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.models import FieldDef
from newbi_clients.transfer.aliases import ALIASES
from newbi_clients.transfer.profiles import EXTRA_TARGETS, Profile, builtin_profiles, detect_profile
from newbi_clients.validation import match_key

HEADER_FIELDS = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
# columns added by newbi-clients itself (the reason column of --errors files): not reported
IGNORED = {"motifdurejet"}
# targets that several columns of one file may feed (the others: the first column wins)
MULTI = frozenset({"email", "phone", "mobile", "tags", "notes"})
NAME_TARGETS = ("name", "organization", "last_name", "first_name", "full_name")
FIELD_PREFIX = "fields."  # the key of a custom field's column: « fields.Origine »
MAP_EXAMPLE = "--map 'Raison sociale=name' --map 'Courriel=email'"


def targets() -> tuple[str, ...]:
    """Every field a column may feed (the client's and the extra ones)."""
    from newbi_clients.builder import FIELD_KEYS

    return (*FIELD_KEYS, "notes", *EXTRA_TARGETS)


# headers of a name column that holds company names: a row without a type is a business
COMPANY_NAME_HEADERS = frozenset(
    ("raisonsociale", "societe", "entreprise", "company", "companyname", "nomdelentreprise",
     "denomination")
)  # fmt: skip


@dataclass(slots=True)
class HeaderMap:
    """Which columns feed which field (in priority order), and the columns ignored."""

    columns: dict[int, str]  # column index → field key
    sources: dict[str, list[int]] = field(default_factory=dict)  # field → columns, by priority
    labels: dict[str, str] = field(default_factory=dict)  # field key → header as written
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)
    profile: str | None = None
    profile_label: str | None = None
    multi_value: str | None = None
    drop_tags: tuple[str, ...] = ()
    literal_newlines: bool = False
    kind: str | None = None
    # the custom fields' definitions by key, to check their columns' values
    field_defs: dict[str, FieldDef] = field(default_factory=dict)
    # (field, column) of the fields fed by one plain column, and the others: the row
    # reader's plan, made once (see ``plan``)
    singles: list[tuple[str, int]] = field(default_factory=list)
    multiples: list[tuple[str, list[int]]] = field(default_factory=list)
    # the row width that the plain columns of ``singles`` need
    single_width: int = field(default=0, compare=False, repr=False)
    # how ``semantics`` reads the plain columns of a row, worked out there on first use
    reader: Any = field(default=None, compare=False, repr=False)

    def plan(self) -> None:
        """Split the fields into those one plain column feeds and the others."""
        plain = not self.multi_value and not self.literal_newlines
        self.singles = [(k, i[0]) for k, i in self.sources.items() if plain and len(i) == 1]
        self.multiples = [(k, i) for k, i in self.sources.items() if not plain or len(i) > 1]
        self.single_width = max((i for _, i in self.singles), default=-1) + 1
        self.reader = None

    @property
    def company_names(self) -> bool:
        """Whether the name column's header names companies (« Raison sociale »)."""
        return match_key(self.labels.get("name", "")) in COMPANY_NAME_HEADERS

    def label(self, key: str) -> str:
        """The user's header for a field (or the template's name when absent)."""
        return self.labels.get(key, key)

    def add(self, index: int, key: str, text: str) -> None:
        """Column ``index`` feeds ``key`` after the columns already feeding it."""
        self.columns[index] = key
        self.sources.setdefault(key, []).append(index)
        self.labels.setdefault(key, text)


def parse_map(entries: list[str]) -> dict[str, str]:
    """``["Header=field", ...]`` → {header: field}; the field is a field key (name,
    email, phone, organization…) or a header of the template (Nom, Téléphone, Société…).

    :raises ImportRejected: for an entry without « = » or an unknown field.
    """
    known = targets()
    mapping: dict[str, str] = {}
    for entry in entries:
        header, sep, target = entry.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise ImportRejected(
                f"--map « {entry} » : écrivez « En-tête=champ », ex. {MAP_EXAMPLE}"
            )
        key = target.strip() if target.strip() in known else HEADER_FIELDS.get(match_key(target))
        if key is None:
            raise ImportRejected(
                f"--map « {entry} » : champ inconnu « {target.strip()} » (champs : "
                + ", ".join(known)
                + ")"
            )
        same = next((h for h in mapping if match_key(h) == match_key(header)), None)
        if same is not None and mapping[same] != key:
            raise ImportRejected(
                f"--map : la colonne « {header.strip()} » est associée deux fois"
                f" ({mapping[same]} et {key}) : gardez-en une."
            )
        mapping[header.strip()] = key
    return mapping


def map_headers(
    header: list[str],
    profile: Profile | None = None,
    custom: dict[str, str] | None = None,
    field_defs: Mapping[str, FieldDef] | None = None,
) -> HeaderMap:
    """Map a header: by ``profile`` (detected when None), else column by column; the
    ``custom`` mapping (--map), whose headers must be in the file, comes first; a column named after a custom field
    (``field_defs``: key → definition) holds that field's values.

    :raises ImportRejected: when no column gives a name, naming the columns found.
    """
    present = {match_key(h) for h in header}
    absent = [h for h in custom or {} if match_key(h) not in present]
    if absent:
        found = ", ".join(f"« {h} »" for h in header if h.strip()) or "aucune"
        raise ImportRejected(
            f"--map : aucune colonne « {absent[0]} » dans le fichier. Colonnes trouvées : {found}."
        )
    # a --map completes the recognised format (and wins over it for its columns)
    if profile is None:
        profile = detect_profile(header)
    mapping = HeaderMap(columns={}, field_defs=dict(field_defs or {}))
    fields = {match_key(f.name): FIELD_PREFIX + f.name for f in mapping.field_defs.values()}
    if profile is not None:
        mapping.profile, mapping.profile_label = profile.name, profile.label
        mapping.multi_value, mapping.drop_tags = profile.multi_value, profile.drop_tags
        mapping.literal_newlines, mapping.kind = profile.literal_newlines, profile.kind
    by_key = {match_key(h): k for h, k in (custom or {}).items()}
    by_key_profile = {} if profile is None else {match_key(h): k for h, k in profile.columns}
    generic = profile is None or profile.generic
    # profile columns in the profile's order (its priority), then the others in file order
    order = {k: i for i, k in enumerate(by_key_profile)}
    indexed = sorted(
        ((i, h) for i, h in enumerate(header) if h.strip()),
        key=lambda ih: order.get(match_key(ih[1]), len(order) + ih[0]),
    )
    for index, text in indexed:
        key_text = match_key(text)
        key = by_key.get(key_text) or by_key_profile.get(key_text)
        if key is None and generic:
            key = HEADER_FIELDS.get(key_text) or fields.get(key_text)
        if key is None:
            if key_text not in IGNORED:
                mapping.unknown.append(text)
        elif (
            key in mapping.sources
            and key not in MULTI
            and key_text not in {**by_key, **by_key_profile}
        ):
            mapping.repeated.append(text)
        else:
            mapping.add(index, key, text)
    mapping.unknown.sort(key=header.index)
    if generic:
        _company_beside_person(mapping, header)
    mapping.plan()
    if not any(k in mapping.sources for k in NAME_TARGETS):
        found = ", ".join(f"« {h} »" for h in header if h.strip()) or "aucune"
        raise ImportRejected(
            f"Aucune colonne ne donne le nom des clients. Colonnes trouvées : {found}. Indiquez"
            f" la colonne du nom avec --map, ex. {MAP_EXAMPLE} ; ou choisissez un format avec"
            " --profile (voir import --help)."
        )
    return mapping


def _company_beside_person(mapping: HeaderMap, header: list[str]) -> None:
    """« Nom », « Prénom » and « Raison sociale » in one file: the company's column feeds
    the organization, as a « Société » column would (the client is the company, the
    person its contact), rather than being ignored as a second name column."""
    if "organization" in mapping.sources or "name" not in mapping.sources:
        return
    named = mapping.labels["name"]
    for text in mapping.repeated:
        if HEADER_FIELDS.get(match_key(text)) != "name":
            continue
        if match_key(text) in COMPANY_NAME_HEADERS:
            company, person = text, named
        elif match_key(named) in COMPANY_NAME_HEADERS:
            company, person = named, text
        else:
            continue
        mapping.repeated.remove(text)
        for index in mapping.sources.pop("name"):
            del mapping.columns[index]
        del mapping.labels["name"]
        mapping.add(header.index(company), "organization", company)
        mapping.add(header.index(person), "name", person)
        return


def find_profile(name: str) -> Profile | None:
    """A built-in profile by name (None when there is none of that name)."""
    return builtin_profiles().get(name)
