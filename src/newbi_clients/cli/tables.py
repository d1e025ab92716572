"""Tables that fit the terminal: one line a row, identifiers never cut.

Every table of the CLI goes through :func:`emit_rows`. On a terminal, each row takes one
line: an identifier (id, email, phone, SIRET, VAT number, number, date, amount) keeps its
whole width, the other columns are shortened with « … », and when even that does not fit,
the least useful columns are left out (said on stderr). Piped output is tab-separated
lines, whole, for scripts.
"""

import re
import sys
from collections.abc import Iterable, Sequence

from newbi_clients.hygiene import visible

# headers of columns whose values are identifiers: never shortened
IDENTIFIER_HEADERS = {
    "ID", "Email", "Téléphone", "SIRET", "SIREN", "SIRET / TVA", "TVA", "N° de TVA", "Numéro",
    "Date", "Échéance", "Groupe", "Valeur commune", "Clients", "Archivés", "Lignes", "HT", "TTC",
    "CA HT", "Devise", "Valeur",
}  # fmt: skip
NUMERIC_HEADERS = {"ID", "Groupe", "Clients", "Archivés", "Lignes", "HT", "TTC", "CA HT"}
# a value that reads as an identifier whatever its column says
_IDENTIFIER = re.compile(r"^(\S+@\S+|\+?[\d .]+|[A-Z]{2}[0-9A-Z]{2,13}|#?\d+)$")
MIN_TEXT = 8  # a shortened column keeps at least this many characters
READABLE = 16  # shortened columns first grow this wide, then the name takes the rest
GAP = 2  # between two columns


def _is_identifier(header: str, cells: Sequence[str]) -> bool:
    if header in IDENTIFIER_HEADERS:
        return True
    values = [c for c in cells if c]
    return bool(values) and all(_IDENTIFIER.match(c) for c in values)


def fit_columns(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    width: int,
    drop: Sequence[str] | None = None,
) -> tuple[list[int], list[int]]:
    """The columns to show (indexes) and their widths, for a terminal ``width`` wide.

    Identifiers keep their natural width; other columns share what is left, down to
    :data:`MIN_TEXT`; if it still does not fit, columns are left out in the order of
    ``drop`` (headers), by default the text columns from the right, then the identifier
    columns from the right. The first column and the first text column (the name, as a
    rule) always stay.
    """
    from rich.cells import cell_len

    count = len(headers)
    natural = [
        max([cell_len(headers[i]), *(cell_len(row[i]) for row in rows)]) for i in range(count)
    ]
    ident = [_is_identifier(headers[i], [row[i] for row in rows]) for i in range(count)]
    minimum = [natural[i] if ident[i] else min(natural[i], MIN_TEXT) for i in range(count)]
    shown = list(range(count))
    first_text = next((i for i in range(count) if not ident[i]), 0)
    if drop is not None:
        droppable = [headers.index(h) for h in drop if h in headers]
    else:
        droppable = [i for i in reversed(range(1, count)) if not ident[i] and i != first_text]
        droppable += [i for i in reversed(range(1, count)) if ident[i]]

    def needed() -> int:
        return sum(minimum[i] for i in shown) + GAP * (len(shown) - 1)

    while needed() > width and droppable:
        shown.remove(droppable.pop(0))
    widths = {i: minimum[i] for i in shown}
    spare = width - needed()
    # what is left goes round the shortened columns up to a readable width, then to the
    # name (the first text column), then round again
    for cap, columns in ((READABLE, shown), (None, [first_text]), (None, shown)):
        spare = _grow(widths, natural, [i for i in columns if i in widths], spare, cap)
    return shown, [widths[i] for i in shown]


def _grow(
    widths: dict[int, int], natural: list[int], columns: list[int], spare: int, cap: int | None
) -> int:
    """Widen ``columns`` one character at a time, up to their natural width (and ``cap``);
    returns the spare width left."""
    growing = [i for i in columns if widths[i] < min(natural[i], cap or natural[i])]
    while spare > 0 and growing:
        for i in list(growing):
            if spare <= 0:
                break
            widths[i] += 1
            spare -= 1
            if widths[i] >= min(natural[i], cap or natural[i]):
                growing.remove(i)
    return spare


def _plain(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    count = 0
    out = sys.stdout
    for row in rows:
        if count == 0:
            out.write("\t".join(headers) + "\n")
        out.write("\t".join(visible(c.replace("\n", " ")) for c in row) + "\n")
        count += 1
    return count


def emit_rows(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    title: str | None = None,
    drop: Sequence[str] | None = None,
) -> int:
    """Rows as a table on a terminal (one line a row, see the module), tab-separated lines
    otherwise; returns the count. Piped output has a header line, and nothing at all when
    there is no row. ``drop`` names the columns to leave out first on a narrow terminal."""
    from newbi_clients.cli.render import info, out_console, stdout_is_terminal

    if not stdout_is_terminal():
        return _plain(headers, rows)
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    # control characters left in old data show as visible symbols (ESC → ␛)
    cells = [[visible(c.replace("\n", " ")) for c in row] for row in rows]
    if not cells:
        return 0
    console = out_console()
    shown, widths = fit_columns(headers, cells, console.width, drop)
    table = Table(
        title=title, header_style="bold cyan", box=box.SIMPLE_HEAD, show_edge=False,
        pad_edge=False, collapse_padding=True,
    )  # fmt: skip
    for i, width in zip(shown, widths, strict=True):
        table.add_column(
            escape(headers[i]), width=width, no_wrap=True, overflow="ellipsis",
            justify="right" if headers[i] in NUMERIC_HEADERS else "left",
        )  # fmt: skip
    for row in cells:
        table.add_row(*(escape(row[i]) for i in shown))
    console.print(table)
    hidden = [headers[i] for i in range(len(headers)) if i not in shown]
    if hidden:
        info(
            "Colonnes masquées (terminal étroit) : " + ", ".join(hidden)
            + " ; élargissez le terminal ou utilisez --format json."
        )  # fmt: skip
    return len(cells)
