"""The fast row reader against expat's: the same rows, or the same refusal, for rows in the
shapes spreadsheet writers produce and for rows no writer produces (comments, CDATA,
phonetic runs, bad references, far columns). Checked with hypothesis, and on every XLSX file
of tests/data."""

from __future__ import annotations

import random
import re
import sys
import tempfile
import unittest.mock
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.ooxml import MAX_COLUMNS, Package, Workbook, column_letters
from newbi_clients.transfer.xlsx import _SheetReader
from newbi_clients.transfer.xmltext import decoded, unescape

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA / "hostile"))
from make_hostile import CONTENT_TYPES, MAIN, PKG, REL, ROOT_RELS  # noqa: E402

from xmltexts import TEXT as _TEXT  # noqa: E402

RELS = (
    f'<Relationships xmlns="{PKG}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
    '<sheet name="Clients" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
# styles: 0 plain, 1 percentage, 2 date, 3 plain
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164"'
    ' formatCode="dd/mm/yyyy"/></numFmts><cellXfs count="4"><xf numFmtId="0"/>'
    '<xf numFmtId="9"/><xf numFmtId="164"/><xf numFmtId="2"/></cellXfs></styleSheet>'
)
SHARED = (
    f'<sst xmlns="{MAIN}"><si><t>Nom</t></si><si><t xml:space="preserve"> Email </t></si>'
    "<si><r><t>Boulangerie </t></r><r><t>Martel</t></r></si>"
    '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si><si><t/></si></sst>'
)


def read(path: Path, fast: bool) -> tuple[object, int]:
    """The rows of the sheet (or the refusal), and how many rows expat read."""
    package = Package(path)
    reader = _SheetReader(package, "xl/worksheets/sheet1.xml", Workbook(package))
    try:
        rows: object = list(reader.rows(fast))
    except ImportRejected as exc:
        rows = ("refusé", str(exc))
    finally:
        package.close()
    return rows, reader.expat.count


