"""Screens as a terminal 80 or 160 columns wide shows them: one line a client, and no
identifier (id, email, phone, SIRET, VAT number) cut or wrapped."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from newbi_clients.builder import build_client
from newbi_clients.storage import ClientStore

CLIENTS = [
    {"name": "Société Générale des Établissements du Sud-Ouest", "kind": "business",
     "email": "compta@etablissements-sud-ouest.fr", "phone": "0556000000",
     "siret": "73282932000074", "city": "Bordeaux", "postal_code": "33000",
     "tags": ["VIP", "Salon 2025", "Relance"], "sector": "Industrie"},
    {"name": "Dupont", "first_name": "Jean-Christophe", "email": "jean-christophe.dupont@exemple.fr",
     "phone": "0612345678", "city": "Villefranche-sur-Saône", "postal_code": "69400",
     "tags": ["VIP"]},
    {"name": "Müller Maschinenbau GmbH", "kind": "business", "country": "DE",
     "vat_number": "DE136695976", "email": "einkauf@mueller-maschinenbau.de",
     "phone": "+49 30 1234567", "city": "Berlin", "postal_code": "10115"},
    {"name": "Dupont", "first_name": "Marie", "email": "marie.dupont@exemple.fr",
     "phone": "0612345678", "city": "Lyon", "postal_code": "69002", "tags": ["Prospect"]},
]  # fmt: skip
# identifiers as the screens show them
SHOWN = {
    1: ["compta@etablissements-sud-ouest.fr", "05 56 00 00 00", "73282932000074"],
    2: ["jean-christophe.dupont@exemple.fr", "06 12 34 56 78"],
    3: ["einkauf@mueller-maschinenbau.de", "+49 30 1234567", "DE136695976"],
    4: ["marie.dupont@exemple.fr", "06 12 34 56 78"],
}


@pytest.fixture
def book(db_path: Path) -> Path:
    with ClientStore(db_path) as store:
        for raw in CLIENTS:
            store.add(build_client(raw).client, allow_duplicate=True)
    return db_path


def screen(db_path: Path, width: int, *args: str) -> str:
    """What the command writes in a terminal ``width`` columns wide (escapes removed)."""
    env = {**os.environ, "NEWBI_CLIENTS_DB": str(db_path), "TERM": "xterm", "NO_COLOR": "1",
           "COLUMNS": str(width), "LINES": "60"}  # fmt: skip
    child = pexpect.spawn(sys.executable, ["-m", "newbi_clients", *args], env=env,
                          encoding="utf-8", timeout=20, dimensions=(60, width))  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", child.before or "")
    return text.replace("\r", "")


def _rows(text: str) -> list[str]:
    """The lines of the table under its header rule, up to the messages that follow it."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("──"))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith("Colonnes") or "groupe(s)" in line:
            break
        rows.append(line)
    return rows


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize(
    ("args", "ids"), [(("list",), [1, 2, 3, 4]), (("search", "dupont"), [2, 4])]
)
def test_list_and_search_one_line_a_client(book: Path, width: int, args, ids) -> None:
    text = screen(book, width, *args)
    rows = _rows(text)
    assert len(rows) == len(ids), text
    assert all(len(line) <= width for line in text.splitlines())
    header = text.splitlines()[0]
    for client_id in ids:
        (line,) = [r for r in rows if re.match(rf"\s*{client_id}\s", r)]
        for value in SHOWN[client_id]:  # never cut: whole, or its column left out
            assert value in line or not _column_shown(header, value), (value, line)
    if width == 160:  # wide enough for every column; only long names are shortened
        assert "Colonnes masquées" not in text


def _column_shown(header: str, value: str) -> bool:
    if "@" in value:
        return "Email" in header
    if value.startswith(("0", "+")):
        return "Téléphone" in header
    return "SIRET" in header


def test_at_80_columns_the_identifiers_stay_whole(book: Path) -> None:
    text = screen(book, 80, "list")
    header = text.splitlines()[0]
    assert "Email" in header and "Téléphone" in header and "SIRET / TVA" in header
    rows = _rows(text)
    for client_id, values in SHOWN.items():
        (line,) = [r for r in rows if re.match(rf"\s*{client_id}\s", r)]
        assert all(value in line for value in values), line
    assert "Colonnes masquées (terminal étroit)" in text  # said, not silently lost


@pytest.mark.parametrize("width", [80, 160])
def test_show_keeps_identifiers_whole(book: Path, width: int) -> None:
    text = screen(book, width, "show", "3")
    for value in [*SHOWN[3], "Müller Maschinenbau GmbH"]:
        assert value in text, text
    assert "…" not in text
    assert all(len(line) <= width for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 160])
def test_stats_of_a_client_names_it(book: Path, width: int) -> None:
    text = screen(book, width, "stats", "2")
    assert "Statistiques : #2 Jean-Christophe Dupont" in text
    assert "Statistiques : tout le carnet" in screen(book, width, "stats")


@pytest.mark.parametrize("width", [80, 160])
def test_duplicates_show_the_shared_value(book: Path, width: int) -> None:
    text = screen(book, width, "duplicates")
    rows = _rows(text)
    assert len(rows) == 2  # one line a client of the group
    assert "06 12 34 56 78" in rows[0]  # the phone they share
    for client_id in (2, 4):
        (line,) = [r for r in rows if re.search(rf"\s{client_id}\s", r)]
        assert SHOWN[client_id][0] in line
