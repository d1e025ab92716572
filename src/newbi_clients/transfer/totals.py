"""Rows of totals under a list (« Total : 2 clients », « Sous-total », « Nombre de clients :
12 »): the last rows of many spreadsheets, which are no clients. Only those after the
last client are left out (a total in the middle of a list stays a row), each named."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newbi_clients.transfer.csvrows import Chunk

# a row of totals under a list (« Total : 2 clients », « Sous-total », « Nombre de
# clients : 12 », « TOTAL GÉNÉRAL HT »): its first cell, stripped, holds nothing else
# (possessive quantifiers: a cell of spaces and digits is never read again and again)
_UNIT = r"(?:clients?|lignes?|contacts?|fiches?)"
_TOTAL_CELL = re.compile(
    rf"(?:(?:sous[ -]?)?tota(?:l|ux)(?:\s++(?:des\s++)?{_UNIT})?"
    rf"|nombre\s++(?:total\s++)?de\s++{_UNIT}|nb\.?\s++(?:de\s++)?clients?)"
    r"(?:\s++(?:g[ée]n[ée]ral|ht|ttc))*+\s*+(?:[:=]\s*+)?(?:[0-9][0-9\s.,]*+)?"
    rf"{_UNIT}?\s*+[.:]?",
    re.IGNORECASE,
)
# what may stand beside it: numbers (sums, counts), amounts
_NUMBER_CELL = re.compile(r"[-+]?[0-9][0-9\s.,]*+(?:%|€|EUR|\$)?", re.IGNORECASE)
_MAX_TOTALS = 10  # rows of totals in a row at the end; more are no footer


def is_total(cells: list[str]) -> bool:
    """Whether a row is one of totals (« Total : 2 clients », then numbers or nothing)
    rather than a client: the last rows of many lists.

    >>> is_total(["Total : 2 clients", "", "1 234,50"]), is_total(["TotalEnergies", "a@b.fr"])
    (True, False)
    """
    at = next((at for at, cell in enumerate(cells) if cell and not cell.isspace()), -1)
    if at < 0:
        return False
    cell = cells[at].strip()
    if cell[:1] not in "TtSsNn" or len(cell) > 100 or not _TOTAL_CELL.fullmatch(cell):
        return False
    number = _NUMBER_CELL.fullmatch
    return all(not c or c.isspace() or number(c.strip()) for c in cells[at + 1 :])


def without_totals(chunks: Iterator[Chunk], dropped: Chunk) -> Iterator[Chunk]:
    """The chunks (of rows without blank ones), less the rows of totals after the last
    client, which go to ``dropped``: rows that look like totals are held until a client
    follows them (then they are given with it), or the rows end."""
    held: Chunk = []
    for chunk in chunks:
        end = len(chunk)
        while end and is_total(chunk[end - 1][1]):
            end -= 1
        if end == len(chunk) and not held:
            yield chunk  # nearly always: the last row is a client
            continue
        given = held + chunk[:end] if end else []
        held = held + chunk[end:] if not end else chunk[end:]
        if len(held) > _MAX_TOTALS:  # so many are not a list's footer
            given, held = given + held, []
        if given:
            yield given
    dropped.extend(held)


def rows_without_totals(
    rows: Iterator[tuple[int, list[str]]], dropped: Chunk
) -> Iterator[tuple[int, list[str]]]:
    """:func:`without_totals` row by row (blank rows after totals held with them)."""
    held: Chunk = []
    totals = 0
    for item in rows:
        cells = item[1]
        blank = not any(c.strip() for c in cells)
        if blank and not held:
            yield item
            continue
        if not blank and not is_total(cells):
            yield from held
            held.clear()
            totals = 0
            yield item
            continue
        held.append(item)
        totals += not blank
        if totals > _MAX_TOTALS:
            yield from held
            held.clear()
            totals = 0
    dropped.extend(item for item in held if any(c.strip() for c in item[1]))


def totals_notice(dropped: Chunk, kind: str) -> str:
    shown = " ; ".join(
        f"« {next(c for c in cells if c.strip()).strip()[:40]} »" for _, cells in dropped[:3]
    )
    where = "de feuille" if kind == "xlsx" else "de fichier"
    numbers = [number for number, _ in dropped]
    if len(numbers) == 1:
        return f"Ligne {numbers[0]} ({shown}) ignorée : une ligne de total en fin {where}."
    listed = ", ".join(map(str, numbers[:-1])) + f" et {numbers[-1]}"
    return f"Lignes {listed} ({shown}) ignorées : des lignes de total en fin {where}."
