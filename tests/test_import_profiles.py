"""Import profiles: migrating from other tools, one file per exporter, built from its real header
(tests/data/migration, sources in tests/data/MANIFEST.md), read field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data" / "migration"


def imported(cli, name: str, *options: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The import report and the clients, by name, after importing a fixture."""
    return imported_path(cli, DATA / name, *options)


def imported_path(
    cli, path: Path, *options: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The import report and the clients, by name, after importing a file."""
    result = cli("import", str(path), "--format", "json", *options)
    clients = {c["name"]: c for c in cli.json("list", "--all")}
    return json.loads(result.stdout), clients


def note_texts(cli, client: dict[str, Any]) -> list[str]:
    return [n["text"] for n in cli.json("show", str(client["id"]))["notes"]]


def contacts(cli, client: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(first name, last name, position, email, phone, primary) of a client's contacts."""
    return [
        (c["first_name"], c["last_name"], c["position"], c["email"], c["phone"], c["primary"])
        for c in cli.json("show", str(client["id"]))["contacts"]
    ]


def test_google_contacts(cli) -> None:
    report, clients = imported(cli, "google.csv")
    assert report["created"] == 3
    atelier = clients["Atelier Martin SARL"]
    assert atelier["kind"] == "business" and atelier["first_name"] is None
    assert atelier["email"] == "jeanne@atelier-martin.fr"
    assert atelier["phone"] == "+33612345678"
    assert atelier["billing_address"]["postal_code"] == "75002"
    assert atelier["tags"] == ["Clients", "Paris"]  # « * myContacts » is not a tag
    assert contacts(cli, atelier) == [
        ("Jeanne", "Martin", "Gérante", "jeanne@atelier-martin.fr", "+33612345678", True)
    ]
    notes = note_texts(cli, atelier)
    assert "Autres emails : jeanne.martin@exemple.fr" in notes
    assert "Autres téléphones : 01 42 00 00 00" in notes
    dupre = clients["Dupré"]
    assert (dupre["kind"], dupre["first_name"]) == ("individual", "Éléonore")
    assert dupre["phone"] == "+262692123456"  # a Réunion mobile, client in Lyon
    assert dupre["billing_address"]["country"] == "FR" and dupre["tags"] == []
    muller = clients["Müller Maschinenbau GmbH"]
    assert muller["billing_address"]["country"] == "DE"
    assert muller["vat_regime"]["code"] == "eu_no_vat_number"
    assert muller["phone"] == "+49301234567"


def test_google_contacts_address_typed_as_free_text(cli) -> None:
    # Google keeps only « Address 1 - Formatted » when the address was typed in one field
    report, clients = imported(cli, "google-formatted.csv")
    assert report["created"] == 4 and report["rejected"] == 0
    roux = clients["Atelier Roux"]
    assert roux["kind"] == "business" and roux["email"] == "camille@atelier-roux.fr"
    assert roux["phone"] == "+33142600000" and roux["tags"] == ["Clients"]
    assert roux["billing_address"] == {
        "line1": "12 rue de la Paix", "line2": None, "postal_code": "75002", "city": "Paris",
        "country": "FR",
    }  # fmt: skip
    assert contacts(cli, roux) == [
        ("Camille", "Roux", None, "camille@atelier-roux.fr", "+33142600000", True)
    ]
    girard = clients["Girard"]  # a second line is the complement; no country line: France
    assert (girard["kind"], girard["first_name"]) == ("individual", "Léon")
    assert girard["billing_address"] == {
        "line1": "3 place Bellecour", "line2": "Bâtiment B", "postal_code": "69002",
        "city": "Lyon", "country": "FR",
    }  # fmt: skip
    schmidt = clients["Schmidt Werkzeuge GmbH"]  # « Allemagne » on the last line
    assert schmidt["billing_address"] == {
        "line1": "Friedrichstraße 40", "line2": None, "postal_code": "10117", "city": "Berlin",
        "country": "DE",
    }  # fmt: skip
    assert schmidt["vat_regime"]["code"] == "eu_no_vat_number"
    morel = clients["Morel"]  # the parts typed apart are read, as before
    assert morel["billing_address"] == {
        "line1": "8 rue Neuve", "line2": None, "postal_code": "44000", "city": "Nantes",
        "country": "FR",
    }  # fmt: skip


def test_a_formatted_address_does_not_override_its_parts(cli, tmp_path: Path) -> None:
    # a street typed apart: the other parts stay empty rather than taken from the text
    text = (DATA / "google-formatted.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    columns = header.split(",")
    row = [""] * len(columns)
    for key, value in {
        "First Name": "Inès", "Last Name": "Morel", "E-mail 1 - Value": "ines@exemple.fr",
        "Address 1 - Formatted": '"1 quai Rambaud\n69002 Lyon\nFrance"',
        "Address 1 - Street": "8 rue Neuve", "Address 1 - City": "Nantes",
    }.items():  # fmt: skip
        row[columns.index(key)] = value
    path = tmp_path / "contacts.csv"
    path.write_text(header + "\n" + ",".join(row) + "\n", encoding="utf-8")
    _, clients = imported_path(cli, path)
    assert clients["Morel"]["billing_address"] == {
        "line1": "8 rue Neuve", "line2": None, "postal_code": None, "city": "Nantes",
        "country": "FR",
    }  # fmt: skip


def test_a_map_completes_the_recognised_format(cli) -> None:
    # « Organization Department » is not read by the Google format: mapped to the
    # segment, the rest of the file is still read as Google writes it
    report, clients = imported(cli, "google.csv", "--map", "Organization Department=segment")
    assert report["created"] == 3
    atelier = clients["Atelier Martin SARL"]
    assert atelier["email"] == "jeanne@atelier-martin.fr"
    assert atelier["phone"] == "+33612345678"
    assert atelier["billing_address"]["city"] == "Paris"


def test_a_map_of_a_column_the_file_lacks_is_refused(cli) -> None:
    result = cli("import", str(DATA / "google.csv"), "--yes", "--map", "Surnom=segment", code=1)
    assert "--map : aucune colonne « Surnom » dans le fichier" in result.stderr
    assert cli.json("list", "--all") == []


def test_google_contacts_legacy(cli) -> None:
    _, clients = imported(cli, "google-legacy.csv")
    paul = clients["Lefèvre"]
    assert (paul["first_name"], paul["kind"]) == ("Paul", "individual")
    assert paul["billing_address"]["postal_code"] == "01000"
    assert paul["tags"] == ["VIP"] and paul["phone"] == "+33698765432"


def test_outlook_french_windows_1252(cli) -> None:
    _, clients = imported(cli, "outlook-fr.csv")
    dupont = clients["Boulangerie Dupont"]
    assert dupont["kind"] == "business" and dupont["phone"] == "+33611223344"  # the mobile
    assert dupont["email"] == "marc@boulangerie-dupont.fr" and dupont["tags"] == ["Boulangers"]
    assert dupont["billing_address"]["postal_code"] == "01000"
    assert contacts(cli, dupont) == [
        ("Marc", "Dupont", None, "marc@boulangerie-dupont.fr", "+33611223344", True)
    ]
    girard = clients["Girard"]  # a home address only
    assert girard["first_name"] == "Léa" and girard["billing_address"]["city"] == "Nantes"
    assert girard["phone"] == "+33240000000"


def test_outlook_categories_are_split_into_tags(cli, tmp_path: Path) -> None:
    # Outlook joins a contact's categories with « ; » in its « Catégories » column
    text = (DATA / "outlook-fr.csv").read_bytes().decode("cp1252")
    path = tmp_path / "outlook-categories.csv"
    path.write_bytes(text.replace("Boulangers", "Boulangers;Clients;boulangers").encode("cp1252"))
    _, clients = imported_path(cli, path)
    assert clients["Boulangerie Dupont"]["tags"] == ["Boulangers", "Clients"]


def test_outlook_english(cli) -> None:
    _, clients = imported(cli, "outlook.csv")
    rossi = clients["Rossi Costruzioni S.r.l."]
    assert rossi["billing_address"]["country"] == "IT"
    assert rossi["billing_address"]["postal_code"] == "00186"
    assert rossi["phone"] == "+390612345678"


def test_hubspot_contacts_repairs_foreign_values(cli) -> None:
    _, clients = imported(cli, "hubspot-contacts.csv")
    weber = clients["Weber Holzbau"]
    assert weber["phone"] == "+492984850345"  # mobile column, lost « + » given back
    assert weber["billing_address"]["postal_code"] == "07683"  # lost zero given back
    assert weber["billing_address"]["country"] == "DE"


def test_hubspot_companies(cli) -> None:
    _, clients = imported(cli, "hubspot-companies.csv")
    garcia = clients["Garcia Logística SA"]
    assert garcia["kind"] == "business" and garcia["billing_address"]["postal_code"] == "08013"
    assert garcia["billing_address"]["country"] == "ES" and garcia["sector"] == "Logistics"


def test_odoo_labels(cli) -> None:
    _, clients = imported(cli, "odoo.csv")
    muller = clients["Müller Maschinenbau GmbH"]
    assert muller["kind"] == "business" and muller["vat_number"] == "DE136695976"
    assert muller["billing_address"]["country"] == "DE"
    assert muller["vat_regime"]["code"] == "reverse_charge"
    bernard = clients["Sophie Bernard"]
    assert bernard["kind"] == "individual" and bernard["phone"] == "+33655443322"
    assert bernard["billing_address"]["postal_code"] == "01000"


def test_an_odoo_contact_with_its_company_s_address_joins_the_company(cli, tmp_path: Path) -> None:
    # Odoo copies a company's address into its contacts: the contact's row, with its own
    # email, is still the company already there (by name and postal code), not a copy;
    # its name is written « Company, Person » as Odoo shows a contact
    from test_transfer_contacts import odoo_company_and_person

    report, clients = imported_path(
        cli, odoo_company_and_person(tmp_path), "--on-duplicate", "merge"
    )
    assert (report["created"], report["merged"]) == (1, 1)
    (atelier,) = clients.values()
    assert atelier["email"] == "contact@atelier-roux.fr"
    assert [(c[1], c[3]) for c in contacts(cli, atelier)] == [
        ("Jeanne Roux", "jeanne@atelier-roux.fr")
    ]
    # her email and mobile came along with her as a contact: no value « non retenue »
    assert not any("non retenues" in text for text in note_texts(cli, atelier))


def test_odoo_labels_in_french(cli) -> None:
    # Odoo 16 exported by a French user: « Nom », « Type de société », « Société associée »…
    report, clients = imported(cli, "odoo-fr.csv")
    # the contact row (its company's name and postal code) adds its person to the company
    assert (report["created"], report["contacts_added"], report["rejected"]) == (2, 1, 0)
    martin = clients["Boulangerie Martin SARL"]
    assert (martin["kind"], martin["first_name"]) == ("business", None)
    assert martin["email"] == "contact@boulangerie-martin.fr"
    assert martin["phone"] == "+33474000000"
    assert martin["billing_address"] == {
        "line1": "12 rue des Lilas", "line2": "Bâtiment B", "postal_code": "01000",
        "city": "Bourg-en-Bresse", "country": "FR",
    }  # fmt: skip
    assert (martin["siret"], martin["vat_number"]) == ("73282932000074", "FR44732829320")
    assert martin["tags"] == ["Boulangers"]
    assert contacts(cli, martin) == [
        (None, "Claire Martin", "Gérante", "claire@boulangerie-martin.fr", "+33612345678", True)
    ]
    lefevre = clients["Paul Lefèvre"]  # « Particulier », « Est une entreprise » False
    assert (lefevre["kind"], lefevre["email"]) == ("individual", "paul.lefevre@exemple.fr")
    assert lefevre["phone"] == "+33698765432"
    assert lefevre["billing_address"] == {
        "line1": "4 rue Neuve", "line2": None, "postal_code": "69002", "city": "Lyon",
        "country": "FR",
    }  # fmt: skip
    assert contacts(cli, lefevre) == []


def test_odoo_technical_names_and_external_ids(cli) -> None:
    report, clients = imported(cli, "odoo-technical.csv", "--on-duplicate", "merge")
    dupont = clients["Dupont Belgique"]
    assert dupont["billing_address"]["country"] == "BE"  # country_id/id = base.be
    assert dupont["vat_regime"]["code"] == "reverse_charge"
    assert (report["created"], report["merged"]) == (1, 1)  # the contact row joins it
    # the person of the contact row joins the company (read in its Belgian context)
    assert contacts(cli, dupont) == [
        (None, "Jan Peeters", None, "jan@dupont.be", "+3225501211", True)
    ]


def test_dolibarr_third_parties_iso_8859_1(cli) -> None:
    _, clients = imported(cli, "dolibarr.csv")
    martin = clients["Boulangerie Martin"]
    assert martin["kind"] == "business" and martin["siret"] == "73282932000074"
    assert martin["vat_number"] == "FR44732829320"
    assert martin["billing_address"]["line1"] == "12 rue des Lilas"
    assert martin["billing_address"]["line2"] == "Bâtiment B"  # « \n » inside the cell
    assert martin["phone"] == "+33474000000"
    assert clients["Jean Petit"]["kind"] == "individual"


def test_dolibarr_contacts(cli) -> None:
    _, clients = imported(cli, "dolibarr-contacts.csv")
    cabinet = clients["Cabinet Lambert"]
    assert cabinet["kind"] == "business" and cabinet["phone"] == "+33601020304"
    assert contacts(cli, cabinet) == [
        ("Claire", "Lambert", "Comptable", "claire.lambert@cabinet-lambert.fr", "+33601020304",
         True)
    ]  # fmt: skip


def test_dolibarr_contacts_of_a_recent_version(cli) -> None:
    # « Identifiant contact », « Poste/fonction »: a recent Dolibarr's labels, in UTF-8; the
    # contact's columns come before its third party's of the same name (« Adresse »…)
    report, clients = imported(cli, "dolibarr-contacts-recent.csv")
    assert (report["created"], report["rejected"]) == (2, 0)
    garnier = clients["Garnier Frères"]
    assert (garnier["kind"], garnier["first_name"]) == ("business", None)
    assert garnier["email"] == "luc.garnier@garnier-freres.fr"  # the contact's comes first
    assert garnier["phone"] == "+33491000000"  # the third party's: the contact has none
    assert garnier["billing_address"] == {  # the contact's is empty: its third party's
        "line1": "15 rue du Port", "line2": "Zone artisanale", "postal_code": "13002",
        "city": "Marseille", "country": "FR",
    }  # fmt: skip
    assert contacts(cli, garnier) == [
        ("Luc", "Garnier", "Directeur commercial", "luc.garnier@garnier-freres.fr",
         "+33491000000", True)
    ]  # fmt: skip
    notes = note_texts(cli, garnier)
    assert "Préfère être appelé le matin" in notes  # « Note (privée) »
    assert "Autres emails : contact@garnier-freres.fr" in notes
    assert "Autres téléphones : 06 22 33 44 55" in notes
    bonnet = clients["Bonnet"]  # a contact of no third party: a private individual
    assert (bonnet["kind"], bonnet["first_name"]) == ("individual", "Sophie")
    assert (bonnet["email"], bonnet["phone"]) == ("sophie.bonnet@exemple.fr", "+33698765433")
    assert bonnet["billing_address"] == {
        "line1": "9 avenue Foch", "line2": None, "postal_code": "75016", "city": "Paris",
        "country": "FR",
    }  # fmt: skip


def test_vcard_3_and_4(cli) -> None:
    _, clients = imported(cli, "contacts.vcf")
    roux = clients["Studio Roux"]
    assert roux["kind"] == "business" and roux["phone"] == "+33620304050"
    assert roux["tags"] == ["Design", "Marseille"]
    assert roux["billing_address"]["postal_code"] == "13002"
    faure = clients["Faure"]
    assert faure["first_name"] == "Hugo" and faure["email"] == "hugo.faure@exemple.fr"
    assert faure["billing_address"]["postal_code"] == "06000"


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.iterdir()))
def test_the_same_file_imported_twice_creates_nothing(cli, name: str) -> None:
    cli("import", str(DATA / name), "--format", "json")
    again = json.loads(cli("import", str(DATA / name), "--format", "json").stdout)
    assert again["created"] == 0


