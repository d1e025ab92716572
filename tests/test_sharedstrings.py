"""The fast reader of the shared strings against expat's: the same strings, or the same
refusal, for parts in the shapes spreadsheet writers produce (where the fast path must not
fall back) and for parts no writer produces (comments, CDATA, DTDs, bad references, unknown
elements, truncated parts). Checked with hypothesis, and on every XLSX file of tests/data."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer import sharedstrings
from newbi_clients.transfer.ooxml import Package, Workbook
from newbi_clients.transfer.sharedstrings import SharedStrings, _fast_strings, shared_strings
from newbi_clients.transfer.xmltext import Fallback

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA / "hostile"))
from make_hostile import MAIN  # noqa: E402

from xmltexts import TEXT as _TEXT  # noqa: E402

PART = "xl/sharedStrings.xml"
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def outcome(package: Package, part: str | None, fast: bool) -> object:
    """The strings read (or the refusal)."""
    try:
        table = shared_strings(package, part, fast)
    except ImportRejected as exc:
        return ("refusé", str(exc))
    return [table.get(at) for at in range(table.count)]


def compare(part: bytes | str) -> tuple[object, bool]:
    """Read the shared strings ``part`` both ways: the same outcome; returns it, and whether
    the fast path read the part alone (without falling back to expat)."""
    data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(PART, data)
        package = Package(path)
        try:
            fast = outcome(package, PART, True)
            slow = outcome(package, PART, False)
            try:
                _fast_strings(package, PART)
                alone = True
            except Fallback:
                alone = False
        finally:
            package.close()
    assert fast == slow
    return fast, alone


# --- generated parts ---------------------------------------------------------------------

_SPACE = st.sampled_from(["", "", "", "\n", "\r\n  ", " "])


@st.composite
def _text_element(draw: st.DrawFn, p: str) -> str:
    """A ``t`` element as writers write it."""
    text = draw(_TEXT)
    space = draw(st.sampled_from(["", ' xml:space="preserve"', " xml:space='preserve'"]))
    if not text and draw(st.booleans()):
        return f"<{p}t{space}/>"
    return f"<{p}t{space}>{text}</{p}t>"


@st.composite
def _string(draw: st.DrawFn, p: str, exotic: bool) -> str:
    shape = draw(
        st.sampled_from(
            ["plain", "plain", "plain", "rich", "phonetic", "empty"]
            + (["comment", "cdata", "pi", "unknown", "attribute", "two", "bad", "after"] * exotic)
        )
    )
    w = draw(_SPACE)
    if shape == "rich":
        runs = "".join(
            f'<{p}r>{w}<{p}rPr><{p}b/><{p}sz val="11"/><{p}color rgb="FF0000"/>'
            f'<{p}rFont val="Calibri"/><{p}family val="2"/><{p}scheme val="minor"/></{p}rPr>'
            f"{draw(_text_element(p))}{w}</{p}r>"
            if i % 2
            else f"<{p}r>{draw(_text_element(p))}</{p}r>{w}"
            for i in range(draw(st.integers(1, 3)))
        )
        body = runs
    elif shape == "phonetic":  # Excel's Japanese text: base text, readings, their font
        base = draw(_text_element(p))
        readings = "".join(
            f'<{p}rPh sb="0" eb="{i + 1}">{draw(_text_element(p))}</{p}rPh>{w}'
            for i in range(draw(st.integers(0, 2)))
        )
        body = f'{base}{readings}<{p}phoneticPr fontId="1" type="noConversion"/>'
    elif shape == "empty":
        body = ""
    else:
        text = draw(_TEXT)
        body = {
            "plain": draw(_text_element(p)),
            "comment": f"<{p}t>{text}<!-- {text.replace('-', '')} --></{p}t>",
            "cdata": f"<{p}t><![CDATA[{text.replace(']', '')}</si>]]></{p}t>",
            "pi": f"<?x {text.replace('?', '')}?><{p}t>{text}</{p}t>",
            "unknown": f"<{p}t>{text}</{p}t><{p}extra>{text}</{p}extra>",
            "attribute": f'<{p}t a="1" a="2">{text}</{p}t>',
            "two": f"<{p}t>{text}</{p}t>{w}<{p}t>{text}</{p}t><{p}r><{p}t>!</{p}t></{p}r>",
            "bad": draw(
                st.sampled_from(
                    [
                        "<t>&nbsp;</t>",
                        "<t>a]]>b</t>",
                        "<t>\x01</t>",
                        "<t>&#0;</t>",
                        "<t>\ufffe</t>",
                        "<t>a</si>",
                    ]
                )
            ),
            "after": f'<{p}rPh sb="0"><{p}t>ト</{p}t></{p}rPh><{p}t>{text}</{p}t>',
        }[shape]
    return f"<{p}si>{w}{body}{w}</{p}si>"


@st.composite
def _part(draw: st.DrawFn, exotic: bool) -> str:
    p = draw(st.sampled_from(["", "", "x:"]))
    xmlns = f"xmlns:{p[:-1]}" if p else "xmlns"
    strings = draw(st.lists(_string(p, exotic), max_size=8))
    between = draw(_SPACE)
    head = draw(st.sampled_from([DECLARATION, "", "<?xml version='1.0'?>"]))
    part = (
        f'{head}<{p}sst {xmlns}="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        f"{between.join(strings)}</{p}sst>{draw(_SPACE)}"
    )
    if exotic:
        where = draw(st.sampled_from(["", "", "", "", "doctype", "cut", "after", "encoding"]))
        if where == "doctype":
            part = f'<!DOCTYPE sst [<!ENTITY e "x">]>{part}'
        elif where == "cut":
            part = part[: draw(st.integers(0, len(part)))]
        elif where == "after":
            part += "<!-- fin -->"
        elif where == "encoding":
            return part.replace(head, '<?xml version="1.0" encoding="ISO-8859-1"?>')
    return part


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_part(exotic=False))
def test_parts_in_the_writers_shapes_are_read_fast_as_expat_reads_them(part: str) -> None:
    strings, alone = compare(part)
    assert isinstance(strings, list)
    assert alone  # no fallback: the fast path read every string


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_part(exotic=True))
@example(f'<sst xmlns="{MAIN}"><si><t>a</t></si>junk<si><t>b</t></si></sst>')
@example(f'<sst xmlns="{MAIN}"/>')
@example(f'\ufeff<sst xmlns="{MAIN}"><si><t>a</t></si></sst>')
def test_any_part_gives_what_expat_gives(part: str) -> None:
    compare(part)


def test_bytes_that_are_not_utf8_are_refused_as_expat_refuses_them() -> None:
    outcome, _ = compare(f'<sst xmlns="{MAIN}"><si><t>caf'.encode() + b"\xe9</t></si></sst>")
    assert outcome == (
        "refusé",
        "f.xlsx n'est pas un fichier Excel valide : XML mal formé dans xl/sharedStrings.xml"
        " (not well-formed (invalid token)).",
    )


def test_the_shapes_excel_writes_are_read_fast() -> None:
    sst = (
        f'{DECLARATION}<sst xmlns="{MAIN}" count="6" uniqueCount="5"><si><t>Nom</t></si>'
        '<si><t xml:space="preserve">Complément d&apos;adresse </t></si>'
        '<si><r><t>Boulangerie </t></r><r><rPr><b/><sz val="11"/><color theme="1"/>'
        '<rFont val="Aptos Narrow"/><family val="2"/><scheme val="minor"/></rPr>'
        "<t>Martel</t></r></si>"
        '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>'
        "<si><t>l1\nl2 &amp; _x000D_</t></si></sst>"
    )
    assert compare(sst) == (
        ["Nom", "Complément d'adresse ", "Boulangerie Martel", "東京", "l1\nl2 & _x000D_"],
        True,
    )


# --- bounds ------------------------------------------------------------------------------


def test_a_string_longer_than_a_cell_is_refused_both_ways() -> None:
    sst = f'<sst xmlns="{MAIN}"><si><t>ok</t></si><si><t>{"é" * 32_768}</t></si></sst>'
    assert compare(sst)[0] == (
        "refusé",
        "f.xlsx : un texte de plus de 32767 caractères (limite d'Excel) ; rien n'a été importé.",
    )
    assert compare(sst.replace("é" * 32_768, "é" * 32_767)) == (["ok", "é" * 32_767], True)


def test_more_shared_text_than_the_bound_is_refused_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharedstrings, "MAX_SHARED_CHARS", 10)
    within = f'<sst xmlns="{MAIN}"><si><t>12345</t></si><si><r><t>67890</t></r></si></sst>'
    assert compare(within) == (["12345", "67890"], True)
    beyond = within.replace("</sst>", "<si><t>x</t></si></sst>")
    assert compare(beyond)[0] == (
        "refusé",
        "f.xlsx : plus de 10 caractères de texte partagé ; rien n'a été importé.",
    )


def test_a_string_of_more_xml_than_a_read_goes_to_expat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharedstrings, "READ", 1 << 12)
    runs = "<r><rPr><b/></rPr><t>ab</t></r>" * 500  # 16 kB of XML for 1,000 characters
    strings, alone = compare(f'<sst xmlns="{MAIN}"><si><t>x</t></si><si>{runs}</si></sst>')
    assert strings == ["x", "ab" * 500]
    assert not alone


def test_a_string_of_more_xml_than_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharedstrings, "READ", 1 << 12)
    monkeypatch.setattr(sharedstrings, "MAX_ROW_XML", 1 << 17)
    runs = "<r><rPr><b/></rPr><t>ab</t></r>" * 10_000  # 320 kB of XML
    assert compare(f'<sst xmlns="{MAIN}"><si>{runs}</si></sst>')[0] == (
        "refusé",
        "f.xlsx : un texte partagé démesuré ; rien n'a été importé.",
    )


def test_a_dtd_is_refused_both_ways() -> None:
    sst = f'<!DOCTYPE sst [<!ENTITY e "x">]><sst xmlns="{MAIN}"><si><t>&e;</t></si></sst>'
    assert compare(sst)[0] == (
        "refusé",
        "f.xlsx : la partie xl/sharedStrings.xml déclare une DTD (entités XML refusées)"
        " ; rien n'a été importé.",
    )


def test_many_strings_are_packed_as_they_are_added() -> None:
    texts = [f"texte {n}" * (n % 3) for n in range(5000)]
    one, many = SharedStrings(), SharedStrings()
    for text in texts:
        one.add(text)
    for at in range(0, 5000, 777):
        many.extend(texts[at : at + 777])
    one.flush()
    many.flush()
    assert (one.blocks, one.offsets, one.count) == (many.blocks, many.offsets, many.count)
    assert [many.get(n) for n in (-1, 0, 1, 4999, 5000)] == [None, "", "texte 1", texts[-1], None]


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.xlsx")), ids=lambda p: p.name)
def test_every_xlsx_file_of_the_test_data_reads_the_same(path: Path) -> None:
    try:
        package = Package(path)
        book = Workbook(package)
    except ImportRejected:
        return  # refused before its shared strings are read
    try:
        assert outcome(package, book.shared, True) == outcome(package, book.shared, False)
    finally:
        package.close()
