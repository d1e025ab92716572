"""vCard import (2.1, 3.0 and 4.0, many cards a file); the export is :mod:`.vcardwrite`.

The file is read as a stream, card by card, each line and card within its bound
(:mod:`.vcardread`); each card becomes a row whose columns are named ``vcard:…``, numbered
by the line of its BEGIN:VCARD, and the ``vcard`` profile of ``profiles.json`` maps them to
fields. Several emails, phones or categories are joined with « ::: » (the profile's
multi-value separator); an address whose label is « Livraison » (as our export writes
it) is the delivery address; our ``X-NEWBI-FISCAL`` line gives the SIRET and VAT number.
A person's card that points at a company's card of the file (``RELATED``, or ``ORG``
naming it) is one of that company's contacts, not a client of its own. Google's system
groups (« myContacts », « starred ») are no categories, as in its CSV export.

What the reader could not take as written is said in the table's notices, which the
import shows: the cards left without their END:VCARD (a file cut short, in a line or
between two, or a last value ending with a soft line break « = » before the next card),
and the quoted-printable values holding a sequence that cannot be decoded, kept as
written.
"""

from __future__ import annotations

import codecs
import json
import marshal
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.encodings import lines_list, utf8_evidence
from newbi_clients.transfer.ooxml import MAX_ROW_CHARS
from newbi_clients.transfer.read import Table
from newbi_clients.transfer.vcardread import Card, CardReader, split, unescape

HEADER = [
    "vcard:fn", "vcard:n.family", "vcard:n.given", "vcard:org", "vcard:kind", "vcard:title",
    "vcard:email", "vcard:tel", "vcard:adr.street", "vcard:adr.extended", "vcard:adr.code",
    "vcard:adr.city", "vcard:adr.country", "vcard:delivery.street", "vcard:delivery.extended",
    "vcard:delivery.code", "vcard:delivery.city", "vcard:delivery.country", "vcard:siret",
    "vcard:vat", "vcard:categories", "vcard:note", "vcard:contacts",
]  # fmt: skip
SEPARATOR = " ::: "
_FN, _ORG, _KIND = (HEADER.index(f"vcard:{name}") for name in ("fn", "org", "kind"))
_KINDS = {"org": "professionnel", "organization": "professionnel", "individual": "particulier"}
_FISCAL = re.compile(r"(SIRET|TVA)\s+(\S+)")


def open_vcard(path: Path) -> Table:
    """The cards of a .vcf file as rows, numbered by the line of their BEGIN:VCARD.

    The file is read card by card into a temporary database (on disk past SQLite's
    cache), then the rows are read back from it: a person's card may name a company
    whose card comes later in the file. A card left without its END:VCARD (a file cut
    short, even inside a line) is not imported, and said in a notice naming its line; a
    quoted-printable value with a sequence that cannot be decoded is kept as written,
    and said in a notice naming its card and property.

    :raises ImportRejected: when the file holds no complete card, is not UTF-8 (nor
        Windows-1252), or a line or a card goes past its bound (see :mod:`.vcardread`).
    """
    spool, encoding, notices = _read(path)
    reader = spool.reader
    if reader.unterminated_count:
        count = reader.unterminated_count
        shown = _lines(reader.unterminated, count)
        cut = f" ; le fichier s'arrête au milieu de la ligne {reader.cut}" if reader.cut else ""
        if not spool.count:
            spool.close()
            raise ImportRejected(
                f"{path.name} ne contient aucune fiche vCard complète : la fiche commencée"
                f" ligne {shown} n'a pas de END:VCARD (fichier tronqué ?){cut} ; rien n'a"
                " été importé."
            )
        notices.append(
            f"{count} fiche(s) vCard sans END:VCARD (fichier tronqué ?), non importée(s) :"
            f" commencée(s) ligne {shown}{cut}."
        )
    if reader.undecoded_count:
        count = reader.undecoded_count
        listed = " ; ".join(
            f"fiche ligne {card}, {name} ligne {line} (« {sequence} »)"
            for card, name, line, sequence in reader.undecoded
        )
        more = count - len(reader.undecoded)
        listed += f" ; et {more} autre(s)" if more else ""
        notices.append(
            f"{count} valeur(s) quoted-printable mal codée(s) (« = » sans deux chiffres"
            " hexadécimaux après), importée(s) avec ces séquences telles qu'écrites, le"
            f" reste décodé : {listed}. Vérifiez ces fiches."
        )
    if not spool.count:
        spool.close()
        raise ImportRejected(f"{path.name} ne contient aucune fiche vCard (BEGIN:VCARD).")
    return Table(
        "vcard", list(HEADER), 1, spool.rows(path.name), encoding=encoding, notices=notices,
        size_hint=spool.count,
    )  # fmt: skip


def _lines(shown: list[int], count: int) -> str:
    return ", ".join(map(str, shown)) + (" …" if count > len(shown) else "")


