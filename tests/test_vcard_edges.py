"""vCard files as they arrive damaged: cut inside a line (a download or a copy interrupted,
even inside a character), a card whose last quoted-printable value ends with a soft line
break « = » right before the next card, quoted-printable sequences that cannot be decoded;
each said in a French notice naming its line, the complete cards imported."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.vcard import HEADER, open_vcard
from newbi_clients.transfer.vcardread import SHOWN, CardReader, unescape

ONE = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Éléonore Dupré\r\nEMAIL:e@exemple.fr\r\nEND:VCARD\r\n"
# after ONE, its lines: BEGIN 6, a folded NOTE 9-10, a quoted-printable NOTE with a soft
# break 11-12, TEL 13
TWO = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:René Lévy\r\nNOTE:pli\r\n é\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=\r\ncr=C3=A8me\r\n"
    "TEL;CELL:06 12 34 56 78\r\nEND:VCARD\r\n"
)
CUT_NOTICE = "1 fiche(s) vCard sans END:VCARD (fichier tronqué ?), non importée(s) : commencée(s)"


def read(text: str, block: int = 1 << 18) -> tuple[list[dict[str, list[str]]], CardReader]:
    reader = CardReader(io.StringIO(text, newline=""), "carnet.vcf", block)
    cards = [{k: [p.value for p in v] for k, v in c.properties.items()} for c in reader]
    return cards, reader


def rows(tmp_path: Path, data: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    path = tmp_path / "carnet.vcf"
    path.write_bytes(data)
    table = open_vcard(path)
    found = [dict(zip(HEADER, cells, strict=True)) | {"row": n} for n, cells in table.rows]
    return found, table.notices


# --- a file cut inside a line -------------------------------------------------------------


def test_a_file_cut_anywhere_in_its_last_card_keeps_the_cards_before_it() -> None:
    """Every place a download can stop in the last card (inside BEGIN:VCARD, a property's
    name, a folded line, a quoted-printable soft break, END:VCARD…): the first card is read
    whole, the second is left out and said by its line, and nothing is refused."""
    end = len(ONE) + TWO.index("END:VCARD") + len("END:VCARD")
    for stop in range(len(ONE) + 1, len(ONE + TWO)):
        text = (ONE + TWO)[:stop]
        cards, reader = read(text, block=7)  # blocks that cut lines anywhere too
        assert cards[0]["FN"] == ["Éléonore Dupré"], stop
        if stop >= end:  # END:VCARD is whole: the card is complete
            assert len(cards) == 2 and cards[1]["FN"] == ["René Lévy"], stop
            assert (reader.unterminated, reader.cut) == ([], 0), stop
            continue
        assert len(cards) == 1 and reader.unterminated == [6], stop
        # the line the file stops in, unless it stops right after a line break
        last = text.count("\n") + 1 if text[-1] not in "\r\n" else 0
        assert reader.cut == last, stop


def test_a_cut_line_is_never_read_as_a_property() -> None:
    # « EMA » (no « : ») was refused as a line that is no property, the whole file with it
    cards, reader = read(ONE + "BEGIN:VCARD\r\nFN:René\r\nEMA")
    assert len(cards) == 1 and (reader.unterminated, reader.cut) == ([6], 8)
    # a quoted-printable escape cut in the middle of a UTF-8 character read nothing wrong
    cards, reader = read(ONE + "BEGIN:VCARD\r\nNOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:caf=C3=A")
    assert len(cards) == 1 and reader.unterminated == [6] and reader.undecoded_count == 0
    # outside a card, a cut line that is not the start of a BEGIN:VCARD is no card
    assert read(ONE + "Fin du ")[1].unterminated == []
    # a last END:VCARD without its line break ends its card: the file is whole
    cards, reader = read(ONE + TWO.removesuffix("\r\n"))
    assert len(cards) == 2 and (reader.unterminated, reader.cut) == ([], 0)


def test_a_file_cut_inside_a_line_imports_its_complete_cards_with_a_notice(
    tmp_path: Path,
) -> None:
    found, notices = rows(tmp_path, (ONE + "BEGIN:VCARD\r\nFN:René\r\nEMAIL:r@exem").encode())
    assert [r["vcard:fn"] for r in found] == ["Éléonore Dupré"]
    assert notices == [f"{CUT_NOTICE} ligne 6 ; le fichier s'arrête au milieu de la ligne 8."]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_file_cut_inside_a_character_imports_its_complete_cards(
    tmp_path: Path, encoding: str
) -> None:
    """A download stopped between the bytes of « é »: the bytes before it are no stray
    bytes of another encoding (the file was refused as not all UTF-8, or the UTF-16 one
    stopped with an unexpected error)."""
    data = (ONE + "BEGIN:VCARD\r\nFN:René").encode(encoding)
    for stop in (1, 2) if encoding == "utf-8" else (1,):
        found, notices = rows(tmp_path, data[:-stop])
        assert [r["vcard:fn"] for r in found] == ["Éléonore Dupré"]
        assert f"{CUT_NOTICE} ligne 6 ; le fichier s'arrête au milieu de la ligne 7." in notices
    # a byte that is not UTF-8 inside a line is still one: not read as a cut character
    with pytest.raises(ImportRejected, match=r"entièrement en UTF-8.*\(lignes 3\)"):
        rows(tmp_path, "BEGIN:VCARD\r\nFN:René\r\n".encode() + b"NOTE:caf\xc3\r\nEND:VCARD\r\n")


def test_a_file_of_one_card_cut_inside_a_line_is_refused_naming_where(tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as refused:
        rows(tmp_path, b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren")
    assert str(refused.value) == (
        "carnet.vcf ne contient aucune fiche vCard complète : la fiche commencée ligne 1 n'a"
        " pas de END:VCARD (fichier tronqué ?) ; le fichier s'arrête au milieu de la ligne 3 ;"
        " rien n'a été importé."
    )


def test_the_lines_of_many_cards_left_without_end_are_counted_not_all_held() -> None:
    # a hostile file of empty cards, one a line: their lines are no list the file's size
    cards, reader = read("BEGIN:VCARD\r\n" * 5_000 + ONE)
    assert len(cards) == 1 and reader.unterminated_count == 5_000
    assert reader.unterminated == list(range(1, SHOWN + 1))


def test_many_cards_without_end_are_said_in_one_notice(tmp_path: Path) -> None:
    found, notices = rows(tmp_path, ("BEGIN:VCARD\r\nFN:X\r\n" * 12 + ONE).encode())
    assert len(found) == 1
    assert notices == [
        "12 fiche(s) vCard sans END:VCARD (fichier tronqué ?), non importée(s) : commencée(s)"
        " ligne 1, 3, 5, 7, 9, 11, 13, 15, 17, 19 …."
    ]


# --- a soft line break before the next card ------------------------------------------------

SOFT = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Un\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=\r\n"
)


@pytest.mark.parametrize("begin", ["BEGIN:VCARD", "begin:vcard", "BEGIN:VCARD  "])
def test_a_soft_line_break_never_swallows_the_next_card(begin: str) -> None:
    """A card left without its END:VCARD whose last value ends with « = »: the next card's
    BEGIN:VCARD went into that value, and its lines into the first card, silently."""
    cards, reader = read(SOFT + f"{begin}\r\nVERSION:2.1\r\nFN:Deux\r\nEND:VCARD\r\n")
    assert cards == [{"FN": ["Deux"]}]
    assert reader.unterminated == [1] and reader.cut == 0


def test_a_soft_line_break_before_end_vcard_ends_the_value_and_the_card() -> None:
    cards, reader = read(SOFT + "END:VCARD\r\n" + ONE)
    assert [c["FN"] for c in cards] == [["Un"], ["Éléonore Dupré"]]
    assert cards[0]["NOTE"] == ["café"] and reader.unterminated == []
    # a soft line break still joins any other line, « BEGIN » or « END » words included
    text = SOFT + "BEGIN: le d=C3=A9but\r\nEND:VCARD\r\n"
    cards, reader = read(text)
    assert cards[0]["NOTE"] == ["caféBEGIN: le début"] and reader.undecoded_count == 0


def test_the_card_before_the_swallowed_one_is_said_and_the_next_imported(
    tmp_path: Path,
) -> None:
    text = SOFT + "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Deux\r\nEND:VCARD\r\n"
    found, notices = rows(tmp_path, text.encode())
    assert [(r["row"], r["vcard:fn"], r["vcard:note"]) for r in found] == [(5, "Deux", "")]
    assert notices == [f"{CUT_NOTICE} ligne 1."]


# --- quoted-printable that cannot be decoded -----------------------------------------------


def qp(value: str, name: str = "NOTE") -> str:
    return f"{name};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{value}\r\n"


def test_undecodable_quoted_printable_is_kept_as_written_the_rest_decoded() -> None:
    text = (
        "BEGIN:VCARD\r\nFN:Un\r\n" + qp("Caf=C3=A9 =ZZ, 1+1=2 et =c3=a9t=c3=a9") + "END:VCARD\r\n"
        "BEGIN:VCARD\r\nFN:Deux\r\n" + qp(";;=4 rue;Paris", "ADR") + qp("ok=") + "END:VCARD\r\n"
    )  # fmt: skip
    cards, reader = read(text)
    assert unescape(cards[0]["NOTE"][0]) == "Café =ZZ, 1+1=2 et été"  # lower case hex is read
    assert cards[1]["ADR"] == [";;=4 rue;Paris"] and cards[1]["NOTE"] == ["ok"]
    # one entry a value, by its card, its property and its line; the ending « = » is none
    assert reader.undecoded == [(1, "NOTE", 3, "=ZZ"), (5, "ADR", 7, "=4")]
    assert reader.undecoded_count == 2


def test_undecodable_quoted_printable_of_a_card_left_out_is_not_said() -> None:
    cards, reader = read("BEGIN:VCARD\r\nFN:Un\r\n" + qp("=ZZ") + ONE)
    assert len(cards) == 1 and reader.unterminated == [1]
    assert (reader.undecoded, reader.undecoded_count) == ([], 0)


def test_undecodable_quoted_printable_is_said_in_a_notice(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nFN:Un\r\n" + qp("a=ZZ") + "END:VCARD\r\n"
    found, notices = rows(tmp_path, (card * 12).encode())
    assert [r["vcard:note"] for r in found] == ["a=ZZ"] * 12
    assert notices == [
        "12 valeur(s) quoted-printable mal codée(s) (« = » sans deux chiffres hexadécimaux"
        " après), importée(s) avec ces séquences telles qu'écrites, le reste décodé : "
        + " ; ".join(f"fiche ligne {n}, NOTE ligne {n + 2} (« =ZZ »)" for n in range(1, 41, 4))
        + " ; et 2 autre(s). Vérifiez ces fiches."
    ]


# --- through the command line ---------------------------------------------------------------


def test_import_of_a_file_cut_inside_a_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "coupe.vcf"
    text = ONE + TWO
    path.write_bytes(text[: text.index("34 56")].encode())  # stops in « TEL;CELL:06 12 »
    result = cli("import", str(path), "--yes")
    assert f"{CUT_NOTICE} ligne 6 ; le fichier s'arrête au milieu de la ligne 13." in result.stderr
    assert [c["name"] for c in cli.json("list")] == ["Éléonore Dupré"]
    assert "Traceback" not in result.stderr


def test_import_of_a_swallowing_soft_break_and_of_undecodable_quoted_printable(
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "android.vcf"
    text = SOFT + "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Payet;Marie;;;\r\n" + qp("=ZZ") + "END:VCARD\r\n"
    path.write_bytes(text.encode())
    result = cli("import", str(path), "--yes")
    assert f"{CUT_NOTICE} ligne 1." in result.stderr
    assert "fiche ligne 5, NOTE ligne 8 (« =ZZ »)" in result.stderr
    (client,) = cli.json("list")
    assert (client["name"], client["first_name"]) == ("Payet", "Marie")
    assert [n["text"] for n in client["notes"]] == ["=ZZ"]


def test_the_notices_of_an_import_are_in_its_json_report(cli, tmp_path: Path) -> None:
    """A script reading ``--format json`` learns what was left out, as one reading the
    screen does: the same French notices, in order."""
    import json

    path = tmp_path / "coupe.vcf"
    card = "BEGIN:VCARD\r\nFN:Hélène\r\n" + qp("a=ZZ") + "END:VCARD\r\n"  # an old Outlook
    path.write_bytes((card + "BEGIN:VCARD\r\nFN:Deu").encode("cp1252"))
    notices = [
        "Encodage Windows-1252 détecté.",
        f"{CUT_NOTICE} ligne 5 ; le fichier s'arrête au milieu de la ligne 6.",
        "1 valeur(s) quoted-printable mal codée(s) (« = » sans deux chiffres hexadécimaux"
        " après), importée(s) avec ces séquences telles qu'écrites, le reste décodé : fiche"
        " ligne 1, NOTE ligne 3 (« =ZZ »). Vérifiez ces fiches.",
    ]
    dry = cli("import", str(path), "--dry-run", "--format", "json")
    assert json.loads(dry.stdout)["notices"] == notices
    result = cli("import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert (report["created"], report["notices"]) == (1, notices)
    assert all(notice in result.stderr for notice in notices)  # and still on screen