def compare(sheet: str, shared: str = SHARED) -> tuple[object, int]:
    """Read ``sheet`` both ways: the same outcome; returns it with expat's row count."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", CONTENT_TYPES)
            z.writestr("_rels/.rels", ROOT_RELS)
            z.writestr("xl/workbook.xml", WORKBOOK)
            z.writestr("xl/_rels/workbook.xml.rels", RELS)
            z.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-8", "surrogatepass"))
            z.writestr("xl/sharedStrings.xml", shared)
            z.writestr("xl/styles.xml", STYLES)
        fast, counted = read(path, True)
        slow, _ = read(path, False)
    assert fast == slow
    return fast, counted


# --- generated sheets --------------------------------------------------------------------

_NUMBER = st.one_of(
    st.integers(-(10**17), 10**17).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(["007", "-0", "1E+3", "7.3282932000074E+13", "45366", "0.05", "", " 12"]),
)


@st.composite
def _attributes(draw: st.DrawFn, pairs: list[tuple[str, str]]) -> str:
    """Attributes in the given order or shuffled, with either quote."""
    if draw(st.integers(0, 9)) == 0:
        pairs = draw(st.permutations(pairs))
    quote = draw(st.sampled_from(['"', '"', '"', "'"]))
    return "".join(f" {name}={quote}{value}{quote}" for name, value in pairs)


@st.composite
def _cell(draw: st.DrawFn, p: str, ref: str, exotic: bool) -> str:
    shape = draw(
        st.sampled_from(
            ["inline", "inline", "number", "number", "shared", "shared", "rich", "formula"]
            + ["bool", "error", "date", "empty", "empty-v", "no-ref", "space"]
            + (["comment", "cdata", "phonetic", "bad"] if exotic else [])
        )
    )
    style = draw(st.sampled_from([None, None, "0", "1", "2", "3"]))
    attrs = [("r", ref)] if shape != "no-ref" else []
    if style is not None:
        attrs.append(("s", style))
    text = draw(_TEXT)
    if shape in ("inline", "no-ref", "space", "comment", "cdata", "phonetic", "bad"):
        space = draw(st.sampled_from(["", ' xml:space="preserve"']))
        body = {
            "inline": f"<{p}is><{p}t{space}>{text}</{p}t></{p}is>",
            "no-ref": f"<{p}is><{p}t>{text}</{p}t></{p}is>",
            "space": f"\n  <{p}is>\n <{p}t{space}>{text}</{p}t> </{p}is>\n",
            "comment": f"<{p}is><{p}t>{text}<!-- {text.replace('-', '')} --></{p}t></{p}is>",
            "cdata": f"<{p}is><{p}t><![CDATA[{text.replace(']', '')}</row>]]></{p}t></{p}is>",
            "phonetic": f"<{p}is><{p}t>{text}</{p}t><{p}rPh sb='0' eb='1'><{p}t>ト</{p}t>"
            f"</{p}rPh></{p}is>",
            "bad": draw(st.sampled_from(["<v>&nbsp;</v>", "<v>a]]>b</v>", "<v>\x01</v>"])),
        }[shape]
        return f"<{p}c{draw(_attributes([*attrs, ('t', 'inlineStr')]))}>{body}</{p}c>"
    if shape == "rich":
        runs = "".join(
            f'<{p}r><{p}rPr><{p}b/><{p}sz val="11"/></{p}rPr><{p}t>{t}</{p}t></{p}r>'
            if i % 2
            else f'<{p}r><{p}t xml:space="preserve">{t}</{p}t></{p}r>'
            for i, t in enumerate(draw(st.lists(_TEXT, min_size=1, max_size=3)))
        )
        return (
            f"<{p}c{draw(_attributes([*attrs, ('t', 'inlineStr')]))}><{p}is>{runs}</{p}is></{p}c>"
        )
    kinds = {"number": draw(st.sampled_from([None, "n"])), "shared": "s", "bool": "b"}
    kinds.update({"error": "e", "date": "d", "formula": draw(st.sampled_from([None, "str"]))})
    kind = kinds.get(shape)
    if kind:
        attrs.append(("t", kind))
    value = {
        "number": draw(_NUMBER),
        "shared": str(draw(st.integers(0, 5))),  # 5: beyond the last shared string
        "bool": draw(st.sampled_from(["0", "1", "true"])),
        "error": "#N/A",
        "date": draw(st.sampled_from(["2024-03-15T00:00:00", "2024-03-15T10:30:00"])),
        "formula": text if kind == "str" else draw(_NUMBER),
    }.get(shape)
    attributes = draw(_attributes(attrs))
    if shape == "empty":
        return f"<{p}c{attributes}/>"
    if shape == "empty-v":
        return f"<{p}c{attributes}><{p}v></{p}v></{p}c>"
    formula = f"<{p}f>CONCAT(A1;&quot;x&quot;)</{p}f>" if shape == "formula" else ""
    return f"<{p}c{attributes}>{formula}<{p}v>{value}</{p}v></{p}c>"


@st.composite
def _sheet(draw: st.DrawFn, exotic: bool) -> str:
    p = draw(st.sampled_from(["", "", "x:"]))
    rows = []
    number = 0
    for _ in range(draw(st.integers(1, 6))):
        number += draw(st.integers(1, 3))
        top = MAX_COLUMNS + 2 if exotic else 40
        columns = sorted(draw(st.sets(st.integers(0, top), max_size=8)))
        if exotic and columns and draw(st.integers(0, 5)) == 0:
            columns.append(columns[0])  # a column written twice
        cells = [draw(_cell(p, f"{column_letters(c)}{number}", exotic)) for c in columns]
        given = draw(st.sampled_from([f' r="{number}"', f' r="{number}" spans="1:9"', ""]))
        row = f"<{p}row{given}>{''.join(cells)}</{p}row>"
        if draw(st.integers(0, 9)) == 0:
            row = f"<{p}row r='{number}'/>" + row  # an empty row before
        if exotic and draw(st.integers(0, 9)) == 0:
            row += "<!-- entre deux lignes --><?pi x?>"
        rows.append(row + draw(st.sampled_from(["", "", "\n", "\r\n  "])))
    xmlns = f"xmlns:{p[:-1]}" if p else "xmlns"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<{p}worksheet {xmlns}="{MAIN}"><{p}dimension ref="A1"/><{p}sheetData>'
        f'{"".join(rows)}</{p}sheetData><{p}pageMargins left="0.7"/></{p}worksheet>'
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet(exotic=False))
def test_rows_in_the_writers_shapes_are_read_fast_as_expat_reads_them(sheet: str) -> None:
    outcome, by_expat = compare(sheet)
    if isinstance(outcome, list):
        assert by_expat == 0  # every row came from the fast path


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet(exotic=True))
@example(
    '<worksheet xmlns="x"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    "<![CDATA[</row>]]></t></is></c></row><row><c><v>2</v></c></row></sheetData></worksheet>"
)
@example(
    '<worksheet xmlns="x"><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v>'
    '</c></row><row r="2"><c r="SG2"><v>1</v></c></row></sheetData></worksheet>'
)
@example(  # a far column holding a shared string beyond the table: the column is refused
    '<worksheet xmlns="x"><sheetData><row r=\'1\'/><row r="1"><c r="A1" t="inlineStr"><is><t>'
    '</t></is></c><c r="SG1" t="s"><v>5</v></c></row></sheetData></worksheet>'
)
def test_any_row_gives_what_expat_gives(sheet: str) -> None:
    compare(sheet)


def test_rows_whose_values_are_converted_are_read_fast_as_expat_reads_them() -> None:
    """Every cell holds a value, some converted by their type or style (a percentage, a date,
    a boolean, an error, numbers written otherwise) beside inline and shared strings, as in
    a client file with a discount column; a shared index written otherwise; an empty cell."""
    cells = (
        '<c r="A{n}" t="inlineStr"><is><t>Dupont &amp; fils</t></is></c>'
        '<c r="B{n}" s="1"><v>0.05</v></c><c r="C{n}" s="2"><v>45366</v></c>'
        '<c r="D{n}" t="b"><v>1</v></c><c r="E{n}" s="3" t="s"><v>2</v></c>'
        '<c r="F{n}"><v>12.50</v></c><c r="H{n}" t="e"><v>#N/A</v></c>'
        '<c r="I{n}" s="1" t="n"><v>7</v></c>'
    )
    rows = [
        f'<row r="{n}" spans="1:11">{cells.format(n=n)}{extra}</row>'
        for n, extra in enumerate(
            ["", '<c r="J2" t="s"><v>01</v></c>', '<c r="J3" s="1"/><c r="K3"><v>3</v></c>'], 1
        )
    ]
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
    outcome, by_expat = compare(sheet)
    assert by_expat == 0
    first = ["Dupont & fils", "5%", "2024-03-15", "oui", "Boulangerie Martel", "12.5", ""]
    assert outcome == [
        (1, [*first, "#N/A", "700%"]),
        (2, [*first, "#N/A", "700%", " Email "]),
        (3, [*first, "#N/A", "700%", "", "3"]),
    ]


_MANY = 3000  # shared strings: three blocks of 1,024, the last one partial
_MANY_SHARED = (
    f'<sst xmlns="{MAIN}">'
    + "".join(f"<si><t>{'texte long ' * (n % 7)}{n}</t></si>" for n in range(_MANY))
    + "</sst>"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(
            st.one_of(st.integers(0, _MANY - 1), st.integers(_MANY, _MANY + 2000)), max_size=6
        ),
        min_size=1,
        max_size=12,
    ),
    blocks=st.integers(1, 4),
    size=st.sampled_from([10, 150_000, 10**8]),  # bytes: none, a block or two, all
    inline=st.booleans(),
)
def test_shared_strings_of_many_blocks_give_what_expat_gives(
    rows: list[list[int]], blocks: int, size: int, inline: bool
) -> None:
    """Strings from several blocks, fewer blocks kept than the rows use, bounds that refuse
    to keep a block, indexes beyond the table: the rows (or the refusal) of expat."""
    cells = [
        "".join(
            f'<c r="{column_letters(col)}{n}" t="s"><v>{index}</v></c>'
            for col, index in enumerate(indexes)
        )
        + (f'<c r="Z{n}" t="inlineStr"><is><t>{n} &amp; cie</t></is></c>' if inline else "")
        for n, indexes in enumerate(rows, start=1)
    ]
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData>'
        + "".join(f'<row r="{n}">{row}</row>' for n, row in enumerate(cells, start=1))
        + "</sheetData></worksheet>"
    )
    with (
        unittest.mock.patch("newbi_clients.transfer.fastrows._BLOCKS", blocks),
        unittest.mock.patch("newbi_clients.transfer.fastrows._BYTES", size),
    ):
        fast, counted = compare(sheet, _MANY_SHARED)
    if all(index < _MANY for row in rows for index in row):
        assert counted == 0  # no row left to expat
        assert fast == [
            (
                n,
                [f"{'texte long ' * (i % 7)}{i}" for i in row]
                + ([""] * (25 - len(row)) + [f"{n} & cie"] if inline else []),
            )
            for n, row in enumerate(rows, start=1)
            if row or inline
        ]
    else:
        assert fast[0] == "refusé"


@pytest.mark.parametrize(
    "sheet",
    [
        # a DTD before the rows, rows outside sheetData, a declared encoding, an empty sheet
        '<!DOCTYPE w [<!ENTITY e "x">]><worksheet><sheetData><row><c><v>1</v></c></row>'
        "</sheetData></worksheet>",
        "<worksheet><row r='1'><c r='A1'><v>1</v></c></row><sheetData><row><c><v>2</v></c>"
        "</row></sheetData><row><c><v>3</v></c></row></worksheet>",
        '<?xml version="1.0" encoding="ISO-8859-1"?><worksheet><sheetData><row><c t="inlineStr">'
        "<is><t>caf\u00e9</t></is></c></row></sheetData></worksheet>",
        "<worksheet><sheetData/></worksheet>",
        "<worksheet><sheetData><row><c><v>1</v></c></row>",  # truncated
    ],
)
def test_sheets_outside_the_fast_path_are_read_by_expat(sheet: str) -> None:
    compare(sheet.replace("\u00e9", "é"))


def test_a_row_longer_than_a_read_goes_through_expat_and_back() -> None:
    noise = random.Random(13)
    cells = "".join(
        f'<c r="{column_letters(c)}2" t="inlineStr"><is><t>'
        f"{''.join(noise.choices('東京大阪€ ', k=30_000))}</t></is></c>"
        for c in range(30)
    )  # 2.4 MB of XML (900,000 characters): more than the fast path reads at a time
    small = "".join(f'<row r="{n}"><c r="B{n}"><v>{n}</v></c></row>' for n in range(3, 50))
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    outcome, by_expat = compare(f"{sheet}<row r='2'>{cells}</row>{small}</sheetData></worksheet>")
    assert isinstance(outcome, list) and len(outcome) == 49
    assert by_expat == 1  # the long row; the fast path read the others


def test_references_and_line_ends_are_those_of_xml() -> None:
    assert unescape("a &amp;&lt;&gt;&quot;&apos; &#233;&#x1F600;") == "a &<>\"' é😀"
    assert unescape("1\r\n2\r3&#13;") == "1\n2\n3\r"


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.xlsx")), ids=lambda p: p.name)
def test_every_xlsx_file_of_the_test_data_reads_the_same(path: Path) -> None:
    try:
        package = Package(path)
    except ImportRejected:
        return  # refused before its sheet is read
    package.close()
    try:
        fast, _ = read(path, True)
    except ImportRejected as exc:
        fast = str(exc)
    try:
        slow, _ = read(path, False)
    except ImportRejected as exc:
        slow = str(exc)
    assert fast == slow


_PIECES = [b"]", b"]]>", b">", b"a", b"\t", b"\x01", b"\x1f", b"\xef", b"\xff"]
_PIECES += [chr(c).encode() for c in (0xE9, 0xF000, 0xFFBE, 0xFFFD, 0xFFFE, 0xFFFF, 0x1F600)]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=40),
        st.text(max_size=20).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from(_PIECES), max_size=12).map(b"".join),
    )
)
def test_a_region_is_suspect_exactly_when_it_may_hold_what_xml_refuses(data: bytes) -> None:
    try:
        text = data.decode()
    except UnicodeDecodeError:
        assert decoded(data) == (data.decode("utf-8", "surrogateescape"), True)
        return
    refused = re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|]]>", text)
    assert decoded(data) == (text, refused is not None)
