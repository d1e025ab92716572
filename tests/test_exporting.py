"""Export writers in the core: CSV with formula escaping, JSON, XLSX values, vCard 4.0."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from newbi_clients.builder import build_client
from newbi_clients.models import Client, Note
from newbi_clients.transfer.export import (
    TEMPLATE_COLUMNS,
    cells_of_clients,
    escape_formula,
    unescape_formula,
    write_csv,
    write_json,
    write_jsonl,
    write_xlsx,
)
from newbi_clients.transfer.vcardwrite import client_to_vcard

TEMPLATE_FILE = Path(__file__).parents[1] / "templates" / "import_template.csv"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(1)", "'@SUM(1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\tcaché", "'\tcaché"),
        ("\rretour", "'\rretour"),
        ("+33612345678", "+33612345678"),
        ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("-12.50", "-12.50"),
        ("-1 234,56", "-1 234,56"),
        ("Dupont", "Dupont"),
        ("", ""),
        ("'déjà cité", "'déjà cité"),
    ],
)
def test_formula_escaping_round_trips(value: str, escaped: str) -> None:
    assert escape_formula(value) == escaped
    assert unescape_formula(escape_formula(value)) == value


def test_unescape_leaves_genuine_quotes_alone() -> None:
    assert unescape_formula("'bonjour") == "'bonjour"
    assert unescape_formula("'") == "'"


def _client() -> Client:
    client = build_client(
        {
            "name": '=HYPERLINK("http://evil","clic")',
            "first_name": "Éléonore",
            "email": "eleonore@exemple.fr",
            "phone": "+33612345678",
            "tags": ["VIP", "@risque"],
        }
    ).client
    client.id = 7
    client.notes = [Note("2026-01-02T03:04:05+00:00", "Ligne 1\nLigne 2; avec, ponctuation")]
    return client


def test_csv_has_template_header_and_escapes_cells() -> None:
    out = io.StringIO()
    assert write_csv(cells_of_clients([_client()]), out) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == TEMPLATE_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Nom"].startswith("'=HYPERLINK")
    assert row["Téléphone"] == "+33612345678"
    assert row["Tags"] == "'@risque, VIP" or row["Tags"] == "VIP, @risque"
    assert row["Notes"] == "[2026-01-02T03:04:05+00:00] Ligne 1\nLigne 2; avec, ponctuation"


def test_template_file_matches_the_code() -> None:
    rows = list(csv.reader(TEMPLATE_FILE.open(encoding="utf-8", newline="")))
    assert tuple(rows[0]) == TEMPLATE_COLUMNS
    assert len(rows) == 2


def test_json_and_jsonl_stream() -> None:
    items = [{"a": 1, "b": "é"}, {"a": 2, "b": None}]
    out = io.StringIO()
    assert write_json(iter(items), out) == 2
    assert json.loads(out.getvalue()) == items
    out = io.StringIO()
    write_json(iter([]), out)
    assert json.loads(out.getvalue()) == []
    out = io.StringIO()
    write_jsonl(iter(items), out)
    assert [json.loads(x) for x in out.getvalue().splitlines()] == items


def test_xlsx_never_contains_formulas(tmp_path: Path) -> None:
    target = tmp_path / "export.xlsx"
    write_xlsx(cells_of_clients([_client()]), target)
    sheet = openpyxl.load_workbook(target).active
    header = [c.value for c in sheet[1]]
    assert tuple(header) == TEMPLATE_COLUMNS
    cells = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert cells["Nom"].data_type == "s"
    assert cells["Nom"].value.startswith("'=")
    assert cells["Téléphone"].value == "+33612345678"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_vcard_4() -> None:
    client = build_client(
        {
            "name": "Dupré",
            "first_name": "Éléonore",
            "email": "eleonore@exemple.fr",
            "phone": "06 12 34 56 78",
            "address": "3 place Bellecour; bât. A",
            "postal_code": "69002",
            "city": "Lyon",
            "tags": ["VIP", "Salon 2025"],
        }
    ).client
    client.id = 3
    client.notes = [Note("2026-01-02T03:04:05+00:00", "x" * 200)]
    card = client_to_vcard(client)
    lines = card.split("\r\n")
    assert lines[0] == "BEGIN:VCARD" and lines[1] == "VERSION:4.0"
    assert "FN:Éléonore Dupré" in lines
    assert "N:Dupré;Éléonore;;;" in lines
    assert "KIND:individual" in lines
    assert "TEL;VALUE=uri;TYPE=voice:tel:+33612345678" in lines
    assert "ADR;TYPE=work:;;3 place Bellecour\\; bât. A;Lyon;;69002;France" in lines
    assert "CATEGORIES:VIP,Salon 2025" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long note was folded
    assert card.endswith("END:VCARD\r\n")
    unfolded = card.replace("\r\n ", "")
    assert "x" * 200 in unfolded


def test_vcard_business() -> None:
    client = build_client({"name": "ACME SAS", "siret": "73282932000074"}).client
    card = client_to_vcard(client)
    assert "KIND:org" in card and "ORG:ACME SAS" in card and "SIRET 73282932000074" in card


def test_amount_discount_keeps_cents() -> None:
    client = build_client({"name": "X", "discount": "12,5"}).client
    assert client.discount is not None and client.discount.value == Decimal("12.50")
    out = io.StringIO()
    write_csv(cells_of_clients([client]), out)
    assert ",12.50," in out.getvalue()
