"""The vCard reader: a stream of cards, each line unfolded within its bound (folded lines,
vCard 2.1 quoted-printable soft line breaks, CHARSET), a file cut short, Google's system
groups, French messages; and the memory of an import of a hostile or a large file."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from newbi_clients.errors import ImportRejected
from newbi_clients.transfer.vcard import HEADER, open_vcard
from newbi_clients.transfer.vcardread import MAX_CARD_CHARS, MAX_LINE_CHARS, CardReader, unescape
from newbi_clients.transfer.vcardwrite import _fold, _vtext
from test_hostile import MEMORY_BOUND_MB, run_import

QP_NOTE = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Dupr=C3=A9;=C3=89l=C3=A9onore;;;\r\n"
    "TEL;CELL:06 12 34 56 78\r\n"
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Premi=C3=A8re ligne=0D=0A=\r\n"
    "Deuxi=C3=A8me ligne=\r\n"
    " encore\r\n"
    "END:VCARD\r\n"
)


def cards(text: str, block: int = 1 << 18) -> tuple[list[dict[str, list[str]]], list[int]]:
    """The values of each card read from ``text``, and the lines of unterminated cards."""
    reader = CardReader(io.StringIO(text, newline=""), "carnet.vcf", block)
    read = [{k: [p.value for p in v] for k, v in c.properties.items()} for c in reader]
    return read, reader.unterminated


def rows(
    tmp_path: Path, text: str, encoding: str = "utf-8"
) -> tuple[list[dict[str, Any]], list[str]]:
    path = tmp_path / "carnet.vcf"
    path.write_bytes(text.encode(encoding))
    table = open_vcard(path)
    return [
        dict(zip(HEADER, cells, strict=True)) | {"row": n} for n, cells in table.rows
    ], table.notices


def test_quoted_printable_soft_line_breaks_are_joined_and_decoded_in_their_charset() -> None:
    (card,), _ = cards(QP_NOTE)
    assert card["NOTE"] == ["Première ligne\r\nDeuxième ligne encore"]
    assert card["N"] == ["Dupré;Éléonore;;;"]
    latin = "BEGIN:VCARD\nN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:L=E9vy;Ren=E9\nEND:VCARD\n"
    assert cards(latin)[0][0]["N"] == ["Lévy;René"]


def test_folded_lines_groups_and_quoted_parameters() -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean\r\n  Dupont\r\n"
        'item1.ADR;TYPE=work;LABEL="Livraison: quai; 2":;;1 quai;Lyon;;69002;France\r\n'
        "item1.X-ABLabel:_$!<Work>!$_\r\nPHOTO;ENCODING=b:AAAA\r\n BBBB\r\n"
        "NOTE:a\\nb\\, c\r\n\tsuite\r\nEND:VCARD\r\n"
    )
    (card,), unterminated = cards(text, block=7)  # blocks that cut lines anywhere
    assert unterminated == []
    assert card["FN"] == ["Jean Dupont"]
    assert card["ADR"] == [";;1 quai;Lyon;;69002;France"]
    assert "PHOTO" not in card and "X-ABLABEL" not in card  # not read, never held
    assert unescape(card["NOTE"][0]) == "a\nb, csuite"
    reader = CardReader(io.StringIO(text, newline=""), "carnet.vcf")
    (adr,) = next(iter(reader)).properties["ADR"]
    assert adr.params == {"TYPE": ["work"], "LABEL": ["Livraison: quai; 2"]}


def test_a_card_without_end_is_left_out_and_the_complete_ones_are_read() -> None:
    one = "BEGIN:VCARD\r\nFN:Un\r\nEND:VCARD\r\n"
    read, unterminated = cards(one + "BEGIN:VCARD\r\nFN:Coupé\r\nEMAIL:c@exemple.fr")
    assert [c["FN"] for c in read] == [["Un"]] and unterminated == [4]
    # a card cut short, then another one (two files put end to end)
    read, unterminated = cards("BEGIN:VCARD\r\nFN:Coupé\r\n" + one + one)
    assert [c["FN"] for c in read] == [["Un"], ["Un"]] and unterminated == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BEGIN:VCARD\nFN:A\nBâtiment B\nEND:VCARD\n", "ligne 3 : ligne vCard mal formée"),
        (
            "BEGIN:VCARD\nNOTE;CHARSET=x-klingon;QUOTED-PRINTABLE:a=\n b\nEND:VCARD\n",
            "ligne 2 : jeu de caractères inconnu « x-klingon »",
        ),
        (
            "BEGIN:VCARD\nNOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:=E9t=E9\nEND:VCARD\n",
            "ligne 2 : valeur quoted-printable illisible en UTF-8",
        ),
        ('BEGIN:VCARD\nEMAIL;TYPE="work:a@b.fr\nEND:VCARD\n', "ligne 2 : ligne vCard mal formée"),
    ],
)
def test_an_unreadable_line_is_refused_in_french_naming_its_line(text: str, message: str) -> None:
    with pytest.raises(ImportRejected) as refused:
        cards(text)
    assert f"carnet.vcf, {message}" in str(refused.value)
    assert "rien n'a été importé" in str(refused.value)


def test_a_line_or_a_card_over_its_bound_is_refused_before_it_is_read_whole() -> None:
    class Endless(io.StringIO):
        """A NOTE folded for ever: refused once unfolded past the bound."""

        read_chars = 0

        def read(self, size: int | None = -1) -> str:
            if not self.read_chars:
                self.read_chars = 1
                return "BEGIN:VCARD\r\nFN:A\r\nNOTE:x"
            self.read_chars += size or 0
            return ("\r\n " + "n" * 73) * ((size or 1 << 16) // 76)

    endless = Endless()
    with pytest.raises(ImportRejected, match=r"ligne 3 : une ligne vCard \(dépliée\) de plus"):
        list(CardReader(endless, "carnet.vcf"))
    assert endless.read_chars < MAX_LINE_CHARS * 1.5
    notes = "".join(f"NOTE:{'n' * 99_990}\r\n" for _ in range(MAX_CARD_CHARS // 99_990 + 1))
    with pytest.raises(ImportRejected, match="ligne 2 : une fiche vCard de plus de 1 000 000"):
        cards("FN:avant\r\nBEGIN:VCARD\r\n" + notes + "END:VCARD\r\n")
    # photos are not read, whatever their size: the card is
    photo = "PHOTO;ENCODING=b:" + "A" * 900_000 + "\r\n"
    folded = "PHOTO;ENCODING=b:" + ("\r\n " + "A" * 74) * 20_000 + "\r\n"
    text = f"BEGIN:VCARD\r\nFN:A\r\n{photo * 3}{folded}END:VCARD\r\n"
    assert cards(text)[0] == [{"FN": ["A"]}]
    # a physical line is bounded all the same (writers fold at 75 octets)
    with pytest.raises(ImportRejected, match="ligne 3 : une ligne vCard"):
        cards(f"BEGIN:VCARD\r\nFN:A\r\nPHOTO:{'A' * MAX_LINE_CHARS}\r\nEND:VCARD\r\n")
    with pytest.raises(ImportRejected, match="ligne 4 : une ligne vCard"):
        cards(f"BEGIN:VCARD\r\nFN:A\r\nPHOTO:A\r\n {'A' * MAX_LINE_CHARS}\r\nEND:VCARD\r\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(',;\\\n:"é'),
            min_size=1,
            max_size=120,
        ).filter(str.strip),
        min_size=1,
        max_size=4,
    )
)
def test_our_escaped_and_folded_values_read_back_as_vobject_reads_them(values: list[str]) -> None:
    lines = ["BEGIN:VCARD", "VERSION:4.0", *(f"NOTE:{_vtext(v)}" for v in values), "END:VCARD"]
    text = "".join(_fold(line) for line in lines)
    (card,), _ = cards(text)
    ours = [unescape(v) for v in card["NOTE"]]
    assert ours == [v.replace("\r\n", "\n") for v in values]
    assert ours == [n.value for n in vobject.readOne(text).contents["note"]]


def test_rows_are_numbered_by_their_begin_line_and_companies_gather_their_people(
    tmp_path: Path,
) -> None:
    text = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Paul Roy\r\nN:Roy;Paul;;;\r\nORG:Atelier Martin;Finances\r\n"
        "TITLE:Comptable\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Atelier Martin\r\nORG:Atelier Martin\r\n"
        "CATEGORIES:myContacts,Guadeloupe,starred\r\nADR:;;12\\, rue X;Paris;;75002;France\r\n"
        "X-NEWBI-FISCAL:SIRET 73282932000074\\, TVA FR44732829320\r\nEND:VCARD\r\n"
    )
    (company,), notices = rows(tmp_path, text)
    assert company["row"] == 8 and notices == []
    assert company["vcard:categories"] == "Guadeloupe"  # Google's system groups dropped
    assert company["vcard:adr.street"] == "12, rue X" and company["vcard:adr.code"] == "75002"
    assert (company["vcard:siret"], company["vcard:vat"]) == ("73282932000074", "FR44732829320")
    assert json.loads(company["vcard:contacts"]) == [
        {"first_name": "Paul", "last_name": "Roy", "position": "Comptable",
         "department": "Finances", "email": None, "phone": None}
    ]  # fmt: skip


def test_encodings(tmp_path: Path) -> None:
    card = "BEGIN:VCARD\r\nFN:Besançon Café\r\nEND:VCARD\r\n"
    for encoding, notice in (("utf-8-sig", []), ("cp1252", ["Encodage Windows-1252 détecté."]),
                             ("utf-16", ["Encodage UTF-16 détecté."])):  # fmt: skip
        (row,), notices = rows(tmp_path, card, encoding)
        assert row["vcard:fn"] == "Besançon Café" and notices == notice
    path = tmp_path / "mixed.vcf"
    path.write_bytes(card.encode() + "BEGIN:VCARD\r\nFN:Ménard\r\nEND:VCARD\r\n".encode("cp1252"))
    with pytest.raises(ImportRejected, match=r"1 ligne\(s\) ne le sont pas \(lignes 5\)"):
        open_vcard(path)


def test_import_of_android_google_and_truncated_cards(cli, tmp_path: Path) -> None:
    path = tmp_path / "android.vcf"
    google = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Marie Payet\r\nN:Payet;Marie;;;\r\nCATEGORIES:myContacts,Guadeloupe\r\nEND:VCARD\r\n"
    path.write_text(QP_NOTE + google + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Coupé\r\n", newline="")
    result = cli("import", str(path), "--yes")
    assert (
        "1 fiche(s) vCard sans END:VCARD (fichier tronqué ?), non importée(s) : commencée(s) ligne 15."
        in result.stderr
    )
    clients = {c["name"]: c for c in cli.json("list")}
    assert set(clients) == {"Dupré", "Payet"}
    assert clients["Payet"]["tags"] == ["Guadeloupe"]
    fiche = cli.json("show", str(clients["Dupré"]["id"]))
    assert fiche["first_name"] == "Éléonore"
    assert "Deuxième ligne encore" in " ".join(n["text"] for n in fiche["notes"])
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Coupé\r\n", newline="")
    refused = cli("import", str(path), "--yes", code=1)
    assert (
        "aucune fiche vCard complète : la fiche commencée ligne 1 n'a pas de END:VCARD"
        in refused.stderr
    )


def test_an_unreadable_line_refuses_the_import_in_french(cli, tmp_path: Path) -> None:
    path = tmp_path / "abime.vcf"
    path.write_text("BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n=C3=A9t=C3=A9\nEND:VCARD\n")
    refused = cli("import", str(path), "--yes", code=1)
    assert "abime.vcf, ligne 6 : ligne vCard mal formée (« =C3=A9t=C3=A9 »)" in refused.stderr
    assert "Failed" not in refused.stderr and cli.json("list") == []


# --- memory (in a child process, as tests/test_import_memory.py) -------------------------


def test_a_huge_folded_note_is_refused_at_once_within_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge.vcf"
    with path.open("w", newline="") as out:
        out.write("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont\r\nEMAIL:j@x.fr\r\nNOTE:start")
        chunk = ("\r\n " + "n" * 73) * 10_000
        for _ in range(64):  # 49 MB (a 1 GB file, made the same way, is refused as fast)
            out.write(chunk)
        out.write("\r\nEND:VCARD\r\n")
    start = time.perf_counter()
    outcome = run_import(path, tmp_path / "book.db")
    assert outcome.code == 1, outcome.stderr
    assert "huge.vcf, ligne 5 : une ligne vCard (dépliée) de plus de 1 000 000" in outcome.stderr
    assert outcome.created == 0 and "Traceback" not in outcome.stderr
    print(f"\npeak memory: a 49 MB folded note {outcome.peak_mb:.0f} MB")
    assert outcome.peak_mb < 100  # 2 MB of the same note took 320 MB held whole
    assert time.perf_counter() - start < 4


def _small_cards(path: Path, count: int) -> Path:
    with path.open("w", newline="") as out:
        for i in range(count):
            out.write(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jean Dupont {i}\r\nN:Dupont {i};Jean;;;\r\n"
                      f"EMAIL:jean{i}@exemple.fr\r\nCATEGORIES:Clients\r\nEND:VCARD\r\n")  # fmt: skip
    return path


def test_many_small_cards_are_read_within_flat_memory(tmp_path: Path) -> None:
    small = run_import(_small_cards(tmp_path / "small.vcf", 300), tmp_path / "small.db")
    large = run_import(_small_cards(tmp_path / "large.vcf", 5_000), tmp_path / "large.db")
    assert (small.code, small.created, large.code, large.created) == (0, 300, 0, 5_000)
    print(f"\npeak memory: 300 cards {small.peak_mb:.0f} MB, 5,000 {large.peak_mb:.0f} MB")
    assert large.peak_mb < MEMORY_BOUND_MB
    # flat: held in memory with vobject, 200,000 such cards took 1.6 GB
    assert large.peak_mb - small.peak_mb < 20, (small.peak_mb, large.peak_mb)
