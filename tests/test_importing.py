"""Import in the core: cells, headers, repairs, duplicates, merge, transactions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newbi_clients import validation as v
from newbi_clients.builder import build_client
from newbi_clients.errors import ImportRejected
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore
from newbi_clients.transfer.apply import Importer
from newbi_clients.transfer.cells import parse_notes, row_to_raw
from newbi_clients.transfer.insert import FTS_HASH_BYTES, INSERT_CLIENTS
from newbi_clients.transfer.mapping import map_headers
from newbi_clients.transfer.merges import ImportMerges
from newbi_clients.transfer.read import cell_text, sniff_delimiter

HEADER = "Type;Nom;Prénom;Email;Téléphone;Adresse;Code postal;Ville;SIRET;Tags;Notes"


def write(tmp_path: Path, text: str, name: str = "clients.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(store: ClientStore, path: Path, on_duplicate: str = "skip", **options: str):  # type: ignore[no-untyped-def]
    importer = Importer(store, path, **options)
    plan = importer.prepare()
    return plan, importer.apply(plan, on_duplicate)


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (73282932000074.0, None, "73282932000074"),
        (1000.0, None, "1000"),
        (612345678, None, "612345678"),
        (0.05, "percent", "5%"),
        (0.055, "percent", "5.5%"),
        (1.0, "percent", "100%"),
        (12.5, None, "12.5"),
        (-3.0, None, "-3"),
        (True, None, "oui"),
        (dt.date(2024, 3, 15), None, "2024-03-15"),
        (dt.datetime(2024, 3, 15, 0, 0), None, "2024-03-15"),
        (dt.datetime(2024, 3, 15, 9, 30), None, "2024-03-15T09:30:00"),
        (None, None, ""),
        ("texte", None, "texte"),
    ],
)
def test_cell_text(value: object, fmt: str | None, text: str) -> None:
    assert cell_text(value, fmt) == text


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("Nom;Email;Adresse\nA;a@x.fr;1 rue\n", ";"),
        ("Nom,Email,Adresse\nA,a@x.fr,1 rue\n", ","),
        ("Nom\tEmail\tAdresse\nA\ta@x.fr\t1 rue\n", "\t"),
        ('Nom;Notes\n"Dupont, Jean";"a, b, c"\n', ";"),
    ],
)
def test_sniff_delimiter(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample) == delimiter


def test_headers_in_french_or_english_any_case_accents_spacing() -> None:
    mapping = map_headers(
        [
            "RAISON SOCIALE",
            " e-mail ",
            "Adresse",
            "Code Postal",
            "CP livraison",
            "Téléphone",
            "Zip",
            "N° TVA",
            "Délai de paiement",
            "Inconnue",
        ]
    )
    assert mapping.columns[0] == "name"
    assert mapping.columns[1] == "email"
    assert mapping.columns[3] == "postal_code"
    assert mapping.columns[4] == "delivery_postal_code"
    assert mapping.columns[5] == "phone"
    assert mapping.columns[7] == "vat_number"
    assert mapping.repeated == ["Zip"]
    assert mapping.unknown == ["Inconnue"]
    assert mapping.label("email") == " e-mail "


def test_a_header_without_a_name_column_is_refused_with_a_map_example() -> None:
    with pytest.raises(ImportRejected) as info:
        map_headers(["Libellé", "Ville", "Téléphone"])
    assert "Aucune colonne ne donne le nom" in info.value.message
    assert "« Ville »" in info.value.message and "--map 'Raison sociale=name'" in info.value.message
    assert map_headers(["Nom", "Ville"]).columns == {0: "name", 1: "city"}


def test_organisation_and_person_whichever_column_comes_first() -> None:
    for header, cells in (
        (["Société", "Nom", "Prénom", "Email"], ["ACME SAS", "Martin", "Jeanne", "j@acme.fr"]),
        (["Prénom", "Nom", "Email", "Société"], ["Jeanne", "Martin", "j@acme.fr", "ACME SAS"]),
    ):
        raw = row_to_raw(cells, map_headers(header))
        assert (raw["name"], raw["first_name"], raw["kind"]) == ("ACME SAS", None, "professionnel")
        assert raw["contacts"][0]["first_name"] == "Jeanne"
        assert raw["contacts"][0]["last_name"] == "Martin"
        assert raw["contacts"][0]["email"] == "j@acme.fr"


def test_several_columns_feed_one_field_in_priority_order() -> None:
    mapping = map_headers(["Nom", "Portable", "Téléphone", "Email", "Courriel"])
    raw = row_to_raw(["Dupré", "06 12 34 56 78", "", "a@x.fr", "b@x.fr"], mapping)
    assert raw["phone"] == "06 12 34 56 78"
    raw = row_to_raw(["Dupré", "06 12 34 56 78", "01 42 00 00 00", "a@x.fr", "b@x.fr"], mapping)
    assert raw["phone"] == "01 42 00 00 00"  # the landline column first, the mobile kept
    assert raw["email"] == "a@x.fr"
    assert raw["extra_notes"] == ["Autres emails : b@x.fr", "Autres téléphones : 06 12 34 56 78"]


def test_repairs_of_spreadsheet_damage() -> None:
    mapping = map_headers(["Nom", "Email", "Adresse", "Code postal", "Téléphone", "SIRET", "Ville"])
    raw = row_to_raw(["X", "", "1 rue", "1000", "612345678", "100000900017", "Bourg"], mapping)
    assert raw["postal_code"] == "01000"
    assert raw["phone"] == "0612345678"
    assert raw["siret"] == "00100000900017"  # two zeros lost, given back: the checksum holds
    raw = row_to_raw(["X", "", "1 rue", "", "", "3282932000074", ""], mapping)
    assert raw["siret"] == "3282932000074"  # padded it would not check: left to be refused
    raw = row_to_raw(["X", "", "12 rue de la Paix, 75002 Paris", "", "", "732829320", ""], mapping)
    assert (raw["address"], raw["postal_code"], raw["city"]) == (
        "12 rue de la Paix",
        "75002",
        "Paris",
    )
    assert raw["siren"] == "732829320" and raw["siret"] is None


def test_exported_formula_escape_is_removed() -> None:
    mapping = map_headers(["Nom", "Email", "Adresse"])
    assert row_to_raw(["'=1+2", "", ""], mapping)["name"] == "=1+2"
    assert row_to_raw(["'Ok", "", ""], mapping)["name"] == "'Ok"


def test_parse_notes() -> None:
    stamp = "2026-11-27T10:00:00+00:00"
    assert parse_notes("Simple note", stamp) == [(stamp, "Simple note")]
    cell = "[2024-01-02T03:04:05+00:00] Un\nsuite\n[2024-02-03T00:00:00+00:00] Deux"
    assert parse_notes(cell, stamp) == [
        ("2024-01-02T03:04:05+00:00", "Un\nsuite"),
        ("2024-02-03T00:00:00+00:00", "Deux"),
    ]
    assert parse_notes("  ", stamp) == []


def test_import_creates_clients_with_tags_notes_and_audit(
    store: ClientStore, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "\n"
                 "professionnel;ACME SAS;;contact@acme.fr;0142000000;1 rue;75002;Paris;73282932000074;VIP, Salon;Premier contact\n"
                 "particulier;Dupré;Éléonore;eleonore@exemple.fr;;3 place;69002;Lyon;;vip;\n")  # fmt: skip
    plan, report = run(store, path)
    assert (plan.rows, plan.valid, report.created, report.rejected) == (2, 2, 2, 0)
    acme = store.resolve("acme")
    assert acme.tags == ["Salon", "VIP"] and [n.text for n in acme.notes] == ["Premier contact"]
    assert store.resolve("eleonore").tags == ["VIP"]
    assert store.audit_log(acme.id or 0)[0]["action"] == "import"
    again = build_client({"name": "Après", "email": "apres@x.fr"}).client
    assert (store.add(again).id or 0) > (acme.id or 0)  # ids continue after an import


def test_rejected_rows_are_listed_with_row_and_column(store: ClientStore, tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "\n"
                 ";;;x@x.fr;;;;;;;\n"
                 "\n"  # an empty line keeps the spreadsheet's numbering
                 "particulier;Bon;;bon@x.fr;;;;;;;\n"
                 "particulier;Mauvais;;mauvais@;;;1000A;;123;;\n")  # fmt: skip
    plan, report = run(store, path)
    assert report.created == 1 and report.rejected == 2
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {(2, "Nom"), (5, "Email"), (5, "Code postal"), (5, "SIRET")}


@pytest.mark.parametrize(
    ("cell", "people", "refused"),
    [('[{"last_name": "Martin"}, {"email": "a@b.fr"}]', ["Martin", None], []),
     ('{"last_name": "Martin"}', ["Martin"], []), ("null", [], []), ("", [], []),
     ("Jeanne Martin", None, ["Jeanne Martin"]), ("[1, [2]]", None, ["1", "[2]"])],
)  # fmt: skip
def test_a_column_mapped_to_contacts_holds_json_people(
    cell: str, people: list[str | None] | None, refused: list[str]
) -> None:
    """--map 'Gens=contacts' (the vCard reader's column): objects are people; anything
    else refuses the row, naming the column, and never stops the import."""
    from newbi_clients.transfer.validate import validate_chunk

    headers = map_headers(["Nom", "Gens"], None, {"Nom": "name", "Gens": "contacts"}, {})
    done = validate_chunk([(2, ["ACME", cell])], headers, "2026-01-02T03:04:05+00:00")
    assert [(e.column, e.value) for e in done.errors] == [("Gens", v) for v in refused]
    assert done.valid == (people is not None)
    if people is not None:
        row = {**row_to_raw(["ACME", cell], headers), "name": "ACME"}
        built = build_client(row).client
        assert [c.last_name for c in built.contacts] == people


def test_duplicates_in_file_and_book(store: ClientStore, tmp_path: Path) -> None:
    store.add(build_client({"name": "Existant", "email": "exist@x.fr"}).client)
    path = write(tmp_path, HEADER + "\n"
                 "particulier;Nouveau;;new@x.fr;;;;;;;\n"
                 "particulier;Copie;;NEW@X.FR;;;;;;;\n"
                 "particulier;Existant bis;;Exist@X.fr;;;;;;;\n"
                 "professionnel;A;;;;;;;732 829 320 00074;;\n"
                 "professionnel;B;;;;;;;73282932000074;;\n")  # fmt: skip
    plan, report = run(store, path)
    dups = {(d.row, d.field, d.existing_id, d.existing_row) for d in plan.duplicates}
    assert dups == {(3, "email", None, 2), (4, "email", 1, None), (6, "siret", None, 5)}
    assert report.created == 2 and report.skipped == 3
    assert store.count(ClientQuery()) == 3


def test_on_duplicate_create(store: ClientStore, tmp_path: Path) -> None:
    path = write(
        tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;;\nparticulier;B;;A@x.fr;;;;;;;\n"
    )
    _, report = run(store, path, "create")
    assert report.created == 2 and store.count(ClientQuery()) == 2


def test_on_duplicate_merge_fills_and_never_overwrites(store: ClientStore, tmp_path: Path) -> None:
    existing = store.add(
        build_client({"name": "Dupont", "email": "jean@x.fr", "phone": "0612345678",
                      "tags": "VIP"}).client, note="ancienne note",
    )  # fmt: skip
    path = write(tmp_path, HEADER + "\n"
                 "particulier;Dupont;Jean;JEAN@x.fr;0698765432;5 rue Neuve;75002;Paris;;Relance;Nouvelle note\n")  # fmt: skip
    _plan, report = run(store, path, "merge")
    assert report.merged == 1 and report.created == 0
    client = store.get(existing.id or 0)
    assert client.phone == "+33612345678"  # kept
    assert client.first_name == "Jean"  # filled
    assert client.billing_address is not None and client.billing_address.city == "Paris"
    assert client.tags == ["Relance", "VIP"]
    texts = [n.text for n in client.notes]
    assert texts[0] == "ancienne note" and "Nouvelle note" in texts
    assert any("06 98 76 54 32" in t and "ligne 2" in t for t in texts)  # the losing value
    assert store.audit_log(existing.id or 0)[-1]["action"] == "import_merge"


def test_within_file_duplicate_merges_into_the_row_created_earlier(
    store: ClientStore, tmp_path: Path
) -> None:
    path = write(tmp_path, HEADER + "\n"
                 "particulier;Martin;;m@x.fr;;;;;;;\n"
                 "particulier;Martin;Paul;M@X.FR;;;;;;Newsletter;\n")  # fmt: skip
    _, report = run(store, path, "merge")
    assert report.created == 1 and report.merged == 1
    client = store.resolve("m@x.fr")
    assert client.first_name == "Paul" and client.tags == ["Newsletter"]


def test_cp1252_and_announcements(store: ClientStore, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Nom;Email;Adresse;Notes\nLefèvre;f@x.fr;1 rue;Payé 10 € œuvre\n",
        encoding="cp1252",
    )
    plan, _report = run(store, path)
    assert plan.table.encoding == "cp1252"
    assert any("Windows-1252" in n for n in plan.table.notices)
    client = store.resolve("lefevre")
    assert client.name == "Lefèvre" and client.notes[0].text == "Payé 10 € œuvre"


def test_forced_encoding_that_does_not_fit_is_an_error(store: ClientStore, tmp_path: Path) -> None:
    path = write(tmp_path, "Nom;Email;Adresse\nLefèvre;f@x.fr;1 rue\n", encoding="cp1252")
    with pytest.raises(ImportRejected, match="--encoding"):
        Importer(store, path, encoding="utf-8").prepare()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("clients.pdf", b"%PDF-1.4", "non pris en charge"),
        ("clients.ods", b"PK", "non pris en charge"),
        ("vide.csv", b"", "vide"),
        ("blancs.csv", b"\n\n  \n", "vide"),
        ("entete.csv", b"Nom;Email;Adresse\n", "aucune ligne"),
        ("faux.xlsx", b"pas un zip", "corrompu"),
        ("binaire.csv", bytes(range(256)) * 8, "binaire"),
    ],
)
def test_bad_files_are_refused_clearly(
    store: ClientStore, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRejected, match=message):
        Importer(store, path).prepare()


def test_interrupted_apply_leaves_nothing(
    store: ClientStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;VIP;n\nparticulier;B;;a@x.fr;;;;;;;\n"
    )
    importer = Importer(store, path)
    plan = importer.prepare()

    def boom(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ImportMerges, "merge_row", boom)
    with pytest.raises(KeyboardInterrupt):
        importer.apply(plan, "merge")
    assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM tags").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_large_file_is_validated_in_parallel_with_the_same_result(
    store: ClientStore, tmp_path: Path
) -> None:
    lines = [HEADER]
    for i in range(5000):
        email = f"client{i}@exemple.fr" if i % 1000 else "bad@"
        lines.append(f"particulier;Nom{i};Prénom;{email};;{i} rue;75002;Paris;;;")
    path = write(tmp_path, "\n".join(lines) + "\n")
    plan, report = run(store, path)
    assert plan.rows == 5000 and report.rejected == 5 and report.created == 4995
    assert sorted(e.row for e in plan.errors) == [2, 1002, 2002, 3002, 4002]
    assert store.resolve("client4999@exemple.fr").name == "Nom4999"


def _import(store: ClientStore, path: Path, on_duplicate: str = "skip"):  # type: ignore[no-untyped-def]
    importer = Importer(store, path)
    plan = importer.prepare()
    return plan, importer.apply(plan, on_duplicate)


def test_rows_under_raison_sociale_or_with_a_legal_form_are_businesses(
    store: ClientStore, tmp_path: Path
) -> None:
    path = tmp_path / "societes.csv"
    path.write_text(
        "Raison sociale;Email;Adresse\nBoulangerie du Port;port@x.fr;1 quai\n", encoding="utf-8"
    )
    plan, _ = _import(store, path)
    assert plan.warnings == 1  # a business without SIRET: said
    assert store.resolve("port@x.fr").kind.value == "business"
    other = tmp_path / "noms.csv"
    other.write_text(
        "Nom;Email;Adresse;Type\nMartin SARL;m@x.fr;1 rue;\nDurand;d@x.fr;2 rue;\n"
        "Petit SAS;p@x.fr;3 rue;particulier\n",
        encoding="utf-8",
    )
    _import(store, other)
    assert store.resolve("m@x.fr").kind.value == "business"  # the legal form says so
    assert store.resolve("d@x.fr").kind.value == "individual"
    assert store.resolve("p@x.fr").kind.value == "individual"  # the Type column wins


def test_merge_keeps_no_default_or_guess_as_a_value_left_aside(
    store: ClientStore, tmp_path: Path
) -> None:
    existing = store.add(build_client({
        "name": "ACME", "kind": "business", "email": "contact@acme.fr", "terms_days": "45",
        "end_of_month": "oui", "currency": "USD",
    }).client)  # fmt: skip
    path = tmp_path / "maj.csv"
    path.write_text("Nom;Email;Adresse;Téléphone\nACME;contact@acme.fr;;01 42 00 00 00\n",
                    encoding="utf-8")  # fmt: skip
    _import(store, path, "merge")
    client = store.get(existing.id or 0)
    assert client.phone == "+33142000000"
    assert not client.notes  # no « Type : Particulier », « Délai : 30 », « Fin de mois : non »
    assert (client.kind.value, client.terms_days, client.end_of_month) == ("business", 45, True)


@pytest.mark.parametrize("writer", ["other connection", "same connection"])
def test_duplicates_found_again_when_the_book_changed_after_the_preview(
    store: ClientStore, db_path: Path, tmp_path: Path, writer: str
) -> None:
    path = write(
        tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;;\nparticulier;B;;b@x.fr;;;;;;;\n"
    )
    importer = Importer(store, path)
    plan = importer.prepare()
    assert plan.duplicates == []
    client = build_client({"name": "Déjà là", "email": "B@x.fr"}).client
    if writer == "other connection":
        with ClientStore(db_path) as other:
            other.add(client)
    else:
        store.add(client)
    report = importer.apply(plan, "skip")
    assert report.created == 1 and report.skipped == 1
    assert [(d.row, d.existing_name) for d in report.duplicates] == [(3, "Déjà là")]


def test_duplicates_not_classified_twice_when_nothing_changed(
    store: ClientStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;;\nparticulier;B;;a@x.fr;;;;;;;\n"
    )
    importer = Importer(store, path)
    plan = importer.prepare()
    report = importer.apply(plan, "skip")
    assert report.created == 1 and report.skipped == 1
    assert "reclassify" not in importer.times.seconds


def _indexes(store: ClientStore) -> set[tuple[str, str]]:
    return set(store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                                " AND tbl_name = 'clients' AND sql IS NOT NULL").fetchall())  # fmt: skip


def test_indexes_built_again_after_an_import_larger_than_the_book(
    store: ClientStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _indexes(store)
    assert len(before) >= 9
    path = write(
        tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;;\nparticulier;B;;b@x.fr;;;;;;;\n"
    )
    importer = Importer(store, path)
    plan = importer.prepare()

    def boom() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(importer, "_insert_tags_and_notes", boom)
    with pytest.raises(KeyboardInterrupt):
        importer.apply(plan)  # interrupted after the indexes were built again
    assert _indexes(store) == before
    assert store.db.execute("SELECT count(*) FROM clients").fetchone()[0] == 0
    monkeypatch.undo()
    importer = Importer(store, path)
    report = importer.apply(importer.prepare())
    assert report.created == 2 and "index" in importer.times.seconds
    assert _indexes(store) == before
    (plan_row,) = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM clients WHERE email_key = 'b@x.fr'"
    ).fetchall()
    assert "idx_clients_email_key" in plan_row[-1]
    assert store.resolve("b@x.fr").name == "B"


def test_indexes_updated_in_place_by_an_import_smaller_than_the_book(
    store: ClientStore, tmp_path: Path
) -> None:
    run(
        store,
        write(tmp_path, HEADER + "\nparticulier;A;;a@x.fr;;;;;;;\nparticulier;B;;b@x.fr;;;;;;;\n"),
    )
    importer = Importer(
        store, write(tmp_path, HEADER + "\nparticulier;C;;c@x.fr;;;;;;;\n", "c.csv")
    )
    report = importer.apply(importer.prepare())
    assert report.created == 1 and "index" not in importer.times.seconds
    assert store.resolve("c@x.fr").name == "C"


def test_search_index_flushed_in_larger_segments_stays_whole(
    store: ClientStore, tmp_path: Path
) -> None:
    names = [f"Durand{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(300)]
    rows = "".join(f"\nparticulier;{name};Éléonore;{name}@x.fr;;;;Lyon;;;" for name in names)
    run(store, write(tmp_path, HEADER + rows))
    (hash_bytes,) = store.db.execute(
        "SELECT v FROM clients_fts_config WHERE k = 'hashsize'"
    ).fetchone()
    assert hash_bytes == FTS_HASH_BYTES
    store.db.execute("INSERT INTO clients_fts (clients_fts) VALUES ('integrity-check')")
    found = list(store.iter_clients(ClientQuery(text="eleonore durandbc")))
    assert [c.name for c in found] == ["Durandbc"]
    assert len(list(store.iter_clients(ClientQuery(text="lyon")))) == 300


def test_new_clients_inserted_in_id_order_without_a_sort(
    store: ClientStore, tmp_path: Path
) -> None:
    importer = Importer(
        store,
        write(tmp_path, HEADER + "\nparticulier;B;;b@x.fr;;;;;;;\nparticulier;A;;a@x.fr;;;;;;;\n"),
    )
    plan = importer.prepare()
    steps = [
        row[-1] for row in store.db.execute("EXPLAIN QUERY PLAN " + INSERT_CLIENTS, ["", "", 0])
    ]
    # stage_ids read by its key (the file's row), which orders the new ids: no sort buffer
    assert not [s for s in steps if "TEMP B-TREE" in s], steps
    importer.apply(plan)
    rows = store.db.execute("SELECT id, name FROM clients ORDER BY id").fetchall()
    assert [name for _, name in rows] == ["B", "A"] and rows[0][0] < rows[1][0]


@pytest.mark.parametrize(
    "header",
    [
        ["Nom", "Prénom", "Raison sociale", "Email"],
        ["Raison sociale", "Nom", "Prénom", "Email"],
        ["Dénomination", "Nom", "Email"],
    ],
)
def test_a_company_column_beside_a_person_s_name_feeds_the_organization(
    header: list[str],
) -> None:
    # as « Société » would: the client is the company, the person its contact
    mapping = map_headers(header)
    company = header.index(next(h for h in header if h in ("Raison sociale", "Dénomination")))
    assert mapping.columns[company] == "organization"
    assert mapping.columns[header.index("Nom")] == "name"
    assert mapping.repeated == []


def test_two_person_name_columns_keep_the_first() -> None:
    mapping = map_headers(["Nom", "Name", "Email"])
    assert mapping.columns == {0: "name", 2: "email"} and mapping.repeated == ["Name"]


@pytest.mark.parametrize(
    ("cells", "siret", "phone"),
    [
        # every digit written: nothing lost, the identifier is written out
        (["ACME", "7.3282932000074E13", "6.12345678E8"], "73282932000074", "0612345678"),
        (["ACME", "7,3282932000074E+13", ""], "73282932000074", None),
        (["ACME", "7,32829320000740E+13", ""], "73282932000074", None),
        # thirteen digits: written out, then padded only if that makes a valid SIRET
        (["ACME", "1.234567800012E12", ""], "1234567800012", None),
        # digits lost: left as they are, for scientific_errors to refuse
        (["ACME", "7,32829E+13", "6.1E8"], "7,32829E+13", "6.1E8"),
    ],
)
def test_identifiers_in_scientific_notation_with_every_digit_are_written_out(
    cells: list[str], siret: str, phone: str | None
) -> None:
    raw = row_to_raw(cells, map_headers(["Nom", "SIRET", "Téléphone"]))
    assert (raw["siret"], raw.get("phone")) == (siret, phone)


def test_the_phone_of_a_row_s_person_is_repaired_like_the_client_s() -> None:
    # the company is the client and the person its contact: both hold the row's phone
    headers = map_headers(["Nom", "Prénom", "Raison sociale", "Téléphone"])
    for cell, phone in (("6,92123456E+08", "0692123456"), ("612345678", "0612345678")):
        raw = row_to_raw(["Dupont", "Jean", "Acme SAS", cell], headers)
        assert raw["phone"] == phone
        assert [c["phone"] for c in raw["contacts"]] == [phone]


def test_a_column_mapped_twice_to_different_fields_is_refused() -> None:
    from newbi_clients.transfer.mapping import parse_map

    assert parse_map(["Mél=email", "mél=email"]) == {"Mél": "email", "mél": "email"}
    with pytest.raises(ImportRejected, match="« Mél » est associée deux fois"):
        parse_map(["Mél=email", "Mél=notes"])


def test_a_phone_s_extension_is_kept_in_a_note(store: ClientStore, tmp_path: Path) -> None:
    # « poste 12 » after a number: the phone keeps the number, the extension a note
    path = tmp_path / "postes.csv"
    path.write_text(
        "Nom;Prénom;Téléphone;Contact prénom;Contact nom;Contact téléphone;Société\n"
        "Martin;Paul;01 23 45 67 89 poste 12;;;;\n"
        ";;01 40 00 00 00;Luc;Petit;01 40 00 00 01 ext. 7;ACME SAS\n",
        encoding="utf-8",
    )
    plan, report = _import(store, path)
    assert report.created == 2 and report.rejected == 0
    assert [text for _, text in plan.notices] == [
        "Poste 12 du téléphone 01 23 45 67 89 : gardé en note",
        "Poste 7 du téléphone 01 40 00 00 01 de Luc Petit : gardé en note",
    ]
    martin, acme = store.resolve("Martin"), store.resolve("ACME SAS")
    assert martin.phone == "+33123456789"
    assert [n.text for n in martin.notes] == ["Poste 12 du téléphone 01 23 45 67 89"]
    assert [c.phone for c in acme.contacts] == ["+33140000001"]
    assert [n.text for n in acme.notes] == ["Poste 7 du téléphone 01 40 00 00 01 de Luc Petit"]


def test_several_numbers_in_one_phone_cell(store: ClientStore, tmp_path: Path) -> None:
    # the first number is the phone, the others a note, as from columns of their own
    path = tmp_path / "telephones.csv"
    path.write_text(
        "Nom;Téléphone\n"
        "A;06 12 34 56 71 / 01 23 45 67 89\n"
        'B;"06 12 34 56 72, 01 23 45 67 88"\n'
        "C;06 12 34 56 73 - 01 23 45 67 87\n"
        'D;"06 12 34 56 74\n01 23 45 67 86"\n'
        "E;06-12-34-56-75\n"  # one number written with dashes
        "F;06 12 34 56 76 ou 01 23 45 67 85\n",
        encoding="utf-8",
    )
    _, report = _import(store, path)
    assert (report.created, report.rejected) == (6, 0)
    clients = store.iter_clients(ClientQuery(), with_notes=True)
    found = {c.name: (c.phone, [n.text for n in c.notes]) for c in clients}
    assert found == {
        "A": ("+33612345671", ["Autres téléphones : 01 23 45 67 89"]),
        "B": ("+33612345672", ["Autres téléphones : 01 23 45 67 88"]),
        "C": ("+33612345673", ["Autres téléphones : 01 23 45 67 87"]),
        "D": ("+33612345674", ["Autres téléphones : 01 23 45 67 86"]),
        "E": ("+33612345675", []),
        "F": ("+33612345676", ["Autres téléphones : 01 23 45 67 85"]),
    }


def test_a_foreign_phone_gives_an_address_without_country_its_country(
    store: ClientStore, tmp_path: Path
) -> None:
    # a spreadsheet without a Pays column: « 1201 » is Geneva's code, not 01201
    path = tmp_path / "sans-pays.csv"
    path.write_text(
        "Nom;Code postal;Ville;Téléphone\n"
        "Müller;1201;Genève;+41 22 123 45 67\n"
        "Dupont;1000;Bruxelles;+32 2 512 34 56\n"
        "Martin;1000;Bourg-en-Bresse;04 74 00 00 00\n",
        encoding="utf-8",
    )
    plan, report = _import(store, path)
    assert report.created == 3
    found = {
        c.name: (c.billing_address.postal_code, c.billing_address.country)
        for c in store.iter_clients(ClientQuery())
        if c.billing_address
    }
    assert found == {
        "Müller": ("1201", "CH"),
        "Dupont": ("1000", "BE"),
        "Martin": ("01000", "FR"),  # a French code that lost its zero
    }
    assert [row for row, text in plan.notices if text.startswith("Pays déduit")] == [2, 3]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Numéro de TVA intracommunautaire", "vat_number"),
        ("N° TVA intracommunautaire", "vat_number"),
        ("N° TVA intracom", "vat_number"),
        ("Code TVA", "vat_number"),
        ("Tax Registration Number", "vat_number"),
        ("Téléphone fixe", "phone"),
        ("Fixe", "phone"),
        ("GSM", "mobile"),
        ("Tél. portable", "mobile"),
        ("Numéro de téléphone portable", "mobile"),
        ("Adresse ligne 1", "address"),
        ("Adresse postale", "address"),
        ("Mailing Street", "address"),
        ("Billing Code", "postal_code"),
        ("Mailing Zip/Postal Code", "postal_code"),
        ("Ville de facturation", "city"),
        ("Pays/Région", "country"),
        ("Délai de paiement (jours)", "terms_days"),
        ("Conditions de règlement", "terms_days"),
        ("Account Name", "organization"),
        ("EmailID", "email"),
        ("Intitulé du poste", "contact_position"),
    ],
)
def test_headers_of_french_files_and_other_crms(header: str, field: str) -> None:
    # headers met in French spreadsheets and in HubSpot (French UI), Salesforce, Zoho exports
    from newbi_clients.transfer.mapping import HEADER_FIELDS

    assert HEADER_FIELDS[v.match_key(header)] == field


def test_a_salesforce_contact_report_gives_the_account_and_its_person(
    store: ClientStore, tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "Contact ID,First Name,Last Name,Account Name,Mailing Street,Mailing City,"
        "Mailing Zip/Postal Code,Mailing Country,Phone,Email\n"
        "0035e00000AbCdE,Marc,Leroy,Leroy Industries SAS,5 rue Y,Nantes,44000,France,"
        "02 40 00 00 00,marc@leroy.fr\n",
        encoding="utf-8",
    )
    _, report = _import(store, path)
    assert report.created == 1
    leroy = store.resolve("Leroy Industries")
    assert leroy.kind.value == "business"
    assert leroy.billing_address is not None
    assert (leroy.billing_address.city, leroy.billing_address.postal_code) == ("Nantes", "44000")
    assert [(c.first_name, c.last_name) for c in leroy.contacts] == [("Marc", "Leroy")]
