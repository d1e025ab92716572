"""Limits of the file formats the program writes: a value a format cannot hold is
refused with a message naming the client and the field, never cut."""

from __future__ import annotations

from collections.abc import Sequence

from newbi_clients.errors import NewbiError

XLSX_CELL_LIMIT = 32_767  # characters an Excel cell holds (Excel specifications and limits)


class CellTooLong(NewbiError):
    """A value longer than an XLSX cell can hold: refused rather than cut."""


def check_cell_lengths(header: Sequence[str], cells: Sequence[str], row: int) -> None:
    """:raises CellTooLong: naming the client (its Nom and Prénom cells) and the column."""
    for index, cell in enumerate(cells):
        # Excel counts UTF-16 code units: a character outside the BMP counts twice
        if cell and len(cell) > XLSX_CELL_LIMIT // 2 and _utf16_length(cell) > XLSX_CELL_LIMIT:
            names = dict(zip(header, cells, strict=False))
            who = " ".join(filter(None, (names.get("Prénom"), names.get("Nom")))) or "?"
            column = header[index] if index < len(header) else f"colonne {index + 1}"
            raise CellTooLong(
                f"Export XLSX impossible : « {column} » du client « {who[:80]} » (ligne {row})"
                f" compte {_utf16_length(cell)} caractères, plus que les {XLSX_CELL_LIMIT} d'une"
                " cellule Excel ; rien n'a été écrit. Exportez en CSV ou en JSON, qui n'ont pas"
                " cette limite, ou raccourcissez la valeur."
            )


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
