"""Real files written by LibreOffice Calc (see tests/data/MANIFEST.md) import as users meant."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from newbi_clients.models import Client
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.apply import Importer

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parents[1] / "examples"

# The base rows of MANIFEST.md, as the user meant them (after normalisation).
BASE = {
    "contact@sgo-oeuvres.fr": dict(
        name="Société Générale d'Œuvres", kind="business", phone="+33612345678",
        postal_code="01000", city="Bourg-en-Bresse", country="FR", siret="73282932000074",
        vat="FR44732829320", terms=30, eom=False, method="virement", discount=("percent", "5"),
        sector="Industrie", segment="VIP", tags=["Salon 2025", "VIP"],
        notes=["Acompte de 1 500 € reçu le 2 février"], line2="Bâtiment C – 2e étage",
    ),
    "eleonore.dupre@exemple.fr": dict(
        name="Dupré", first_name="Éléonore", kind="individual", phone="+33142000000",
        postal_code="06000", city="Nice", country="FR", method="carte", segment="Régulier",
        tags=["Newsletter"], delivery=("12 chemin des Oliviers", "06100", "Nice", "FR"),
        notes=["Préfère être appelée le matin"],
    ),
    "francoise.lefevre@exemple.fr": dict(
        name="Lefèvre", first_name="Françoise", phone="+33698765432", postal_code="75005",
        method="cheque", discount=("amount", "50"), segment="Occasionnel", tags=["Relance"],
        notes=["Livraison le matin, avant 10 h\nDigicode : 4521B"], line2="Appartement 4B",
    ),
    "einkauf@mueller-maschinenbau.de": dict(
        name="Müller Maschinenbau GmbH", kind="business", phone="+49301234567",
        postal_code="10117", city="Berlin", country="DE", vat="DE136695976", terms=60,
        zone="Europe", regime="reverse_charge", tags=["Salon 2025"],
    ),
    None: dict(name="Martin", first_name="Jean-Pierre", phone="+33478000000",
               postal_code="69002", method="especes", notes=["Pas d'adresse e-mail, appeler"]),
    "compta@vandenberghe.be": dict(
        name="Atelier Van den Berghe SA", phone="+3225123456", postal_code="1040",
        country="BE", vat="BE0403170701", terms=45, eom=True, method="prelevement",
        tags=["Newsletter", "Relance"],
    ),
    "bonjour@techazur.fr": dict(
        name="Tech Azur SAS", siret="41234567000019", vat="FR96412345670", postal_code="06410",
        terms=30, eom=True, discount=("percent", "10"), sector="Tech",
        delivery=("15 rue des Artisans", "06560", "Valbonne", "FR"), line2="Les Templiers, bât. A",
    ),
    "devis@batiments-reunis.fr": dict(
        name="Bâtiments Réunis du Sud SARL", siret="52012345600011", postal_code="13002",
        terms=45, eom=True, method="cheque", discount=("amount", "12.5"), sector="BTP",
        notes=["Chantier « Les Calanques » – devis n° 2024-017"],
    ),
    "anais.coeur@exemple.fr": dict(name="Cœur", first_name="Anaïs", phone="+33756789012",
                                   postal_code="33000"),
    "secretariat@cabinet-napoleon.fr": dict(
        name="Cabinet Médical Napoléon", siret="81234567600017", postal_code="20000",
        city="Ajaccio", terms=15, sector="Santé", notes=["Pénalités de retard : indemnité de 40 €"],
    ),
}  # fmt: skip


def do_import(store: ClientStore, path: Path, on_duplicate: str = "skip", **options: Any):  # type: ignore[no-untyped-def]
    importer = Importer(store, path, **options)
    plan = importer.prepare()
    return importer, plan, importer.apply(plan, on_duplicate)


def by_email(store: ClientStore) -> dict[str | None, Client]:
    return {c.email: c for c in store.iter_clients(ClientQuery(), with_notes=True)}


def check(client: Client, expected: dict[str, Any]) -> None:
    address = client.billing_address
    assert address is not None
    checks = {
        "name": client.name, "first_name": client.first_name, "kind": client.kind.value,
        "phone": client.phone, "postal_code": address.postal_code, "city": address.city,
        "country": address.country, "siret": client.siret, "vat": client.vat_number,
        "terms": client.terms_days, "eom": client.end_of_month, "line2": address.line2,
        "method": client.payment_method.value if client.payment_method else None,
        "sector": client.sector, "segment": client.segment, "tags": client.tags,
    }  # fmt: skip
    for key, value in checks.items():
        if key in expected:
            assert value == expected[key], (client.name, key, value)
    if "discount" in expected:
        kind, amount = expected["discount"]
        assert client.discount is not None
        assert (client.discount.type, client.discount.value) == (kind, Decimal(amount))
    else:
        assert client.discount is None, client.name
    if "delivery" in expected:
        d = client.delivery_address
        assert d is not None and (d.line1, d.postal_code, d.city, d.country) == expected["delivery"]
    if "notes" in expected:
        assert [n.text for n in client.notes] == expected["notes"]


@pytest.mark.parametrize(
    "name",
    ["libreoffice.xlsx", "cp1252-semicolon.csv", "utf8-bom.csv", "tab.csv", "utf8-comma.csv"],
)
def test_spreadsheet_files_import_as_meant(store: ClientStore, name: str) -> None:
    _, plan, report = do_import(store, DATA / name)
    assert (report.created, report.merged, report.skipped, report.rejected) == (10, 0, 0, 0)
    assert plan.warnings == 0
    clients = by_email(store)
    assert set(clients) == set(BASE)
    for email, expected in BASE.items():
        check(clients[email], expected)


def test_encoding_and_delimiter_detection(store: ClientStore) -> None:
    expectations = {
        "cp1252-semicolon.csv": ("cp1252", ";"),
        "utf8-bom.csv": ("utf-8-sig", ";"),
        "tab.csv": ("utf-8", "\t"),
        "utf8-comma.csv": ("utf-8", ","),
    }
    for name, (encoding, delimiter) in expectations.items():
        plan = Importer(store, DATA / name).prepare()
        assert (plan.table.encoding, plan.table.delimiter) == (encoding, delimiter), name


def test_xlsx_unknown_column_and_reverse_charge(store: ClientStore) -> None:
    _, plan, _ = do_import(store, DATA / "libreoffice.xlsx")
    assert plan.headers.unknown == ["Date de création"]
    from newbi_clients.serialize import client_to_dict

    muller = client_to_dict(store.resolve("einkauf@mueller-maschinenbau.de"))
    assert muller["zone"] == "Europe" and muller["vat_regime"]["code"] == "reverse_charge"


def test_xlsx_second_sheet(store: ClientStore) -> None:
    _, plan, report = do_import(store, DATA / "libreoffice.xlsx", sheet="Prospects")
    assert report.created == 2 and plan.warnings == 1  # a French business without SIRET
    assert store.resolve("lucie.bernard@exemple.fr").billing_address.postal_code == "67000"  # type: ignore[union-attr]


def test_english_headers_country_names_and_address_extraction(store: ClientStore) -> None:
    _, plan, report = do_import(store, DATA / "english-headers.csv")
    assert report.created == 6 and plan.headers.unknown == ["Website"]
    clients = by_email(store)
    assert clients["info@schmidt-logistik.de"].country == "DE"
    assert clients["einkauf@mueller-maschinenbau.de"].country == "DE"
    rousseau = clients["helene.rousseau@exemple.fr"].billing_address
    assert rousseau is not None
    assert (rousseau.line1, rousseau.postal_code, rousseau.city) == (
        "12 rue de la Paix",
        "75002",
        "Paris",
    )


def test_english_file_after_base_file_finds_duplicates(store: ClientStore) -> None:
    do_import(store, DATA / "utf8-bom.csv")
    _, plan, report = do_import(store, DATA / "english-headers.csv")
    assert sorted(d.row for d in plan.duplicates) == [2, 3, 5, 7]
    assert report.created == 2 and report.skipped == 4


def test_address_only_extraction(store: ClientStore) -> None:
    do_import(store, DATA / "address-only.csv")
    clients = by_email(store)
    expected = {
        "paul.garnier@exemple.fr": ("12 rue de la Paix", "75002", "Paris"),
        "contact@sgo-oeuvres.fr": ("3 place Bernard", "01000", "Bourg-en-Bresse"),
        "eleonore.dupre@exemple.fr": ("5 rue Masséna", "06000", "NICE"),
        "contact@mairie-exemple.fr": ("1 place de la Comédie", "69205", "Lyon Cedex 01"),
        "francoise.lefevre@exemple.fr": ("27 boulevard Saint-Michel", None, None),
    }
    for email, (line1, postal_code, city) in expected.items():
        address = clients[email].billing_address
        assert address is not None
        assert (address.line1, address.postal_code, address.city) == (line1, postal_code, city)


def test_bad_rows_default(store: ClientStore) -> None:
    _, plan, report = do_import(store, DATA / "bad-rows.csv")
    assert (report.created, report.merged, report.skipped, report.rejected) == (1, 0, 1, 5)
    errors = {(e.row, e.column) for e in plan.errors}
    assert errors == {
        (3, "Nom"),
        (4, "Email"),
        (5, "SIRET"),
        (6, "SIRET"),
        (7, "Délai de paiement"),
    }
    messages = {e.row: e.message for e in plan.errors}
    assert messages[3] == "Nom ou raison sociale obligatoire"
    assert messages[6] == "SIRET invalide : le SIRET doit contenir exactement 14 chiffres"
    assert "60" in messages[7]
    assert [(d.row, d.existing_row) for d in plan.duplicates] == [(8, 2)]


def test_bad_rows_merge_and_create(store: ClientStore, tmp_path: Path) -> None:
    _, _, report = do_import(store, DATA / "bad-rows.csv", "merge")
    assert (report.created, report.merged) == (1, 1)
    jean = store.resolve("jean@exemple.fr")
    assert jean.phone == "+33611223344"
    texts = "\n".join(n.text for n in jean.notes)
    assert "Saisi deux fois" in texts and "06 11 22 33 45" in texts
    with ClientStore(tmp_path / "other.db") as other:
        _, _, report = do_import(other, DATA / "bad-rows.csv", "create")
        assert report.created == 2


def test_bad_rows_errors_file(store: ClientStore, tmp_path: Path) -> None:
    importer, plan, _ = do_import(store, DATA / "bad-rows.csv")
    target = tmp_path / "rejets.csv"
    assert importer.write_errors(plan, target) == 5
    rows = list(csv.reader(target.open(encoding="utf-8", newline=""), delimiter=";"))
    assert rows[0][-1] == "Motif du rejet" and rows[0][:-1] == plan.table.header
    assert len(rows) == 6 and all(r[-1] for r in rows[1:])


def test_xlsx_errors_file_is_xlsx(store: ClientStore, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Nom", "Email", "Adresse"])
    book.active.append(["", "x@x.fr", "1 rue"])
    book.active.append(["Bon", "bon@x.fr", "2 rue"])
    book.save(path)
    importer, plan, report = do_import(store, path)
    assert report.created == 1 and report.rejected == 1
    target = tmp_path / "rejets.xlsx"
    importer.write_errors(plan, target)
    sheet = openpyxl.load_workbook(target).active
    assert [c.value for c in sheet[1]] == ["Nom", "Email", "Adresse", "Motif du rejet"]
    assert sheet["B2"].value == "x@x.fr" and "Nom" in sheet["D2"].value


def test_hostile_cells_are_kept_as_text_and_neutralised_on_export(
    store: ClientStore, tmp_path: Path
) -> None:
    from newbi_clients.transfer.export import cells_of_store, write_csv

    _, _plan, report = do_import(store, DATA / "hostile.csv")
    assert report.created == 7 and report.rejected == 0
    clients = by_email(store)
    assert clients["alice@exemple.fr"].name == '=HYPERLINK("http://x","y")'
    assert clients["denis@exemple.fr"].name == "Tabulation"
    assert [n.text for n in clients["fabien.garnier@exemple.fr"].notes] == ["=1+2"]
    durand = next(c for c in clients.values() if c.name == "Durand")
    assert durand.phone == "+33612345678"
    export = tmp_path / "export.csv"
    with export.open("w", encoding="utf-8", newline="") as out:
        write_csv(cells_of_store(store, ClientQuery()), out)
    for row in csv.reader(export.open(encoding="utf-8", newline="")):
        for cell in row:
            assert not cell.startswith(("=", "@", "\t", "\r")), cell
            assert not (cell[:1] in "+-" and cell[1:2].isalpha()), cell
    with ClientStore(tmp_path / "again.db") as again:
        do_import(again, export, "create")
        assert sorted(c.name for c in again.iter_clients(ClientQuery())) == sorted(
            c.name for c in clients.values()
        )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted.xlsx", "mot de passe"),
        ("corrupted.xlsx", "corrompu"),
        ("empty.csv", "vide"),
        ("binary.csv", "binaire"),
        ("missing-columns.csv", "Colonnes obligatoires absentes : Email, Adresse"),
    ],
)
def test_unreadable_files(cli, db_path: Path, name: str, message: str) -> None:
    result = cli("import", str(DATA / name), code=1)
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    with ClientStore(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0


def test_examples_file(cli) -> None:
    report = json.loads(cli("import", str(EXAMPLES / "clients.xlsx"), "--format", "json").stdout)
    assert (report["created"], report["skipped"], report["rejected"]) == (980, 10, 10)
    assert len(cli.json("list")) == 980