def _cut_character(error: UnicodeError) -> tuple[str, int]:
    """The bytes of a character cut by the end of the file (a download interrupted in
    it) read as « \ufffd »: they end a line without its line break, which the reader
    does not read (:class:`.CardReader`); any other undecodable byte is still one."""
    if isinstance(error, UnicodeDecodeError) and error.reason in (
        "unexpected end of data",  # UTF-8
        "truncated data",  # UTF-16
    ):
        return "\ufffd", error.end
    raise error


_CUT_CHARACTER = "newbi-vcard-cut-character"
codecs.register_error(_CUT_CHARACTER, _cut_character)


def _read(path: Path) -> tuple[_Spool, str, list[str]]:
    """The cards of the file read into a spool, its encoding and the notices to show:
    UTF-8 (vCard 4.0 is always UTF-8), UTF-16 by its BOM, or Windows-1252 when no line is
    UTF-8 (an old Outlook export); a UTF-8 file with a few stray bytes is refused, naming
    its lines, rather than read garbled."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _spooled(path, "utf-16"), "utf-16", ["Encodage UTF-16 détecté."]
    try:
        return _spooled(path, "utf-8-sig"), "utf-8-sig", []
    except UnicodeDecodeError:
        pass
    bad, multibyte = utf8_evidence(path)
    if multibyte:
        raise ImportRejected(
            f"{path.name} n'est pas entièrement en UTF-8 : {len(bad)} ligne(s) ne le sont"
            f" pas (lignes {lines_list(bad)}), alors que d'autres le sont. Corrigez ces lignes."
        )
    try:
        return _spooled(path, "cp1252"), "cp1252", ["Encodage Windows-1252 détecté."]
    except UnicodeDecodeError:
        raise ImportRejected(
            f"Impossible de lire {path.name} : ni UTF-8 ni Windows-1252."
        ) from None


def _spooled(path: Path, encoding: str) -> _Spool:
    spool = _Spool()
    try:
        spool.fill(path, encoding)
    except BaseException:
        spool.close()
        raise
    return spool


class _Spool:
    """The rows of the cards as read, in a temporary database, with what links a person's
    card to a company's card of the file (its UID, or its name)."""

    def __init__(self) -> None:
        import sqlite3

        # a private temporary database: in SQLite's page cache, on disk beyond it
        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute(
            "CREATE TABLE cards (line INTEGER PRIMARY KEY, cells BLOB, company INTEGER,"
            " related TEXT, org TEXT, person TEXT, owner INTEGER)"
        )
        self.conn.execute("CREATE TABLE keys (key TEXT PRIMARY KEY, line INTEGER)")
        self.count = 0
        self.reader: CardReader  # the file's, once read (what it left out, :meth:`fill`)

    def close(self) -> None:
        self.conn.close()

    def fill(self, path: Path, encoding: str) -> None:
        """Read every card (the lines of the cards left without END:VCARD are kept).

        :raises UnicodeDecodeError: when the file is not in ``encoding``."""
        conn = self.conn
        conn.execute("BEGIN")
        with path.open(encoding=encoding, errors=_CUT_CHARACTER, newline="") as fh:
            reader = CardReader(fh, path.name)
            batch: list[tuple[Any, ...]] = []
            for card in reader:
                batch.append(self._card(card))
                if len(batch) == 1000:
                    self._write(batch)
            self._write(batch)
        # a person's card belongs to the company its RELATED names (by UID), or else to
        # the one its ORG names; a company's card names no owner
        conn.execute(
            "UPDATE cards SET owner = coalesce("
            "(SELECT line FROM keys WHERE key = cards.related),"
            " (SELECT line FROM keys WHERE key = cards.org))"
            " WHERE NOT company AND person IS NOT NULL"
        )
        conn.execute("CREATE INDEX owners ON cards (owner)")
        conn.execute("COMMIT")
        self.reader = reader

    def _card(self, card: Card) -> tuple[Any, ...]:
        self.count += 1
        cells = _cells(card)
        if cells[_KIND] == "professionnel":  # KIND:org
            keys = ((_first(card, "UID"), card.line), (cells[_FN].casefold(), card.line))
            self.conn.executemany(
                "INSERT OR REPLACE INTO keys VALUES (?, ?)", [k for k in keys if k[0]]
            )
            return (card.line, marshal.dumps(cells), 1, None, None, None)
        related = _first(card, "RELATED")
        org_key = cells[_ORG].casefold()
        person = json.dumps(_person(card)) if related or org_key else None
        return (card.line, marshal.dumps(cells), 0, related, org_key, person)

    def _write(self, batch: list[tuple[Any, ...]]) -> None:
        self.conn.executemany("INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, NULL)", batch)
        batch.clear()

    def rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """A row per card, without the cards of a company's people, each in its company's
        row; the database is closed at the end."""
        conn = self.conn
        try:
            query = "SELECT line, cells, company FROM cards WHERE owner IS NULL ORDER BY line"
            for line, data, company in conn.execute(query):
                cells = marshal.loads(data)
                if company:
                    cells[-1] = _people(conn, name, line)
                yield line, cells
        finally:
            conn.close()


