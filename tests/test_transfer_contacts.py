"""Import and export of contacts and custom fields: core and CLI, round trips."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl

from newbi_clients.builder import build_client
from newbi_clients.contacts import add_contact, build_contact
from newbi_clients.customfields import define_field
from newbi_clients.errors import ValidationFailed
from newbi_clients.search import ClientQuery
from newbi_clients.storage import ClientStore, resolve_db_path
from newbi_clients.transfer.apply import Importer
from newbi_clients.transfer.export import CONTACT_COLUMNS, TEMPLATE_COLUMNS
from newbi_clients.transfer.vcardwrite import write_vcard

HEADER = "Type;Nom;Email;Adresse;Contact prénom;Contact nom;Fonction;Contact email;Contact téléphone;Origine;Capital"


def _import(store: ClientStore, path: Path, on_duplicate: str = "skip") -> Any:
    importer = Importer(store, path)
    plan = importer.prepare()
    return plan, importer.apply(plan, on_duplicate)


def _fields(store: ClientStore) -> None:
    define_field(store, "Origine", "choice", ["Salon", "Site"])
    define_field(store, "Capital", "number")


def test_build_client_takes_contacts_and_field_values(store: ClientStore) -> None:
    _fields(store)
    from newbi_clients.customfields import field_defs

    raw = {
        "name": "ACME", "kind": "professionnel", "country": "DE",
        "contacts": [{"first_name": "Anna", "phone": "030 1234567"}],
        "contact_first_name": "Claire", "contact_email": "claire@acme.fr",
        "fields": {"origine": "site", "Capital": "1 000,5"},
    }  # fmt: skip
    client = build_client(raw, None, field_defs(store)).client
    assert [(c.first_name, c.phone, c.primary) for c in client.contacts] == [
        ("Anna", "+49301234567", True),
        ("Claire", None, False),
    ]
    assert client.fields == {"Capital": "1000.5", "Origine": "Site"}
    try:
        build_client({"name": "X", "contact_email": "non", "fields": {"Taille": "3"}})
    except ValidationFailed as exc:
        assert [(e.field, e.key) for e in exc.errors] == [
            ("contacts.email", "contact_email"),
            ("fields.Taille", None),
        ]
    else:
        raise AssertionError("refused")


def test_import_makes_contacts_and_fills_fields(store: ClientStore, tmp_path: Path) -> None:
    _fields(store)
    path = tmp_path / "in.csv"
    path.write_text(
        f"{HEADER}\n"
        "professionnel;ACME SAS;contact@acme.fr;1 rue;Claire;Martin;Acheteuse;"
        "claire@acme.fr;06 12 34 56 78;salon;12 500,50\n"
        "professionnel;Beta;info@beta.fr;2 rue;;;;;;;\n"
        "professionnel;Gamma;g@x.fr;3 rue;Paul;;;pas-un-email;;Radio;x\n",
        encoding="utf-8",
    )
    plan, report = _import(store, path)
    assert report.created == 2
    assert sorted((e.row, e.column) for e in plan.errors) == [
        (4, "Capital"), (4, "Contact email"), (4, "Origine"),
    ]  # fmt: skip
    acme = store.resolve("claire@acme.fr")
    assert acme.name == "ACME SAS"
    assert [(c.display_name, c.position, c.phone, c.primary) for c in acme.contacts] == [
        ("Claire Martin", "Acheteuse", "+33612345678", True)
    ]
    assert acme.fields == {"Capital": "12500.5", "Origine": "Salon"}
    assert store.resolve("beta").contacts == []
    assert [c.id for c in store.iter_clients(ClientQuery(text="martin"))] == [acme.id]


def test_import_merge_adds_the_row_contact_to_the_existing_client(
    store: ClientStore, tmp_path: Path
) -> None:
    _fields(store)
    existing = store.add(build_client({"name": "ACME SAS", "email": "contact@acme.fr"}).client)
    add_contact(store, existing, build_contact({"first_name": "Paul", "email": "p@acme.fr"}))
    path = tmp_path / "in.csv"
    path.write_text(
        f"{HEADER}\nprofessionnel;ACME SAS;contact@acme.fr;1 rue;Claire;Martin;;c@acme.fr;;Site;\n",
        encoding="utf-8",
    )
    _, report = _import(store, path, "merge")
    assert report.merged == 1
    client = store.get(existing.id or 0)
    assert [(c.first_name, c.primary) for c in client.contacts] == [
        ("Paul", True),
        ("Claire", False),
    ]
    assert client.fields == {"Origine": "Site"}


def test_export_import_round_trip_with_contacts_and_fields(cli, tmp_path: Path) -> None:
    cli("field", "define", "Origine", "--type", "choice", "--choices", "Salon,Site")
    cli("field", "define", "Depuis", "--type", "date")
    acme = cli("add", "--kind", "professionnel", "--name", "ACME SAS", "--email", "a@acme.fr",
               "--field", "Origine=Salon", "--field", "Depuis=01/02/2020", "--no-input"
               ).stdout.strip()  # fmt: skip
    cli("contact", "add", acme, "--first-name", "Claire", "--last-name", "Martin",
        "--position", "=Acheteuse", "--department", "Achats", "--email", "c@acme.fr",
        "--phone", "+32 2 512 34 56")  # fmt: skip
    cli("contact", "add", acme, "--first-name", "Paul", "--email", "p@acme.fr")
    cli("add", "--name", "Dupont", "--first-name", "Éléonore", "--no-input")
    exported = cli("export").stdout
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == [*TEMPLATE_COLUMNS, "Depuis", "Origine"]
    assert rows[0][-8:-2] == list(CONTACT_COLUMNS)
    # one row per client, with its primary contact; the formula-like position escaped
    assert rows[1][-8:] == ["Claire", "Martin", "'=Acheteuse", "Achats", "c@acme.fr",
                            "+3225123456", "2020-02-01", "Salon"]  # fmt: skip
    assert rows[2][-8:] == [""] * 8
    data = json.loads(cli("export", "--format", "json").stdout)
    assert [c["first_name"] for c in data[0]["contacts"]] == ["Claire", "Paul"]
    xlsx = tmp_path / "e.xlsx"
    cli("export", "-o", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    assert [c.value for c in sheet[1]][-2:] == ["Depuis", "Origine"]
    assert [c.value for c in sheet[2]][-8:-6] == ["Claire", "Martin"]
    # into another book with the same fields: the same export comes back
    source = tmp_path / "e.csv"
    source.write_text(exported, encoding="utf-8")
    other = str(tmp_path / "other.db")
    cli("--db", other, "field", "define", "Origine", "--type", "choice", "--choices", "Salon,Site")
    cli("--db", other, "field", "define", "Depuis", "--type", "date")
    cli("--db", other, "import", str(source), "--yes")
    assert cli("--db", other, "export").stdout == exported
    with ClientStore(resolve_db_path(other)) as store:
        assert store.get(1).contacts[0].position == "=Acheteuse"


def test_vcard_gives_each_contact_its_own_card(store: ClientStore) -> None:
    acme = store.add(build_client({"name": "ACME SAS", "kind": "professionnel"}).client)
    add_contact(store, acme, build_contact(
        {"first_name": "Claire", "last_name": "Martin", "position": "Acheteuse",
         "department": "Achats", "email": "c@acme.fr", "phone": "06 12 34 56 78"}
    ))  # fmt: skip
    out = io.StringIO()
    assert write_vcard(store.iter_clients(ClientQuery()), out) == 1
    cards = out.getvalue().split("END:VCARD\r\n")[:-1]
    assert len(cards) == 2
    person = cards[1].split("\r\n")
    for line in ("KIND:individual", "FN:Claire Martin", "N:Martin;Claire;;;",
                 "ORG:ACME SAS;Achats", "TITLE:Acheteuse", "EMAIL;TYPE=work:c@acme.fr",
                 "TEL;VALUE=uri;TYPE=work,voice:tel:+33612345678",
                 f"RELATED:urn:newbi-clients:client:{acme.id}"):  # fmt: skip
        assert line in person
    assert f"UID:urn:newbi-clients:client:{acme.id}" in cards[0]


def test_import_finds_duplicates_by_contact_emails(store: ClientStore, tmp_path: Path) -> None:
    acme = store.add(build_client({"name": "ACME SAS", "email": "contact@acme.fr"}).client)
    add_contact(store, acme, build_contact({"first_name": "Claire", "email": "claire@acme.fr"}))
    path = tmp_path / "in.csv"
    path.write_text(
        "Nom;Email;Adresse;Contact prénom;Contact email\n"
        "ACME Lyon;claire@acme.fr;;;\n"  # 2: its email is a contact's of ACME
        "Beta;info@beta.fr;;Jean;CONTACT@acme.fr\n"  # 3: its contact's email is ACME's
        "Gamma;g@x.fr;;Zoé;zoe@x.fr\n"  # 4: new
        "Delta;zoe@x.fr;;;\n"  # 5: its email is the contact's of row 4
        "Epsilon;e@x.fr;;Zoé;ZOE@x.fr\n",  # 6: its contact is row 4's contact
        encoding="utf-8",
    )
    plan, report = _import(store, path)
    found = [(d.row, d.field, d.value, d.existing_id, d.existing_row) for d in plan.duplicates]
    assert found == [
        (2, "email", "claire@acme.fr", acme.id, None),
        (3, "contact_email", "CONTACT@acme.fr", acme.id, None),
        (5, "email", "zoe@x.fr", None, 4),
        (6, "contact_email", "ZOE@x.fr", None, 5),  # row 5 holds it as its email
    ]
    assert (report.created, report.skipped) == (1, 4)


MIGRATION = Path(__file__).parent / "data" / "migration"


def odoo_company_and_person(tmp_path: Path) -> Path:
    # Odoo's res.partner export: a company, then its contact, whose row carries the
    # company's address copied and the person's own email and mobile
    header = (MIGRATION / "odoo.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "res.partner.csv"
    path.write_text(
        header + "\n"
        "__export__.res_partner_9,Atelier Roux,Company,True,,10 quai des Chartrons,,33000,"
        "Bordeaux,France,contact@atelier-roux.fr,05 56 00 00 00,,,\n"
        '__export__.res_partner_10,"Atelier Roux, Jeanne Roux",Individual,False,Atelier Roux,'
        "10 quai des Chartrons,,33000,Bordeaux,France,jeanne@atelier-roux.fr,,06 10 20 30 40,,\n",
        encoding="utf-8",
    )
    return path


def test_skip_adds_the_person_of_a_company_s_contact_row(
    store: ClientStore, tmp_path: Path
) -> None:
    path = odoo_company_and_person(tmp_path)
    plan, report = _import(store, path)  # skip, the default
    assert plan.people == 1
    assert (report.created, report.skipped, report.contacts_added) == (1, 0, 1)
    (atelier,) = store.iter_clients(ClientQuery())
    assert (atelier.email, atelier.phone) == ("contact@atelier-roux.fr", "+33556000000")
    assert [(c.first_name, c.last_name, c.email, c.phone) for c in atelier.contacts] == [
        (None, "Jeanne Roux", "jeanne@atelier-roux.fr", "+33610203040")  # Odoo's one name
    ]
    assert store.audit_log(atelier.id or 0)[-1]["action"] == "contact_add"
    # the same file again: the company and its person are there, nothing is added
    plan, report = _import(store, path)
    assert (report.created, report.skipped, report.contacts_added) == (0, 2, 0)
    assert len(store.get(atelier.id or 0).contacts) == 1


def test_skip_adds_contacts_export_persons_to_the_book_s_companies(cli, tmp_path: Path) -> None:
    # Dolibarr exports third parties and contacts apart: the contacts file, imported
    # after the companies, gives each company its persons (with skip, the default)
    cli("add", "--kind", "professionnel", "--name", "Cabinet Lambert", "--address",
        "1 quai Rambaud", "--postal-code", "69002", "--city", "Lyon", "--country", "FR",
        "--email", "accueil@cabinet-lambert.fr", "--no-input")  # fmt: skip
    report = json.loads(
        cli(
            "import", str(MIGRATION / "dolibarr-contacts.csv"), "--profile", "dolibarr-contacts",
            "--format", "json",
        ).stdout
    )  # fmt: skip
    assert (report["created"], report["skipped"], report["contacts_added"]) == (0, 0, 1)
    (company,) = cli.json("list")
    assert company["email"] == "accueil@cabinet-lambert.fr"
    persons = cli.json("show", str(company["id"]))["contacts"]
    assert [(p["first_name"], p["last_name"], p["position"], p["email"]) for p in persons] == [
        ("Claire", "Lambert", "Comptable", "claire.lambert@cabinet-lambert.fr")
    ]
    # the same file again: the person is known by her email, nothing would be added
    again = cli("import", str(MIGRATION / "dolibarr-contacts.csv"), "--profile",
                "dolibarr-contacts", "--dry-run", "--format", "json")  # fmt: skip
    report = json.loads(again.stdout)
    assert (report["skipped"], report["contacts_added"]) == (1, 0)
    assert report["duplicates"][0]["field"] == "email"  # her email, a contact's now


def test_two_persons_of_one_company_in_google_both_become_its_contacts(cli, tmp_path: Path) -> None:
    header = (MIGRATION / "google.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    rows = [
        {"First Name": "Paul", "Last Name": "Durand", "Organization Name": "Garage Durand",
         "E-mail 1 - Value": "paul@garage-durand.fr"},
        {"First Name": "Lucie", "Last Name": "Durand", "Organization Name": "Garage Durand",
         "E-mail 1 - Value": "lucie@garage-durand.fr"},
    ]  # fmt: skip
    path = tmp_path / "contacts.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    result = cli("import", str(path))
    assert "Contacts ajoutés à leur société" in result.stdout
    (garage,) = cli.json("list")
    assert garage["name"] == "Garage Durand"
    persons = cli.json("show", str(garage["id"]))["contacts"]
    assert [(p["first_name"], p["email"], p["primary"]) for p in persons] == [
        ("Paul", "paul@garage-durand.fr", True),
        ("Lucie", "lucie@garage-durand.fr", False),
    ]
