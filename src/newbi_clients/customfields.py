"""Custom fields: defined by the user (a name and a type), filled per client.

A value is checked against its field's type and stored as text in a canonical form: a
number as a plain decimal (« 1234.5 », exact, never a float), a date in ISO form, a
choice spelt as defined.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from newbi_clients import validation as v
from newbi_clients.errors import NewbiError, ValidationFailed
from newbi_clients.models import FieldDef, FieldType, format_decimal

if TYPE_CHECKING:
    from newbi_clients.storage import ClientStore

FIELDS_SQL = (
    "(SELECT json_group_array(json_array(x.name, x.value)) FROM (SELECT d.name, fv.value"
    " FROM field_values fv JOIN field_defs d ON d.id = fv.field_id WHERE fv.client_id = c.id"
    " ORDER BY d.key) x) AS fields_json"
)


class UnknownField(NewbiError):
    """No custom field has this name."""


def field_key(name: str) -> str:
    """Field names are unique ignoring case and accents."""
    return v.fold(" ".join(name.split()))


def normalize_field_name(name: str) -> str:
    """A field name: not empty, no « = » (``--field NAME=VALUE``), not a template column.

    :raises ValidationFailed: otherwise.
    """
    from newbi_clients.transfer.mapping import HEADER_FIELDS

    text = " ".join(name.split())
    if not text or "=" in text or ":" in text:
        raise ValidationFailed.single(
            "name", name, f"Nom de champ invalide : « {name} » (ni vide, ni « = », ni « : »)"
        )
    if v.match_key(text) in HEADER_FIELDS:
        raise ValidationFailed.single(
            "name",
            name,
            f"Nom de champ réservé : « {text} » est une colonne du modèle d'import ;"
            " choisissez un autre nom",
        )
    return text


def define_field(
    store: ClientStore, name: str, type_: str, choices: Iterable[str] = ()
) -> FieldDef:
    """Define a custom field.

    :raises ValidationFailed: bad name or type, a choice field without choices, a name
        already defined.
    """
    text = normalize_field_name(name)
    try:
        kind = FieldType(type_.strip().lower())
    except ValueError:
        raise ValidationFailed.single(
            "type", type_, f"Type de champ inconnu : « {type_} » (text, number, date ou choice)"
        ) from None
    options = tuple(dict.fromkeys(c.strip() for c in choices if c.strip()))
    if kind is FieldType.CHOICE and not options:
        raise ValidationFailed.single(
            "choices", None, "Un champ de type choice demande ses choix : --choices a,b,c"
        )
    if kind is not FieldType.CHOICE and options:
        raise ValidationFailed.single(
            "choices", ",".join(options), "--choices ne s'emploie qu'avec --type choice"
        )
    with store.transaction():
        if store.execute("SELECT 1 FROM field_defs WHERE key = ?", [field_key(text)]).fetchone():
            raise ValidationFailed.single("name", text, f"Le champ « {text} » existe déjà")
        from newbi_clients.storage import now

        cursor = store.execute(
            "INSERT INTO field_defs (name, key, type, choices, created_at) VALUES (?, ?, ?, ?, ?)",
            [text, field_key(text), kind.value, "\x1f".join(options) or None, now()],
        )
        fdef = FieldDef(text, kind, options, int(cursor.lastrowid or 0))
        store.audit("field_define", None, None, fdef.to_dict())
    return fdef


def list_fields(store: ClientStore) -> list[tuple[FieldDef, int]]:
    """Every field definition with how many clients have a value for it."""
    rows = store.execute(
        "SELECT d.id, d.name, d.type, d.choices, (SELECT count(*) FROM field_values fv"
        " WHERE fv.field_id = d.id) FROM field_defs d ORDER BY d.key"
    ).fetchall()
    return [(_def(r), int(r[4])) for r in rows]


def _def(row: tuple[Any, ...]) -> FieldDef:
    choices = tuple(row[3].split("\x1f")) if row[3] else ()
    return FieldDef(row[1], FieldType(row[2]), choices, row[0])


def field_defs(store: ClientStore) -> dict[str, FieldDef]:
    """Every field definition by its key (what :func:`~newbi_clients.builder.build_client`
    checks ``raw["fields"]`` against)."""
    return {field_key(f.name): f for f, _ in list_fields(store)}


def get_field(store: ClientStore, name: str) -> FieldDef:
    """The definition of a field.

    :raises UnknownField: when no field has this name.
    """
    row = store.execute(
        "SELECT id, name, type, choices FROM field_defs WHERE key = ?", [field_key(name)]
    ).fetchone()
    if row is None:
        known = ", ".join(f.name for f, _ in list_fields(store)) or "aucun"
        raise UnknownField(
            f"Champ personnalisé inconnu : « {name} » (champs définis : {known}). Définissez-le"
            " d'abord : newbi-clients field define NOM --type text"
        )
    return _def(row)


def remove_field(store: ClientStore, name: str) -> int:
    """Remove a field and its values; returns how many clients had one (all audited)."""
    with store.transaction():
        fdef = get_field(store, name)
        values = dict(
            store.execute(
                "SELECT client_id, value FROM field_values WHERE field_id = ?", [fdef.id]
            ).fetchall()
        )
        store.execute("DELETE FROM field_values WHERE field_id = ?", [fdef.id])
        store.execute("DELETE FROM field_defs WHERE id = ?", [fdef.id])
        store.audit("field_remove", None, {**fdef.to_dict(), "values": values}, None)
        for client_id, value in values.items():
            store.audit("field_remove", client_id, {"fields": {fdef.name: value}}, None)
    return len(values)


def normalize_value(fdef: FieldDef, value: object) -> str | None:
    """A value checked against the field's type, in its stored form (None when empty).

    :raises ValidationFailed: naming the field.
    """
    from newbi_clients.hygiene import DEFAULT_LIMIT, clean_text

    text = v.clean(clean_text(value) if isinstance(value, str) else value)
    if text is None:
        return None
    if len(text) > DEFAULT_LIMIT:
        raise ValidationFailed.single(
            f"fields.{fdef.name}",
            text[:60] + "…",
            f"Champ « {fdef.name} » trop long : {len(text)} caractères (au plus {DEFAULT_LIMIT})",
        )
    if fdef.type is FieldType.NUMBER:
        number = v.parse_decimal(text)
        if number is None or not number.is_finite():
            raise _invalid(fdef, text, "un nombre est attendu (ex. 12,5)")
        return format_decimal(number)
    if fdef.type is FieldType.DATE:
        from newbi_clients.documents import parse_date

        try:
            return parse_date(text, fdef.name)
        except ValidationFailed:
            raise _invalid(fdef, text, "une date est attendue (JJ/MM/AAAA ou AAAA-MM-JJ)") from None
    if fdef.type is FieldType.CHOICE:
        for choice in fdef.choices:
            if v.fold(choice) == v.fold(text):
                return choice
        raise _invalid(fdef, text, "choix possibles : " + ", ".join(fdef.choices))
    return text


def _invalid(fdef: FieldDef, text: str, why: str) -> ValidationFailed:
    return ValidationFailed.single(
        f"fields.{fdef.name}", text, f"Champ « {fdef.name} » invalide : « {text} » ({why})"
    )


def parse_assignments(store: ClientStore, items: Iterable[str]) -> dict[str, str | None]:
    """``NAME=VALUE`` items checked against their fields: field name → stored value
    (None for ``NAME=``, which clears the field).

    :raises ValidationFailed: a malformed item or an invalid value.
    :raises UnknownField: an undefined field.
    """
    values: dict[str, str | None] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationFailed.single(
                "field", item, f"--field attend NOM=VALEUR (reçu : « {item} »)"
            )
        fdef = get_field(store, name)
        values[fdef.name] = normalize_value(fdef, value)
    return values


def field_filters(store: ClientStore, items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``--field NAME=VALUE`` filters as (field key, stored value) pairs for a query.

    :raises ValidationFailed: a malformed item or a value invalid for its field.
    :raises UnknownField: an undefined field.
    """
    pairs = []
    for name, value in parse_assignments(store, items).items():
        if value is None:
            raise ValidationFailed.single(
                "field", name, f"--field {name}= : donnez la valeur cherchée"
            )
        pairs.append((field_key(name), value))
    return tuple(pairs)