def _clients_and_contacts(cli, *db: str) -> list[dict[str, Any]]:
    keys = ("name", "first_name", "kind", "email", "phone", "billing_address", "siret",
            "vat_number", "tags")  # fmt: skip
    shown = []
    for client in cli.json(*db, "list"):
        fiche = cli.json(*db, "show", str(client["id"]))
        people = [{k: c[k] for k in ("first_name", "last_name", "position", "department",
                                     "email", "phone", "primary")} for c in fiche["contacts"]]  # fmt: skip
        shown.append({**{k: client[k] for k in keys}, "contacts": people})
    return shown


def test_our_vcard_export_imported_back_gives_the_same_clients(cli, tmp_path: Path) -> None:
    cli("import", str(DATA / "google.csv"))
    cli("import", str(DATA / "dolibarr.csv"))
    cli("contact", "add", "Atelier Martin", "--first-name", "Paul", "--last-name", "Roy",
        "--position", "Comptable", "--department", "Finances", "--no-input")  # fmt: skip
    before = _clients_and_contacts(cli)
    assert len(before[0]["contacts"]) == 2
    cli("export", "-o", str(tmp_path / "out.vcf"))
    other = ("--db", str(tmp_path / "other.db"))
    report = json.loads(cli(*other, "import", str(tmp_path / "out.vcf"), "--format", "json").stdout)
    assert report["created"] == len(before)  # the contacts' cards are no clients of their own
    assert _clients_and_contacts(cli, *other) == before


