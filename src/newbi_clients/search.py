"""Client queries: filters, sorts and free-text search turned into SQL (pure, no I/O).

Relevance of a search: first the clients whose name begins with the text (an index range
scan on the folded name), then every other match of the full-text index, each group by
name. (A bm25 ranking costs tens of milliseconds on common prefixes over a million
clients; this order costs well under one.)

A search text mixes free words and ``field:value`` terms, as in khard:
``dupont city:lyon tag:vip``. Free words go to the FTS5 index (case- and
accent-insensitive, each word a prefix); identifiers typed with spaces or dots
(« 732 829 320 », « 06 12 34 56 78 ») are compacted first; an email is looked up
exactly. The names, emails and phones of a client's contacts are indexed with it
(``contact_words``): a search finds a company by its people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from newbi_clients import validation as v
from newbi_clients.clauses import status_condition
from newbi_clients.errors import ValidationFailed
from newbi_clients.models import Zone

STATUSES = ("active", "archived", "all")
SORTS = ("name", "created", "revenue")
# field:value terms and the FTS column they search (None: a filter, not a text column)
FIELD_TERMS = {
    "name": "name",
    "nom": "name",
    "first_name": "first_name",
    "prenom": "first_name",
    "email": "{email contact_words}",
    "contact": "contact_words",
    "city": "billing_city",
    "ville": "billing_city",
    "id": "search_ids",
    "siret": "search_ids",
    "siren": "search_ids",
    "vat": "search_ids",
    "tva": "search_ids",
    "phone": "{search_ids contact_words}",
    "tel": "{search_ids contact_words}",
}
FILTER_TERMS = ("tag", "sector", "secteur", "segment", "zone", "kind", "type", "country", "pays")
_IDENTIFIER = re.compile(r"^\+?[0-9A-Za-z]*[0-9][0-9A-Za-z]*$")


@dataclass(slots=True)
class ClientQuery:
    """What to list: filters, an optional search text, a sort and a limit."""

    text: str | None = None
    tags: tuple[str, ...] = ()
    sector: str | None = None
    segment: str | None = None
    zone: str | None = None
    kind: str | None = None
    country: str | None = None
    status: str = "active"
    sort: str | None = None
    desc: bool | None = None  # None: the sort's natural order (revenue: largest first)
    limit: int | None = None
    ids: tuple[int, ...] = field(default_factory=tuple)
    blocked: bool = False  # blocked clients only
    # custom field filters: (field key, stored value), each must match
    fields: tuple[tuple[str, str], ...] = ()
    vies: str | None = None  # valid, invalid, unavailable, not_checked or stale


@dataclass(slots=True)
class _Sql:
    joins: list[str] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)
    match: list[str] = field(default_factory=list)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


# what people put between the digits of an identifier (« 732 829 320 », « 06.12 », « (0)6 »)
_ID_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f/()]+")
# « +33 (0)6 12 », an international number written with its national 0 in brackets
_BRACKETED_ZERO = re.compile(r"^(\s*(?:\+|00)\d{1,3})\s*\(0\)")


def compact_identifier(text: str) -> str | None:
    """« 732 829 320 » → « 732829320 », « +33 6 12 » and « +33 (0)6 12 » → « 33612 »;
    None if not an identifier."""
    text = _BRACKETED_ZERO.sub(r"\1", text)
    compact = _ID_SEPARATORS.sub("", text)
    if len(compact) < 3 or not _IDENTIFIER.match(compact):
        return None
    return compact.lstrip("+").upper()


def parse_text(text: str, query: ClientQuery) -> tuple[ClientQuery, list[str]]:
    """Split a search text into filters (folded into the query) and FTS5 match expressions.

    A number typed with spaces (« 06 12 34 », « FR 44 732 », « phone:0690 11 ») is one
    identifier; the words around it are words (« acme 06 12 » finds ACME by its phone)."""
    words: list[str] = []
    matches: list[str] = []
    term: list[str] = []  # a field term (column, value…) whose number may go on
    for word in text.split():
        if term and _numeric(word):
            term.append(word)
            continue
        if term:
            matches.append(_field_match(term[0], " ".join(term[1:])))
            term = []
        name, sep, value = word.partition(":")
        key = v.match_key(name) if sep else ""
        if sep and value and key in FILTER_TERMS:
            query = _with_filter(query, key, value)
        elif sep and value and key in FIELD_TERMS:
            term = [FIELD_TERMS[key], value]
            if not _numeric(value):
                matches.append(_field_match(*term))
                term = []
        else:
            words.append(word)
    if term:
        matches.append(_field_match(term[0], " ".join(term[1:])))
    matches.extend(_free_matches(words))
    return query, matches


def _numeric(word: str) -> bool:
    """Whether a word is (part of) a number: « 06 », « (0)6 », « +33 », « 732.829 »."""
    compact = _ID_SEPARATORS.sub("", word).replace("+", "")
    return compact.isdigit() and compact.isascii()


def _field_match(column: str, value: str) -> str:
    """An identifier's column reads the value as one; a contact's, when it is a number."""
    identifies = "search_ids" in column or ("contact_words" in column and _numeric(value))
    identifier = compact_identifier(value) if identifies else None
    return _identifier_match(column, identifier) if identifier else f"{column} : {_quote(value)}*"


def _free_matches(words: list[str]) -> list[str]:
    """Each word a prefix, but a run of number words (with a country prefix of two letters
    before it, as a VAT number is written: « FR 44 732 ») one identifier."""
    matches: list[str] = []
    run: list[str] = []

    def close() -> None:  # (a number alone is one word, which _word_match reads as such)
        identifier = compact_identifier(" ".join(run)) if len(run) > 1 else None
        if identifier:
            matches.append(_identifier_match("{search_ids contact_words}", identifier))
        else:
            matches.extend(_word_match(w) for w in run)
        run.clear()

    for index, word in enumerate(words):
        after = words[index + 1] if index + 1 < len(words) else ""
        prefix = not run and len(word) == 2 and word.isalpha() and _numeric(after)
        if _numeric(word) or prefix:
            run.append(word)
        else:
            close()
            matches.append(_word_match(word))
    close()
    return matches


def _word_match(word: str) -> str:
    # a contact's email and phone find its client like the client's own
    if "@" in word:
        return f"{{email contact_words}} : {_quote(word)}*"
    identifier = compact_identifier(word)
    if identifier and any(c.isdigit() for c in identifier):
        found = _identifier_match("{search_ids contact_words}", identifier)
        # a word with digits is a name's word too (« Garage2000 », « Agence 360 », « B2B »)
        return f"({found} OR {{{_WORD_COLUMNS}}} : {_quote(word)}*)"
    return f"{_quote(word)}*"


# the columns of the search index that hold words (the others hold identifiers)
_WORD_COLUMNS = "name first_name email billing_city"


def _identifier_match(columns: str, identifier: str) -> str:
    """The prefix match of an identifier in ``columns``; one dialled with the international
    prefix 00 (« 0033 6 12 ») is looked up without it too (« 33612 »)."""
    if identifier.startswith("00") and identifier[2:3].isdigit() and identifier[2] != "0":
        return f"{columns} : ({_quote(identifier)}* OR {_quote(identifier[2:])}*)"
    return f"{columns} : {_quote(identifier)}*"


def _with_filter(query: ClientQuery, key: str, value: str) -> ClientQuery:
    if key == "tag":
        return replace(query, tags=(*query.tags, value))
    attr = {"secteur": "sector", "type": "kind", "pays": "country"}.get(key, key)
    query = replace(query)
    setattr(query, attr, value)
    return query


def normalize_zone(value: str) -> str:
    """France, Europe or International (also « UE », « hors UE », any case)."""
    key = v.match_key(value)
    aliases = {"fr": "France", "eu": "Europe", "ue": "Europe", "horsue": "International"}
    for zone in Zone:
        if v.match_key(zone.value) == key:
            return zone.value
    if key in aliases:
        return aliases[key]
    raise ValidationFailed.single(
        "zone", value, f"Zone invalide : « {value} » (France, Europe ou International)"
    )


def build_where(query: ClientQuery) -> tuple[str, list[object], str | None]:
    """The FROM/WHERE part of a client query, its parameters, and the FTS match (if any).

    :raises ValidationFailed: for an unknown zone, kind or country.
    """
    sql = _Sql()
    if query.text:
        query, sql.match = parse_text(query.text, query)
    sql.where.append(status_condition(query.status, "c"))
    for tag in query.tags:
        sql.where.append(
            "c.id IN (SELECT ct.client_id FROM client_tags ct JOIN tags t ON t.id = ct.tag_id"
            " WHERE t.key = ?)"
        )
        sql.params.append(v.tag_key(tag))
    if query.sector:
        sql.where.append("c.sector = ? COLLATE NOCASE")
        sql.params.append(v.normalize_sector(query.sector))
    if query.segment:
        sql.where.append("c.segment = ? COLLATE NOCASE")
        sql.params.append(v.normalize_segment(query.segment))
    if query.zone:
        sql.where.append("c.zone = ?")
        sql.params.append(normalize_zone(query.zone))
    if query.kind:
        sql.where.append("c.kind = ?")
        sql.params.append(v.normalize_kind(query.kind).value)
    if query.country:
        sql.where.append("c.billing_country = ?")
        sql.params.append(v.normalize_country(query.country))
    if query.blocked:
        sql.where.append("c.blocked_at IS NOT NULL")
    for key, value in query.fields:
        sql.where.append(
            "c.id IN (SELECT fv.client_id FROM field_values fv JOIN field_defs d"
            " ON d.id = fv.field_id WHERE d.key = ? AND fv.value = ? COLLATE NOCASE)"
        )
        sql.params.extend((key, value))
    if query.ids:
        sql.where.append(f"c.id IN ({', '.join('?' * len(query.ids))})")
        sql.params.extend(query.ids)
    if query.vies:
        from newbi_clients.vies import filter_condition

        condition, params = filter_condition(query.vies)
        sql.where.append(condition)
        sql.params.extend(params)
    match = " AND ".join(sql.match) if sql.match else None
    source = "clients c"
    if match:
        source = "clients_fts f JOIN clients c ON c.id = f.rowid"
        sql.where.insert(0, "clients_fts MATCH ?")
        sql.params.insert(0, match)
    return f"FROM {source} WHERE " + " AND ".join(sql.where), sql.params, match


def name_prefix(query: ClientQuery) -> str | None:
    """The folded text of a search made of plain words (no identifier, email or field term):
    the clients whose name begins with it are the most relevant."""
    if not query.text or query.sort is not None:
        return None
    words = query.text.split()
    for word in words:
        name, sep, value = word.partition(":")
        if sep and value and v.match_key(name) in (*FIELD_TERMS, *FILTER_TERMS):
            return None
        identifier = compact_identifier(word)
        if "@" in word or (identifier and any(c.isdigit() for c in identifier)):
            return None
    text = v.fold(" ".join(words))
    return text or None


def descending(query: ClientQuery) -> bool:
    """Whether the sort runs in descending order: as asked, else the sort's natural order
    (names and creation dates ascending, the largest revenue first)."""
    if query.desc is not None:
        return query.desc
    return query.sort == "revenue"


def order_by(query: ClientQuery, ranked: bool = False) -> str:
    """ORDER BY clause of the chosen sort (name by default)."""
    sort = query.sort or "name"
    direction = " DESC" if descending(query) else ""
    if sort == "created":
        keys = [f"c.created_at{direction}", f"c.id{direction}"]
    elif sort == "revenue":
        keys = [f"c.revenue_cents{direction}", "c.sort_name", "c.id"]
    else:
        keys = [f"c.sort_name{direction}", f"c.id{direction}"]
    return "ORDER BY " + ", ".join(keys)


def query_phases(query: ClientQuery) -> list[tuple[str, list[Any], str]]:
    """The (FROM/WHERE, parameters, ORDER BY) of each phase of a query, in order."""
    where, params, match = build_where(query)
    prefix = name_prefix(query) if match else None
    if prefix is not None:
        # names that begin with the text first (an index range), then the other matches
        bounds = [prefix, prefix + "\U0010ffff"]
        in_range = "c.sort_name >= ? AND c.sort_name < ?"
        filters, filter_params, _ = build_where(replace(query, text=None))
        return [
            (f"{filters} AND {in_range}", [*filter_params, *bounds], order_by(query)),
            (f"{where} AND NOT ({in_range})", [*params, *bounds], order_by(query)),
        ]
    if query.sort == "revenue":
        largest = "c.revenue_cents <> 0 AND c.revenue_cents {} 0"
        by_revenue = "ORDER BY c.revenue_cents{}, c.sort_name, c.id"
        by_name = "ORDER BY c.sort_name, c.id"
        phases = [
            (f"{where} AND {largest.format('>')}", params, by_revenue.format(" DESC")),
            (f"{where} AND c.revenue_cents = 0", params, by_name),
            (f"{where} AND {largest.format('<')}", params, by_revenue.format(" DESC")),
        ]
        if not descending(query):  # the smallest first
            phases = [
                (phases[2][0], params, by_revenue.format("")),
                phases[1],
                (phases[0][0], params, by_revenue.format("")),
            ]
        return phases
    return [(where, params, order_by(query))]