def check_values(store: ClientStore, raw: Mapping[str, object]) -> dict[str, str]:
    """Values of several fields (field name → raw value) checked and normalised; empty
    values are left out.

    :raises ValidationFailed: every invalid value at once.
    :raises UnknownField: an undefined field.
    """
    errors = []
    checked: dict[str, str] = {}
    for name, value in raw.items():
        fdef = get_field(store, name)
        try:
            text = normalize_value(fdef, value)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            continue
        if text is not None:
            checked[fdef.name] = text
    if errors:
        raise ValidationFailed(errors)
    return checked


def save_values(store: ClientStore, client_id: int, values: Mapping[str, str]) -> None:
    """Replace the custom field values of a client (inside the caller's transaction);
    a value whose field no longer exists is dropped."""
    store.execute("DELETE FROM field_values WHERE client_id = ?", [client_id])
    for name, value in values.items():
        store.execute(
            "INSERT INTO field_values (client_id, field_id, value)"
            " SELECT ?, id, ? FROM field_defs WHERE key = ?",
            [client_id, value, field_key(name)],
        )


def fields_snapshot(store: ClientStore, client_id: int) -> dict[str, str]:
    """The custom field values of a client, for the audit log."""
    return dict(
        store.execute(
            "SELECT d.name, fv.value FROM field_values fv JOIN field_defs d ON d.id = fv.field_id"
            " WHERE fv.client_id = ? ORDER BY d.key",
            [client_id],
        ).fetchall()
    )