def test_map_and_saved_mapping(cli, tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Libellé;Mél;Ville\nGarage Dubois;contact@garage-dubois.fr;Lyon\n", "utf-8")
    refused = cli("import", str(path), code=1)
    assert "Aucune colonne ne donne le nom" in refused.stderr and "--map" in refused.stderr
    cli("import", str(path), "--map", "Libellé=name", "--map", "Mél=email", "--save-map", "crm")
    (client,) = cli.json("list")
    assert (client["name"], client["email"]) == ("Garage Dubois", "contact@garage-dubois.fr")
    again = json.loads(cli("import", str(path), "--profile", "crm", "--format", "json").stdout)
    assert (again["created"], again["skipped"]) == (0, 1)


def test_add_warns_when_the_vat_number_is_of_another_country(cli) -> None:
    result = cli("add", "--name", "Müller GmbH", "--kind", "professionnel", "--country", "BE",
                 "--vat-number", "DE136695976", "--no-input")  # fmt: skip
    assert "DE136695976 est celui d'un autre pays (Allemagne) que l'adresse (Belgique)" in (
        result.stderr
    )


def test_the_fiche_of_an_overseas_client_asks_for_confirmation(cli) -> None:
    cli("add", "--name", "Payet", "--postal-code", "97400", "--city", "Saint-Denis",
        "--address", "1 rue de Paris", "--no-input")  # fmt: skip
    (client,) = cli.json("list")
    assert client["billing_address"]["country"] == "RE" and client["zone"] == "France"
    assert client["vat_regime"]["code"] == "overseas"
    shown = cli("show", str(client["id"])).stdout
    assert "expert-comptable" in " ".join(shown.split())


def test_our_csv_export_of_migrated_clients_imported_back_is_identical(cli, tmp_path: Path) -> None:
    for name in ("google.csv", "odoo.csv", "dolibarr.csv", "hubspot-contacts.csv"):
        cli("import", str(DATA / name))
    cli("export", "-o", str(tmp_path / "first.csv"))
    other = str(tmp_path / "other.db")
    cli("--db", other, "import", str(tmp_path / "first.csv"))
    cli("--db", other, "export", "-o", str(tmp_path / "second.csv"))
    assert (tmp_path / "second.csv").read_text("utf-8") == (tmp_path / "first.csv").read_text(
        "utf-8"
    )
    assert _clients_and_contacts(cli, "--db", other) == _clients_and_contacts(cli)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--profile", "nope"), "Format inconnu : « nope » (formats : newbi, google"),
        (("--map", "Libellé"), "écrivez « En-tête=champ »"),
        (("--map", "Libellé=bidule"), "champ inconnu « bidule »"),
        (("--save-map", "crm"), "indiquez au moins un --map"),
        (("--map", "Libellé=name", "--save-map", "google"), "« google » est un format intégré"),
    ],
)
def test_profile_and_map_errors(
    cli, tmp_path: Path, options: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Libellé;Mél\nGarage;g@x.fr\n", "utf-8")
    result = cli("import", str(path), *options, code=1)
    assert message in result.stderr and "Traceback" not in result.stderr
    assert cli.json("list") == []


def test_a_forced_profile_reads_a_file_its_header_would_not_name(cli, tmp_path: Path) -> None:
    path = tmp_path / "hubspot.csv"
    path.write_text("Company name,Phone Number,City\nAcme,+33 1 42 00 00 00,Paris\n", "utf-8")
    report = json.loads(
        cli("import", str(path), "--profile", "hubspot-companies", "--format", "json").stdout
    )
    assert report["created"] == 1
    (acme,) = cli.json("list")
    assert (acme["name"], acme["kind"], acme["phone"]) == ("Acme", "business", "+33142000000")


def test_the_preview_warns_of_a_vat_number_of_another_country_on_its_row(
    cli, tmp_path: Path
) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "Nom;Pays;TVA\nMüller GmbH;Belgique;DE136695976\nDupont;;BE0403170701\n", "utf-8"
    )
    result = cli("import", str(path), "--format", "json")
    assert "Ligne 2 : Le numéro de TVA DE136695976 est celui d'un autre pays" in result.stderr
    assert "Ligne 3" not in result.stderr  # no country given: the VAT prefix gives it
    clients = {c["name"]: c for c in cli.json("list")}
    assert clients["Müller GmbH"]["billing_address"]["country"] == "BE"
    assert clients["Dupont"]["billing_address"]["country"] == "BE"
    assert clients["Dupont"]["vat_regime"]["code"] == "reverse_charge"
