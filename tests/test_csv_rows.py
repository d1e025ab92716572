"""CSV rows read a block of text at a time give what a reader fed one bounded line at a time
gives: the same rows, numbered the same, cut into the same chunks, refused at the same row
with the same message. Blocks and bounds are made tiny, so that lines, CRLF pairs and
quoted cells holding line breaks fall across the ends of blocks."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.csvrows import CsvRows, split_lines, text_lines
from newbi_clients.transfer.ooxml import MAX_COLUMNS, MAX_ROW_CHARS
from newbi_clients.transfer.read import _chunks, open_table

NAME = "f.csv"
# a few of every kind of character that matters: delimiters, quotes, every line end, the
# other characters str.splitlines breaks at, blanks, a character outside ASCII
ALPHABET = st.sampled_from(list('ab,;"  \n\n\r\r\x0c\x1c\x85\u2028é'))
PLAIN = st.text(st.sampled_from(list("ab;  \x0c\x1c\x85\u2028é")), max_size=6)
QUOTED = st.builds(lambda t: '"' + t.replace('"', '""') + '"', st.text(ALPHABET, max_size=12))
ROWS = st.lists(
    st.tuples(
        st.lists(st.one_of(PLAIN, QUOTED), max_size=4),
        st.sampled_from(["\n", "\r\n", "\r", ""]),
    ),
    max_size=8,
)
# well-formed CSV (cells holding line breaks, every kind of line end) and any text at all
TEXTS = st.one_of(
    ROWS.map(lambda rows: "".join(",".join(cells) + end for cells, end in rows)),
    st.text(ALPHABET, max_size=80),
)


# --- the reference: the reader as it was, one bounded line at a time -------------------


def reference_rows(path: Path, bound: int) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        pending = 0

        def lines() -> Iterator[str]:
            nonlocal pending
            while line := fh.readline(bound + 1):
                pending += len(line)
                if pending > bound:
                    raise ImportRejected(
                        f"{path.name} : une ligne de plus de {bound:_} caractères".replace("_", " ")
                        + " (cellule démesurée ou guillemet non fermé) ; rien n'a été importé."
                    )
                yield line

        reader = csv.reader(lines(), delimiter=",", strict=True)
        try:
            for number, row in enumerate(reader, start=1):
                pending = 0
                if len(row) > MAX_COLUMNS:
                    raise ImportRejected(
                        f"{path.name}, ligne {number} : {len(row)} colonnes (au plus"
                        f" {MAX_COLUMNS}) ; rien n'a été importé."
                    )
                yield number, row
        except csv.Error as exc:
            raise ImportRejected(
                f"{path.name}, ligne {reader.line_num} : CSV mal formé ({exc}) ; vérifiez les"
                " guillemets autour de cette ligne."
            ) from None


def reference_chunks(
    rows: Iterator[tuple[int, list[str]]], width: int, size: int, chars: int, wider: list[int]
) -> Iterator[list[tuple[int, list[str]]]]:
    while True:
        chunk = []
        read = total = 0
        for number, cells in rows:
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                wider.append(number)
            read += 1
            if any(map(str.strip, cells)):
                chunk.append((number, cells))
                total += sum(map(len, cells))
            if read == size or total >= chars:
                break
        if chunk:
            yield chunk
        if read < size and total < chars:
            return


def outcome(items: Iterator[Any]) -> tuple[list[Any], str | None]:
    """What an iterator gives, up to the message of the import's refusal, if any."""
    got: list[Any] = []
    try:
        for item in items:
            got.append(item)
    except ImportRejected as exc:
        return got, str(exc)
    return got, None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the file of each example is written (again and again)."""
    return tmp_path_factory.mktemp("csv-rows")


def write(folder: Path, text: str) -> Path:
    path = folder / NAME
    path.write_text(text, encoding="utf-8", newline="")
    return path


# --- properties --------------------------------------------------------------------------


@given(text=TEXTS, block=st.integers(1, 9))
def test_lines_are_broken_where_a_file_opened_with_newline_empty_breaks_them(
    text: str, block: int
) -> None:
    lines = chain.from_iterable(text_lines(io.StringIO(text, newline=""), block, 10**6))
    assert list(lines) == io.StringIO(text, newline="").readlines()
    assert split_lines(text) == io.StringIO(text, newline="").readlines()


@given(text=TEXTS, block=st.integers(1, 9), bound=st.integers(1, 9))
def test_a_line_over_the_bound_ends_the_reading_and_nothing_longer_is_held(
    text: str, block: int, bound: int
) -> None:
    """What is held is a block and the line it ends, never more: a line that grows over
    the bound before its end is read is given as the last one, for the reader of rows to
    refuse it."""
    lines = list(chain.from_iterable(text_lines(io.StringIO(text, newline=""), block, bound)))
    expected = io.StringIO(text, newline="").readlines()
    assert all(len(line) <= bound + block for line in lines)
    over = next((i for i, line in enumerate(expected) if len(line) > bound), None)
    if over is None:
        assert lines == expected
    else:
        assert lines[:over] == expected[:over] and expected[over].startswith(lines[over])
        assert len(lines[over]) > bound
        # a line read in part (no line end seen yet) is the last
        assert lines[over] == expected[over] or len(lines) == over + 1


@settings(max_examples=300)
@given(text=TEXTS, block=st.integers(1, 40), bound=st.integers(1, 40))
def test_rows_are_those_of_the_line_by_line_reader(
    folder: Path, text: str, block: int, bound: int
) -> None:
    path = write(folder, text)
    expected = outcome(reference_rows(path, bound))
    assert outcome(CsvRows(path, "utf-8", ",", block=block, bound=bound)) == expected


@settings(max_examples=300)
@given(
    text=TEXTS,
    block=st.integers(1, 40),
    bound=st.integers(1, 40),
    skip=st.integers(0, 3),
    width=st.integers(0, 3),
    size=st.integers(1, 4),
    chars=st.integers(1, 40),
)
def test_chunks_are_those_cut_from_the_line_by_line_reader(
    folder: Path, text: str, block: int, bound: int, skip: int, width: int, size: int, chars: int
) -> None:
    """The rows first read one by one (the header), then in chunks; the rows beyond the
    width of the header noted alike."""
    path = write(folder, text)
    expected_rows = reference_rows(path, bound)
    rows = CsvRows(path, "utf-8", ",", block=block, bound=bound)
    head = outcome(zip(range(skip), expected_rows, strict=False))
    assert outcome(zip(range(skip), rows, strict=False)) == head
    if head[1] is not None:
        return
    wider: list[int] = []
    expected_wider: list[int] = []
    expected = outcome(reference_chunks(expected_rows, width, size, chars, expected_wider))
    assert outcome(rows.chunks(width, size, chars, wider)) == expected
    assert wider == expected_wider


@given(
    rows=st.lists(st.lists(st.text(st.sampled_from(list("a  \t")), max_size=4), max_size=5)),
    width=st.integers(0, 4),
    size=st.integers(1, 4),
    chars=st.integers(1, 12),
)
def test_chunks_of_rows_of_any_format_are_those_of_the_reference(
    rows: list[list[str]], width: int, size: int, chars: int
) -> None:
    numbered = list(enumerate(rows, start=2))
    wider: list[int] = []
    expected_wider: list[int] = []
    expected = list(reference_chunks(iter(numbered), width, size, chars, expected_wider))
    assert list(_chunks(iter(numbered), width, size, chars, wider)) == expected
    assert wider == expected_wider


# --- the boundaries, one by one -------------------------------------------------------


def rows_of(folder: Path, text: str, block: int, bound: int = 1000) -> tuple[list[Any], str | None]:
    return outcome(CsvRows(write(folder, text), "utf-8", ",", block=block, bound=bound))


def test_a_line_split_across_two_blocks(folder: Path) -> None:
    text = "Nom,Ville\nDupont,Besançon\nMartin,Lyon\n"
    expected = ([(1, ["Nom", "Ville"]), (2, ["Dupont", "Besançon"]), (3, ["Martin", "Lyon"])], None)
    for block in range(1, len(text) + 2):
        assert rows_of(folder, text, block) == expected


def test_a_crlf_split_across_two_blocks_ends_one_row(folder: Path) -> None:
    text = "a,b\r\nc,d\r\n"
    assert text.index("\r") == 3
    assert rows_of(folder, text, 4) == ([(1, ["a", "b"]), (2, ["c", "d"])], None)
    # a lone CR ends a row too, as a file opened with newline="" reads it
    assert rows_of(folder, "a,b\rc,d\r", 4) == ([(1, ["a", "b"]), (2, ["c", "d"])], None)


def test_a_quoted_cell_with_line_breaks_across_blocks_stays_one_row(folder: Path) -> None:
    text = 'Nom,Notes\nDupont,"ligne 1\nligne 2\r\nligne 3"\nMartin,x\n'
    expected = [
        (1, ["Nom", "Notes"]),
        (2, ["Dupont", "ligne 1\nligne 2\r\nligne 3"]),
        (3, ["Martin", "x"]),
    ]
    for block in (1, 2, 3, 5, 8, 13, 1000):
        assert rows_of(folder, text, block) == (expected, None)


def test_a_row_exactly_at_the_bound_is_read_and_one_more_character_refused(folder: Path) -> None:
    # the row is its raw text, line ends included: here, two lines of a quoted cell
    row = 'x,"' + "a" * 10 + "\n" + "b" * 10 + '"\n'
    bound = len(row)
    for block in (1, 4, 7, 100):
        rows, error = rows_of(folder, "h\n" + row + "z\n", block, bound)
        assert error is None and [n for n, _ in rows] == [1, 2, 3]
        rows, error = rows_of(folder, "h\n" + row.replace("a", "aa", 1) + "z\n", block, bound)
        assert [n for n, _ in rows] == [1]
        assert (
            error == f"{NAME} : une ligne de plus de {bound} caractères (cellule démesurée ou"
            " guillemet non fermé) ; rien n'a été importé."
        )


def test_a_row_at_the_real_bound(tmp_path: Path) -> None:
    path = tmp_path / "bord.csv"
    line = "Dupont," + "a" * (MAX_ROW_CHARS - len("Dupont,\n")) + "\n"
    path.write_text("Nom,Notes\n" + line + "Martin,x\n", encoding="utf-8")
    table = open_table(path)
    assert [[n for n, _ in c] for c in table.chunks(2000, 2_000_000)] == [[2, 3]]
    path.write_text("Nom,Notes\n" + "a" + line + "Martin,x\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="une ligne de plus de 1 000 000 caractères"):
        list(open_table(path).chunks(2000, 2_000_000))


def test_an_unclosed_quote_to_the_end_of_a_large_file_is_refused_within_bounded_memory(
    tmp_path: Path,
) -> None:
    path = tmp_path / "guillemet.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write('Nom,Notes\nDupont,"ouvert\n')
        for _ in range(200_000):
            out.write("une ligne de plus dans la même cellule\n")  # 8 MB in all
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected, match="guillemet non fermé"):
            list(open_table(path).chunks(2000, 2_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 2**20, f"{peak / 2**20:.0f} MB"


def test_a_malformed_row_names_its_line_counted_as_the_file_counts_lines(tmp_path: Path) -> None:
    path = tmp_path / "mal.csv"
    path.write_text('Nom,Notes\nDupont,"deux\nlignes"\nMartin,"a"b\n', encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        list(open_table(path).chunks(2000, 2_000_000))
    assert str(caught.value) == (
        "mal.csv, ligne 4 : CSV mal formé (',' expected after '\"') ; vérifiez les guillemets"
        " autour de cette ligne."
    )


def test_too_many_columns_are_refused_in_the_header_and_in_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_text("Nom," * MAX_COLUMNS + "x\nDupont\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=f"ligne 1 : {MAX_COLUMNS + 1} colonnes"):
        open_table(path)
    path.write_text("Nom,Email\nDupont\n" + "a," * MAX_COLUMNS + "b\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match=f"ligne 3 : {MAX_COLUMNS + 1} colonnes"):
        list(open_table(path).chunks(2000, 2_000_000))
    path.write_text("Nom,Email\nDupont\n" + "a," * (MAX_COLUMNS - 1) + "b\n", encoding="utf-8")
    assert len(list(open_table(path).chunks(2000, 2_000_000))) == 1


def test_values_beyond_the_last_column_are_said_once_the_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_text("Nom,Email\nDupont,d@x.fr,,\n\nMartin,m@x.fr,oublié\n ,\n", encoding="utf-8")
    table = open_table(path)
    assert list(table.chunks(2000, 2_000_000)) == [
        [(2, ["Dupont", "d@x.fr", "", ""]), (4, ["Martin", "m@x.fr", "oublié"])]
    ]
    assert table.notices[-1] == (
        "1 ligne(s) ont des valeurs au-delà de la dernière colonne de l'en-tête, ignorées"
        " (lignes 4) : ajoutez un titre à ces colonnes."
    )


def test_values_under_a_column_without_title_are_said(tmp_path: Path) -> None:
    # a header cell left empty (or a title merged over two columns in the spreadsheet)
    path = tmp_path / "untitled.csv"
    path.write_text(
        "Nom,Adresse,,Code postal,Ville,\nDurand,12 rue A,Bât 2,75002,Paris,\n"
        "Martin,1 rue B,,75003,Paris,\nPetit,2 rue C, Esc. B ,75004,Paris,x\n",
        encoding="utf-8",
    )
    table = open_table(path)
    assert sum(len(c) for c in table.chunks(2000, 2_000_000)) == 3
    assert table.notices[1:] == [
        "2 ligne(s) ont des valeurs dans la colonne C, qui n'a pas de titre, ignorées"
        " (lignes 2, 4) : donnez-lui un titre.",
        "1 ligne(s) ont des valeurs dans la colonne F, qui n'a pas de titre, ignorées"
        " (lignes 4) : donnez-lui un titre.",
    ]


def test_a_file_changed_while_it_is_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "change.csv"
    path.write_text("Nom\n" + "Dupont\n" * 300_000, encoding="utf-8")  # two blocks
    table = open_table(path)  # read as UTF-8
    with path.open("r+b") as fh:
        fh.seek(1_800_000)
        fh.write(b"\xff\xfe")
    with pytest.raises(ImportRejected, match=r"change\.csv a changé pendant sa lecture"):
        list(table.chunks(2000, 2_000_000))


def test_chunks_are_bounded_in_rows_and_in_characters(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Nom,Notes\n")
        for i in range(50):
            out.write(f"Client {i},{'x' * (100 if i < 20 else 10_000)}\n")
    chunks = list(open_table(path).chunks(7, 25_000))
    assert [n for c in chunks for n, _ in c] == list(range(2, 52))
    for chunk in chunks:
        sizes = [sum(map(len, cells)) for _, cells in chunk]
        # a chunk ends at its 7th row, or at the row that brings it to 25,000 characters
        assert len(chunk) <= 7 and sum(sizes[:-1]) < 25_000
        assert chunk is chunks[-1] or len(chunk) == 7 or sum(sizes) >= 25_000
    assert {len(c) for c in chunks[:2]} == {7} and {len(c) for c in chunks[4:-1]} == {3}


@pytest.mark.parametrize("block", [1, 3, 10, 11, 25, 64, 1000])
def test_chunks_cut_by_characters_whatever_the_blocks(folder: Path, block: int) -> None:
    """The cells are counted once the text read since the chunk began may hold the bound:
    with blocks smaller than the bound, over several of them."""
    path = write(folder, "".join(f"a{i:03},bbbb\n" for i in range(40)))
    for chars in (1, 8, 25, 63, 64, 200, 10**6):
        wider: list[int] = []
        expected = list(reference_chunks(reference_rows(path, 1000), 2, 100, chars, []))
        rows = CsvRows(path, "utf-8", ",", block=block, bound=1000)
        assert list(rows.chunks(2, 100, chars, wider)) == expected
        assert not wider