def _people(conn: Any, name: str, line: int) -> str:
    """The contacts of the company whose card begins at ``line``, as a JSON list, within
    the bound of a row."""
    people, size = [], 0
    query = "SELECT person FROM cards WHERE owner = ? ORDER BY line"
    for (person,) in conn.execute(query, (line,)):
        size += len(person) + 2
        if size > MAX_ROW_CHARS:
            raise ImportRejected(
                f"{name}, ligne {line} : les fiches des contacts de cette société font plus"
                f" de {MAX_ROW_CHARS:_} caractères".replace("_", " ")
                + " ; rien n'a été"
                " importé."
            )
        people.append(person)
    if not people:
        return ""
    return json.dumps([json.loads(p) for p in people], ensure_ascii=False)


def _first(card: Card, prop: str) -> str:
    """The first value of a property, as text."""
    for value in card.properties.get(prop, ())[:1]:
        return unescape(value.value).strip()
    return ""


def _texts(card: Card, prop: str) -> list[str]:
    """Every value of a property, as text, the empty ones left out."""
    values = (unescape(p.value).strip() for p in card.properties.get(prop, ()))
    return [v for v in values if v]


def _parts(value: str) -> list[str]:
    """The components of a structured value (N, ADR: « ; » between them), as text; a
    component's several values (« , » between them) are joined by spaces in N, and keep
    their comma in an address, where writers seldom escape it (« 12, rue… »)."""
    return [unescape(part).strip() for part in split(value, ";")]


def _org(card: Card) -> list[str]:
    """The organisation of a card and its units (ORG:Company;Department)."""
    for prop in card.properties.get("ORG", ())[:1]:
        return _parts(prop.value)
    return []


def _name(card: Card) -> tuple[str, str] | None:
    """The family and given names of a card's N, or None without one."""
    for prop in card.properties.get("N", ())[:1]:
        parts = [" ".join(filter(None, map(str.strip, map(unescape, split(p, ",")))))
                 for p in split(prop.value, ";")]  # fmt: skip
        parts += ["", ""]
        return parts[0], parts[1]
    return None


def _person(card: Card) -> dict[str, Any]:
    """A contact's card as the fields of a contact."""
    n = _name(card)
    org = _org(card)
    return {
        "first_name": n[1] if n else None,
        "last_name": n[0] if n else _first(card, "FN"),
        "position": _first(card, "TITLE") or None,
        "department": org[1] if len(org) > 1 and org[1] else None,
        "email": _first(card, "EMAIL") or None,
        "phone": _first(card, "TEL").removeprefix("tel:") or None,
    }


@cache
def _system_categories() -> frozenset[str]:
    """Google's system groups, which its vCards write as categories (« myContacts »):
    the labels its CSV profile drops, without their « * »."""
    from newbi_clients.transfer.profiles import builtin_profiles

    return frozenset(
        t.removeprefix("* ").casefold() for t in builtin_profiles()["google"].drop_tags
    )


def _cells(card: Card) -> list[str]:
    cells = dict.fromkeys(HEADER, "")
    cells["vcard:fn"] = _first(card, "FN")
    n = _name(card)
    if n:
        cells["vcard:n.family"], cells["vcard:n.given"] = n
    org = _org(card)
    cells["vcard:org"] = org[0] if org else ""
    cells["vcard:kind"] = _KINDS.get(_first(card, "KIND").lower(), "")
    cells["vcard:title"] = _first(card, "TITLE")
    cells["vcard:email"] = SEPARATOR.join(_texts(card, "EMAIL"))
    cells["vcard:tel"] = SEPARATOR.join(t.removeprefix("tel:") for t in _texts(card, "TEL"))
    for prop in card.properties.get("ADR", ()):
        label = " ".join(prop.params.get("LABEL", [])).strip().lower()
        prefix = "vcard:delivery" if label == "livraison" else "vcard:adr"
        if cells[f"{prefix}.street"] or cells[f"{prefix}.city"]:
            continue  # the first address of each kind
        adr = [*_parts(prop.value), "", "", "", "", "", "", ""]
        # post office box; extended address; street; locality; region; code; country
        cells[f"{prefix}.street"] = adr[2]
        cells[f"{prefix}.extended"] = adr[1]
        cells[f"{prefix}.code"] = adr[5]
        cells[f"{prefix}.city"] = adr[3]
        cells[f"{prefix}.country"] = adr[6]
    for fiscal in _texts(card, "X-NEWBI-FISCAL"):
        for key, value in _FISCAL.findall(fiscal):
            cells["vcard:siret" if key == "SIRET" else "vcard:vat"] = value.rstrip(",")
    system = _system_categories()
    categories = (
        unescape(c).strip()
        for p in card.properties.get("CATEGORIES", ())
        for c in split(p.value, ",")
    )
    cells["vcard:categories"] = SEPARATOR.join(
        c for c in categories if c and c.casefold() not in system
    )
    cells["vcard:note"] = "\n".join(_texts(card, "NOTE"))
    return [cells[h] for h in HEADER]
