"""history import of other tools' exports, and the values they write: amounts with a point
between thousands, date-times, a file imported twice, rows all refused, a VAT rate that
contradicts the amounts, Odoo's « Company, Contact » partners; payment terms written in
words in a client import; payment methods shown in French."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from newbi_clients.conditions import normalize_terms, parse_discount, read_terms
from newbi_clients.customfields import normalize_value
from newbi_clients.documents import decimal_mark, parse_amount, parse_date
from newbi_clients.errors import ValidationFailed
from newbi_clients.history import Payment
from newbi_clients.models import FieldDef, FieldType
from newbi_clients.transfer.cells import row_to_raw
from newbi_clients.transfer.mapping import map_headers
from test_cli_history import counts, write

ACME = (
    "add", "--kind", "professionnel", "--name", "ACME SAS", "--siret", "732 829 320 00074",
    "--email", "contact@acme.fr", "--no-input",
)  # fmt: skip


def amounts(cli, client: str = "acme") -> dict[str, tuple[str, str]]:
    return {
        d["number"]: (d["amount_ht"], d["amount_ttc"]) for d in cli.json("history", "list", client)
    }


# --- amounts: a point between thousands ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mark", "cents"),
    [
        # both marks: the last one is decimal
        ("1.480,80", None, 148080),
        ("1,480.80", None, 148080),
        ("-1.234.567,89", None, -123456789),
        # several groups: thousands, whatever the file
        ("1.234.567", None, 123456700),
        ("1,234,567", None, 123456700),
        ("1 234 567", None, 123456700),
        # a lone point then three digits: as the file's other amounts write decimals
        ("12.500", ",", 1250000),
        ("2.000", ",", 200000),
        ("1.234", ",", 123400),
        ("12.500", ".", 1250),
        ("-2.000", ",", -200000),
        # a lone comma then three digits: decimal, the French way, unless the file writes
        # its decimals with a point
        ("1,000", None, 100),
        ("1,000", ",", 100),
        ("1,000", ".", 100000),
        ("12,345", ".", 1234500),
        # a separator that can only be decimal
        ("0.500", None, 50),
        ("12.5", None, 1250),
        ("EUR 100,00", None, 10000),
    ],
)
def test_parse_amount_reads_thousands_as_the_file_writes_them(
    text: str, mark: str | None, cents: int
) -> None:
    assert parse_amount(text, "amount_ht", mark) == cents


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("12.500", "vaut 12 500 si le point sépare les milliers, 12,50 s'il sépare les décimales"),
        ("2.000", "vaut 2 000 si le point sépare les milliers, 2,00 s'il sépare les décimales"),
        ("1.000", "écrivez 1000 ou 1,00"),
        ("1.234", "vaut 1 234 si le point sépare les milliers ; s'il sépare les décimales"),
        ("-2.000", "vaut -2 000 si le point"),
    ],
)
def test_parse_amount_refuses_a_lone_point_before_three_digits_without_a_file_to_tell(
    text: str, readings: str
) -> None:
    """« 12.500 » read as 12,50 divided 12 500 by a thousand without a word."""
    with pytest.raises(ValidationFailed) as exc:
        parse_amount(text, "amount_ht")
    assert exc.value.message.startswith(f"Montant ambigu : « {text} »")
    assert readings in exc.value.message
    assert exc.value.field == "amount_ht"


@pytest.mark.parametrize(
    ("values", "mark"),
    [
        (["1.234", "12.500", "2.400,00"], ","),  # 2.400,00: a decimal comma
        (["99,99", "12.500"], ","),
        (["1.234.567"], ","),  # points between thousands: decimals with a comma
        (["1,234.56", "1,000"], "."),
        (["1000.5", "3"], "."),
        (["1,234,567"], "."),
        (["12.500", "2.000", "1,000", "12", ""], None),  # nothing tells
        (["1 234,56", "1000.5"], None),  # both: nothing tells either
    ],
)
def test_decimal_mark_of_a_files_amounts(values: list[str], mark: str | None) -> None:
    assert decimal_mark(values) == mark


def test_history_import_reads_a_point_between_thousands_from_the_files_other_amounts(
    cli, tmp_path: Path
) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT;Montant TTC",
            "contact@acme.fr;P-1;15/01/2025;1.234;1.480,80",
            "contact@acme.fr;P-2;15/01/2025;12.500;15.000",
            "contact@acme.fr;P-3;15/01/2025;2.000;2.400,00",
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["rejected"]) == (3, 0)
    assert amounts(cli) == {
        "P-1": ("1234.00", "1480.80"),
        "P-2": ("12500.00", "15000.00"),
        "P-3": ("2000.00", "2400.00"),
    }
    assert cli.json("stats", "acme")["revenue"] == "15734.00"


def test_history_import_reads_an_english_files_comma_between_thousands(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email,Number,Date,Amount HT,Amount TTC",
            'contact@acme.fr,E-1,2025-01-15,"1,000","1,200.00"',
            "contact@acme.fr,E-2,2025-01-15,12.5,15",
        ],
    )
    cli("history", "import", str(path))
    assert amounts(cli) == {"E-1": ("1000.00", "1200.00"), "E-2": ("12.50", "15.00")}


def test_history_import_refuses_an_ambiguous_amount_naming_its_row_and_column(
    cli, tmp_path: Path, db_path: Path
) -> None:
    cli(*ACME)
    # the file writes its decimals both ways: « 12.500 » cannot be read from it
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT;Montant TTC",
            "contact@acme.fr;N-1;15/01/2025;1 234,56 €;1 481,47 €",
            "contact@acme.fr;N-2;15/01/2025;1000.5;1200.6",
            "contact@acme.fr;N-3;15/01/2025;12.500;15.000",
        ],
    )
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert (report["documents"], report["rejected"]) == (2, 1)
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [
        (4, "Montant HT", "12.500")
    ]
    assert "Ligne 4, colonne « Montant HT » : Montant ambigu : « 12.500 »" in result.stderr
    assert sorted(amounts(cli)) == ["N-1", "N-2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1.000",
            "Remise ambiguë : « 1.000 » vaut 1 000 si le point sépare les milliers, 1,00 s'il"
            " sépare les décimales ; écrivez 1000 ou 1,00",
        ),
        (
            "2.500 €",
            "Remise ambiguë : « 2.500 € » vaut 2 500 si le point sépare les milliers, 2,50 s'il"
            " sépare les décimales ; écrivez 2500 ou 2,50",
        ),
        (
            "1.234",
            "Remise ambiguë : « 1.234 » vaut 1 234 si le point sépare les milliers ; écrivez"
            " 1234 si c'est bien 1 234",
        ),
    ],
)
def test_a_discount_amount_with_a_lone_point_before_three_digits_is_refused(
    text: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_discount(text)
    assert (exc.value.field, exc.value.message) == ("discount", message)


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12.500 %", "percent", "12.500"),
        ("1.000,00 €", "amount", "1000.00"),
        ("1,000", "amount", "1.00"),
    ],
)
def test_a_discount_that_says_how_it_is_written_is_read(text: str, kind: str, value: str) -> None:
    discount = parse_discount(text)
    assert discount is not None
    assert (discount.type, str(discount.value)) == (kind, value)


# --- dates with a time --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2025-01-13T09:15:00",
        "2025-01-13 14:30:00",
        "2025-01-13 14:30",
        "13/01/2025 14:30",
        "13/01/2025 14:30:59",
        "13/01/25 09:05",
        "13/01/2025 à 14h30",
        "2025-01-13T23:59:59.123456",
        "2025-01-13T10:00:00Z",
        "2025-01-13T10:00:00+01:00",
    ],
)
def test_parse_date_keeps_the_date_of_a_date_time(text: str) -> None:
    assert parse_date(text) == "2025-01-13"


@pytest.mark.parametrize("text", ["2025-01-13 25:00", "2025-01-13 14:61", "14:30", "2025-01-13T"])
def test_parse_date_refuses_a_time_that_is_none(text: str) -> None:
    with pytest.raises(ValidationFailed, match="Date invalide"):
        parse_date(text)


def test_a_custom_date_field_takes_a_date_time() -> None:
    since = FieldDef("Client depuis", FieldType.DATE)
    assert normalize_value(since, "2023-05-04T09:15:00") == "2023-05-04"
    assert normalize_value(since, "04/05/2023 09:15") == "2023-05-04"
    with pytest.raises(ValidationFailed, match="une date est attendue"):
        normalize_value(since, "2023-05-04 soir")


def test_history_import_reads_date_times(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT;Taux de TVA;Date de paiement",
            "contact@acme.fr;D-1;2025-01-13 14:30:00;10;20;",
            "contact@acme.fr;D-2;13/01/2025 14:30;10;20;20/01/2025 08:00",
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["rejected"]) == (2, 1, 0)
    documents = {d["number"]: d for d in cli.json("history", "list", "acme")}
    assert documents["D-1"]["date"] == documents["D-2"]["date"] == "2025-01-13"
    assert documents["D-2"]["payments"][0]["date"] == "2025-01-20"


def test_date_time_cells_of_a_workbook(cli, tmp_path: Path) -> None:
    """A cell formatted as a date-time, in a history import and in a client import's
    custom date field."""
    cli(*ACME)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Numéro", "Date", "Montant HT", "Montant TTC"])
    sheet.append(["contact@acme.fr", "X-1", dt.datetime(2025, 1, 13, 14, 30), 100, 120])
    sheet["C2"].number_format = "yyyy-mm-dd h:mm:ss"
    path = tmp_path / "factures.xlsx"
    book.save(path)
    cli("history", "import", str(path))
    assert [d["date"] for d in cli.json("history", "list", "acme")] == ["2025-01-13"]

    cli("field", "define", "Client depuis", "--type", "date")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Nom", "Client depuis"])
    sheet.append(["Boulangerie Martin", dt.datetime(2023, 5, 4, 9, 15)])
    sheet["B2"].number_format = "yyyy-mm-dd h:mm:ss"
    path = tmp_path / "clients.xlsx"
    book.save(path)
    result = cli("import", str(path), "--yes", "--format", "json")
    assert json.loads(result.stdout)["rejected"] == 0
    assert cli.json("show", "martin")["fields"] == {"Client depuis": "2023-05-04"}


# --- a file imported twice, rows all refused ----------------------------------------------

DOLIBARR = [
    "Nom du tiers;Ref. facture;Type;Date facturation;Total HT;Total TTC;Statut facture;"
    "Date paiement;Montant réglement;Mode règlement",
    "ACME SAS;FA2501-0001;Facture standard;15/01/2025;1000,00;1200,00;Payée;01/02/2025;700,00;"
    "Virement",
    "ACME SAS;FA2501-0001;Facture standard;15/01/2025;1000,00;1200,00;Payée;05/02/2025;500,00;"
    "Chèque",
    "ACME SAS;AV2501-0001;Facture avoir;20/01/2025;-200,00;-240,00;Payée;25/01/2025;-240,00;"
    "Virement",
    "ACME SAS;FA2501-0002;Facture d'acompte;22/01/2025;333,33;399,99;Impayée;;;",
]


def test_history_import_counts_documents_and_payments_apart(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(tmp_path, DOLIBARR)
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    # the second line of FA2501-0001 adds its payment, no document
    assert (report["documents"], report["payments"], report["skipped"]) == (3, 2, 0)
    assert len(cli.json("history", "list", "acme")) == 3


def test_a_file_imported_again_adds_nothing_and_refuses_nothing(
    cli, tmp_path: Path, db_path: Path
) -> None:
    cli(*ACME)
    path = write(tmp_path, DOLIBARR)
    cli("history", "import", str(path))
    before = cli.json("history", "list", "acme")
    assert counts(db_path) == (3, 2)
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert report == {
        "documents": 0,
        "payments": 0,
        "skipped": 4,
        "rejected": 0,
        "errors": [],
        "notices": ["Séparateur détecté : point-virgule."],
        "dry_run": False,
    }
    assert counts(db_path) == (3, 2)
    assert cli.json("history", "list", "acme") == before
    lines = cli("history", "import", str(path)).stdout.splitlines()
    assert "Lignes déjà dans le carnet\t4" in lines
    assert "Documents créés\t0" in lines


def test_a_file_with_one_more_payment_adds_only_that_payment(cli, tmp_path: Path) -> None:
    cli(*ACME)
    first = write(tmp_path, DOLIBARR[:2] + DOLIBARR[3:], "janvier.csv")
    report = json.loads(cli("history", "import", str(first), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["skipped"]) == (3, 1, 0)
    # a later export: the invoice's second payment has come
    report = json.loads(
        cli("history", "import", str(write(tmp_path, DOLIBARR)), "--format", "json").stdout
    )
    assert (report["documents"], report["payments"], report["skipped"]) == (0, 1, 3)
    [invoice] = [d for d in cli.json("history", "list", "acme") if d["number"] == "FA2501-0001"]
    assert invoice["status"] == "paid"
    assert [p["amount"] for p in invoice["payments"]] == ["700.00", "500.00"]


def test_two_equal_payments_of_a_day_are_two_payments(cli, tmp_path: Path, db_path: Path) -> None:
    """Two cheques of 100 on the same day: the second line is no copy of the first, and the
    file imported again finds both."""
    cli(*ACME)
    line = "ACME SAS;F-1;15/01/2025;250,00;300,00;Payée;20/01/2025;100,00"
    path = write(
        tmp_path,
        [
            "Nom du tiers;Ref. facture;Date facturation;Total HT;Total TTC;Statut facture;"
            "Date paiement;Montant réglement",
            line,
            line,
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["skipped"]) == (1, 2, 0)
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["skipped"]) == (0, 0, 2)
    assert counts(db_path) == (1, 2)


def test_another_document_under_a_number_taken_is_still_refused(cli, tmp_path: Path) -> None:
    cli(*ACME)
    cli("add", "--name", "Boulangerie Martin", "--no-input")
    header = "Client;Numéro;Date;Montant HT;Montant TTC"
    cli("history", "import", str(write(tmp_path, [header, "ACME SAS;F-1;15/01/2025;100;120"])))
    path = write(
        tmp_path,
        [
            header,
            "ACME SAS;F-1;15/01/2025;100;120",  # the same: already there
            "ACME SAS;F-1;16/01/2025;100;120",  # another date
            "Boulangerie Martin;F-1;15/01/2025;100;120",  # another client
        ],
        "encore.csv",
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["skipped"], report["rejected"]) == (1, 2)
    assert {e["message"] for e in report["errors"]} == {
        "Facture F-1 existe déjà (client #1) : un numéro ne sert qu'une fois"
    }


def test_a_payment_the_book_does_not_have_on_a_paid_invoice_is_still_refused(
    cli, tmp_path: Path
) -> None:
    cli(*ACME)
    header = "Email;Numéro;Date;Montant HT;Montant TTC;Date de paiement;Montant payé"
    cli(
        "history",
        "import",
        str(write(tmp_path, [header, "contact@acme.fr;F-1;2025-01-15;100;120;;"])),
    )
    cli("history", "pay", "acme", "F-1", "--amount", "120", "--date", "2025-01-20")
    path = write(
        tmp_path, [header, "contact@acme.fr;F-1;2025-01-15;100;120;2025-01-25;50"], "b.csv"
    )
    result = cli("history", "import", str(path), "--format", "json", code=1)
    [error] = json.loads(result.stdout)["errors"]
    assert (error["column"], error["message"]) == (
        "Numéro",
        "La facture F-1 est payée : paiement refusé",
    )


def test_an_import_whose_rows_are_all_refused_exits_1_writing_nothing(
    cli, tmp_path: Path, db_path: Path
) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT",
            "inconnu@x.fr;Z-1;15/01/2025;10",
            "contact@acme.fr;Z-2;32/01/2025;10",
        ],
    )
    for flags in ((), ("--dry-run",)):
        result = cli("history", "import", str(path), *flags, code=1)
        assert (
            "Aucune ligne importable : les 2 ligne(s) du fichier ont été rejetées ;"
            " rien n'a été écrit." in result.stderr
        )
        assert "Ligne 2, colonne « Email » : Aucun client ne correspond" in result.stderr
        assert "Ligne 3, colonne « Date » : Date invalide" in result.stderr
        assert result.stdout == ""
    result = cli("history", "import", str(path), "--format", "json", code=1)
    report = json.loads(result.stdout)
    assert (report["documents"], report["rejected"]) == (0, 2)
    assert counts(db_path) == (0, 0)


# --- a VAT rate beside the amounts --------------------------------------------------------


def test_a_rate_that_contradicts_the_amounts_is_refused_naming_the_three(
    cli, tmp_path: Path
) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT;Montant TTC;Taux de TVA",
            "contact@acme.fr;Q-1;15/01/2025;100;120;5,5",
            "contact@acme.fr;Q-2;15/01/2025;100;120;20 %",
            # the VAT of each line, rounded, adds up to a cent more than that of the total
            "contact@acme.fr;Q-3;15/01/2025;0,09;0,12;20",
            "contact@acme.fr;Q-4;15/01/2025;10 000,00;12 000,90;20",
            "contact@acme.fr;Q-5;15/01/2025;10 000,00;12 001,10;20",
        ],
    )
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [
        (2, "Taux de TVA", "5,5"),
        (6, "Taux de TVA", "20"),
    ]
    assert report["errors"][0]["message"] == (
        "Montants incohérents : 100,00 HT à 5,5 % de TVA font 105,50 TTC, pas 120,00 ;"
        " corrigez le taux ou le montant TTC, ou videz le taux (le montant TTC suffit)"
    )
    # the amount including tax of the file is kept
    assert amounts(cli) == {
        "Q-2": ("100.00", "120.00"),
        "Q-3": ("0.09", "0.12"),
        "Q-4": ("10000.00", "12000.90"),
    }


# --- Odoo's « Company, Contact » ----------------------------------------------------------


def test_odoo_names_a_contacts_document_after_the_company_and_the_contact(
    cli, tmp_path: Path
) -> None:
    cli(*ACME)
    cli("contact", "add", "acme", "--first-name", "Claire", "--last-name", "Martin", "--no-input")
    # two companies of one name, told apart by their contacts
    for name, person in (("Durand SARL", "Paul Durand"), ("Durand SARL", "Anne Petit")):
        client = cli("add", "--name", name, "--kind", "professionnel", "--no-input")
        first, last = person.split()
        cli("contact", "add", client.stdout.strip(), "--first-name", first, "--last-name", last,
            "--no-input")  # fmt: skip
    path = write(
        tmp_path,
        [
            "Partenaire,Numéro,Date de facturation,Hors taxes signé,Total signé",
            '"ACME SAS, Claire Martin",INV/1,2025-01-10,"1 000,00 €","1 200,00 €"',
            '"ACME SAS, Jean Inconnu",INV/2,2025-01-10,10,12',
            '"Durand SARL, Anne Petit",INV/3,2025-01-10,10,12',
            '"Durand SARL, Jean Inconnu",INV/4,2025-01-10,10,12',
            '"Personne SA, Claire Martin",INV/5,2025-01-10,10,12',
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert sorted(amounts(cli)) == ["INV/1", "INV/2"]
    assert [d["number"] for d in cli.json("history", "list", "3")] == ["INV/3"]  # Anne Petit's
    assert [(e["row"], e["message"]) for e in report["errors"]] == [
        (5, "Plusieurs clients correspondent à « Durand SARL » : précisez l'email ou le SIRET"),
        (6, "Aucun client ne correspond à « Personne SA, Claire Martin »"),
    ]


def test_a_company_whose_name_has_a_comma_is_found_whole(cli, tmp_path: Path) -> None:
    cli("add", "--name", "Dupont, Durand et Associés", "--kind", "professionnel", "--no-input")
    path = write(
        tmp_path,
        [
            "Partenaire,Numéro,Date de facturation,Hors taxes signé,Total signé",
            '"Dupont, Durand et Associés",F-1,2025-01-10,10,12',
            '"Dupont, Durand et Associés, Claire Martin",F-2,2025-01-10,10,12',
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["rejected"]) == (2, 0)


# --- payment terms in words ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("60 jours fin de mois", (60, True)),
        ("45 j FDM", (45, True)),
        ("30 days end of month", (30, True)),
        ("45 jours", (45, False)),
        ("net 30", (30, False)),
        ("À réception", (0, False)),
        ("A réception", (0, False)),
        ("Paiement comptant", (0, False)),
        ("comptant", (0, False)),
        ("bientôt", (None, False)),
        ("", (None, False)),
    ],
)
def test_read_terms(text: str, read: tuple[int | None, bool]) -> None:
    assert read_terms(text) == read


def test_terms_with_the_end_of_month_are_refused_by_add_naming_what_to_give() -> None:
    """``add --terms-days`` takes days: the end of month would be lost without a word."""
    with pytest.raises(ValidationFailed) as exc:
        normalize_terms("45 jours fin de mois")
    assert exc.value.message == (
        "Délai de paiement invalide : « 45 jours fin de mois » ; donnez le délai seul (45) et"
        " la fin de mois à part"
    )


@pytest.mark.parametrize(
    ("cells", "terms", "end_of_month", "said"),
    [
        (["B", "60 jours fin de mois", ""], "60", "oui", False),
        (["B", "60 jours fin de mois", "non"], "60", "non", False),
        (["A", "net 30", ""], "30", None, False),
        (["A", "90 jours", ""], "90 jours", None, False),  # refused with its text
        (["A", "30", ""], "30", None, False),
        (["C", "À réception", ""], None, None, True),
        (["C", "0", ""], None, None, True),
    ],
)
def test_a_rows_payment_terms_in_words(
    cells: list[str], terms: str | None, end_of_month: str | None, said: bool
) -> None:
    raw = row_to_raw(cells, map_headers(["Nom", "Conditions de paiement", "Fin de mois"]))
    assert (raw.get("terms_days"), raw.get("end_of_month")) == (terms, end_of_month)
    notice = (
        f"Conditions de paiement « {cells[1]} » : pas de paiement à réception parmi les délais"
        " (15, 30, 45 ou 60 jours), le délai par défaut s'applique"
    )
    assert raw.get("notices", []) == ([f"{notice} ; gardé en note"] if said else [])
    assert (notice in raw["extra_notes"]) is said


def test_client_import_reads_payment_terms_written_in_words(cli, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "Nom;Conditions de paiement;Fin de mois",
            "A;45 jours;",
            "B;60 jours fin de mois;",
            "C;A réception;",
            "D;comptant;",
            "E;30 jours fin de mois;non",  # the column of its own says
            "F;0;",
        ],
        "clients.csv",
    )
    result = cli("import", str(path), "--yes", "--format", "json")
    report = json.loads(result.stdout)
    assert (report["created"], report["rejected"]) == (6, 0)
    clients = {c["name"]: c for c in cli.json("list", "--format", "json")}
    terms = {name: (c["terms_days"], c["end_of_month"]) for name, c in clients.items()}
    assert terms == {
        "A": (45, False),
        "B": (60, True),
        "C": (30, False),  # the default terms
        "D": (30, False),
        "E": (30, False),
        "F": (30, False),
    }
    # what the file said is kept
    assert [n["text"] for n in clients["C"]["notes"]] == [
        "Conditions de paiement « A réception » : pas de paiement à réception parmi les"
        " délais (15, 30, 45 ou 60 jours), le délai par défaut s'applique"
    ]
    assert clients["A"]["notes"] == []


def test_client_import_still_refuses_terms_over_sixty_days(cli, tmp_path: Path) -> None:
    path = write(
        tmp_path, ["Nom;Conditions de paiement", "A;90 jours fin de mois", "B;30"], "c.csv"
    )
    report = json.loads(cli("import", str(path), "--yes", "--format", "json").stdout)
    [error] = report["errors"]
    assert (error["row"], error["column"]) == (2, "Conditions de paiement")
    assert error["message"].startswith("Délai de paiement refusé : 90 jours dépasse")


# --- payment methods in French ------------------------------------------------------------


def test_payment_method_label() -> None:
    assert Payment(1, "2025-01-01", 100, "cheque").method_label == "Chèque"
    assert Payment(1, "2025-01-01", 100, "carte").method_label == "Carte bancaire"
    assert Payment(1, "2025-01-01", 100, None).method_label is None


def test_payments_show_their_method_as_the_clients_is_shown(cli) -> None:
    cli(*ACME, "--payment-method", "cheque")
    cli("history", "add", "acme", "--number", "F-1", "--date", "2025-01-15", "--amount-ht",
        "100", "--vat-rate", "20")  # fmt: skip
    cli("history", "pay", "acme", "F-1", "--amount", "20", "--date", "2025-01-20", "--method",
        "cheque")  # fmt: skip
    cli("history", "pay", "acme", "F-1", "--amount", "100", "--date", "2025-01-21")
    fiche = cli("show", "acme").stdout
    assert "Mode : Chèque" in fiche  # the client's
    assert "paiement : 20/01/2025 · 20,00 EUR · Chèque" in fiche
    assert "paiement : 21/01/2025 · 100,00 EUR\n" in fiche
    listed = cli("history", "list", "acme").stdout
    assert "20/01/2025 20,00 (Chèque); 21/01/2025 100,00" in listed
    # JSON keeps the code, for scripts
    assert cli.json("history", "list", "acme")[0]["payments"][0]["method"] == "cheque"


def test_history_import_says_what_reading_the_file_found(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = tmp_path / "factures.csv"
    rows = [
        "Email;Numéro;Date;Montant HT;Montant TTC",
        "contact@acme.fr;F-1;15/01/2025;100;120;réglé",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    result = cli("history", "import", str(path))
    assert "Encodage Windows-1252 (Excel français) détecté." in result.stderr
    assert "valeurs au-delà de la dernière colonne de l'en-tête" in result.stderr
    path.write_bytes(
        "\r\n".join([rows[0], rows[1].replace("F-1", "F-2")]).encode("cp1252") + b"\r\n"
    )
    notices = json.loads(cli("history", "import", str(path), "--format", "json").stdout)["notices"]
    assert notices[0] == "Encodage Windows-1252 (Excel français) détecté."
    assert [n for n in notices if "au-delà de la dernière colonne" in n]


def test_amounts_of_a_workbook_come_as_excel_shows_them(cli, tmp_path: Path) -> None:
    """Binary floats (0.1 + 0.2, a sum of Excel's) are the amounts Excel shows, to 15
    significant digits; a third decimal that is really there (a TTC computed without
    rounding) is refused, its amount to the cent suggested."""
    cli(*ACME)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Type", "Numéro", "Date", "Montant HT", "Montant TTC"])
    sheet.append(["contact@acme.fr", "Facture", "X-1", "2025-01-10", 0.1 + 0.2, 0.36])
    sheet.append(["contact@acme.fr", "Facture", "X-2", "2025-01-10", 1234.5599999999999, 1481.47])
    sheet.append(["contact@acme.fr", "Avoir", "X-3", "2025-01-10", -0.7000000000000001, -0.84])
    sheet.append(["contact@acme.fr", "Facture", "X-4", "2025-01-10", 19.99, 19.99 * 1.2])
    for row in sheet.iter_rows(min_row=2, min_col=5):
        for cell in row:
            cell.number_format = '#,##0.00 "€"'
    path = tmp_path / "factures.xlsx"
    book.save(path)
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert (report["documents"], report["rejected"]) == (3, 1)
    assert amounts(cli) == {
        "X-1": ("0.30", "0.36"),
        "X-2": ("1234.56", "1481.47"),
        "X-3": ("0.70", "0.84"),
    }
    [error] = report["errors"]
    assert (error["row"], error["column"], error["value"]) == (5, "Montant TTC", "23.988")
    assert error["message"] == (
        "Montant invalide : « 23.988 » a plus de 2 décimales (au centime : 23,99)"
    )
