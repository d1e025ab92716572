"""Reading a row's plain columns straight into raw values gives what the general reading
gives (every cell into lists of values, then the first value of each direct field): the
same raw values, in the same order, on every fixture file and on rows made by hypothesis."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.mapping import HeaderMap, map_headers
from newbi_clients.transfer.read import open_table
from newbi_clients.transfer.semantics import _reader, row_fields

DATA = Path(__file__).parent / "data"


def general(cells: list[str], headers: HeaderMap) -> list[tuple[str, Any]]:
    """``row_fields`` by the general path, as ordered pairs."""
    saved, headers.reader = headers.reader, False  # no plan: the general reading
    try:
        return list(row_fields(cells, headers).items())
    finally:
        headers.reader = saved


def check(cells: list[str], headers: HeaderMap) -> None:
    assert list(row_fields(cells, headers).items()) == general(cells, headers), cells


def test_every_fixture_row_is_read_the_same() -> None:
    read = 0
    for path in sorted(DATA.rglob("*")):
        if not path.is_file():
            continue
        try:
            table = open_table(path)
            headers = map_headers(table.header, None, None, {})
        except ImportRejected:
            continue
        for _, cells in table.rows:
            check(cells, headers)
            read += _reader(headers) is not None
    assert read > 100


# a header with direct fields, fields read as values, one read both ways (delivery
# address), a custom field and a field of two columns (two emails)
HEADER = ["Nom", "Email", "Code postal", "Adresse de livraison", "Pays", "Courriel",
          "Tags", "SIRET", "Fonction", "Notes", "Ville"]  # fmt: skip
CELL = st.sampled_from(["", " ", "'=1+2", "'ACME", "a", " b ", "12 rue A\n75002 Paris",
                        "x@y.fr", "FR", "732 829 320 00074"]) | st.text(max_size=8)  # fmt: skip


@given(st.lists(CELL, min_size=0, max_size=len(HEADER) + 2))
@settings(max_examples=1500, deadline=None)
@example(["ACME", "", "", "2 quai C\nBât. D", "DE", "a@b.fr", "", "", "", "", ""])
def test_any_row_is_read_the_same(cells: list[str]) -> None:
    headers = map_headers(HEADER, None, None, {})
    assert headers.multiples and _reader(headers) is not None
    check(cells, headers)
