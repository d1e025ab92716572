"""history add / pay / list / import, stats, config, and what they change in show and list,
through Typer's runner; results read back through the store."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from newbi_clients.documents import STATUSES
from newbi_clients.storage import ClientStore

NNBSP = "\u202f"
DOC_KEYS = [
    "type", "number", "date", "due_date", "amount_ht", "amount_ttc", "currency", "status",
    "payments",
]  # fmt: skip
ACME = (
    "add", "--kind", "professionnel", "--name", "ACME SAS", "--siret", "732 829 320 00074",
    "--email", "contact@acme.fr", "--terms-days", "45", "--end-of-month",
    "--discount", "10%", "--no-input",
)  # fmt: skip
IMPORT_HEADER = (
    "Client/Email;Type;Numéro;Date;Montant HT;Montant TTC;Statut;Date de paiement;Montant payé"
)


def add_client(cli, *flags: str) -> str:
    return cli("add", *flags, "--no-input").stdout.strip()


def add_doc(cli, client: str, number: str, date: str, ht: str, *flags: str) -> dict:
    if "--vat-rate" not in flags and "--amount-ttc" not in flags:
        flags = (*flags, "--vat-rate", "0")
    return cli.json(
        "history", "add", client, "--number", number, "--date", date, "--amount-ht", ht, *flags
    )


def write(tmp_path: Path, lines: list[str], name: str = "historique.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def counts(db_path: Path) -> tuple[int, int]:
    with ClientStore(db_path) as store:
        documents = store.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        payments = store.db.execute("SELECT count(*) FROM payments").fetchone()[0]
    return documents, payments


# --- history add --------------------------------------------------------------------------


def test_history_add_json_follows_the_scripting_contract(cli) -> None:
    client_id = cli(*ACME).stdout.strip()
    result = cli(
        "history", "add", "acme", "--number", "F-2026-001", "--date", "15/01/2026",
        "--amount-ht", "1 000,00", "--vat-rate", "20", "--format", "json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert list(data) == DOC_KEYS
    assert data == {
        "type": "invoice",
        "number": "F-2026-001",
        "date": "2026-01-15",
        "due_date": "2026-03-31",  # 45 days end of month: 1 March → 31 March
        "amount_ht": "1000.00",
        "amount_ttc": "1200.00",
        "currency": "EUR",
        "status": "sent",
        "payments": [],
    }
    assert f"Facture F-2026-001 enregistrée pour #{client_id} ACME SAS" in result.stderr


def test_history_add_other_types_and_options(cli) -> None:
    cli(*ACME)
    quote = add_doc(
        cli, "acme", "F-1", "2026-02-01", "500", "--type", "devis", "--status", "accepté"
    )
    assert (quote["type"], quote["status"], quote["due_date"]) == ("quote", "accepted", None)
    assert quote["amount_ttc"] == "500.00"  # no rate, no TTC: no VAT
    credit = add_doc(
        cli, "acme", "A-1", "2026-02-01", "100", "--type", "credit_note", "--amount-ttc", "120",
        "--due", "2026-02-15", "--currency", "usd",
    )  # fmt: skip
    assert credit["type"] == "credit_note"
    assert (credit["amount_ttc"], credit["due_date"], credit["currency"]) == (
        "120.00",
        "2026-02-15",
        "USD",
    )
    invoice = add_doc(
        cli, "acme", "F-1", "2026-02-01", "100", "--vat-rate", "5,5", "--status", "draft"
    )
    assert (invoice["amount_ttc"], invoice["status"]) == ("105.50", "draft")


def test_history_add_table_when_piped(cli) -> None:
    cli(*ACME)
    lines = cli(
        "history", "add", "acme", "--number", "F-1", "--date", "2026-01-15",
        "--amount-ht", "1234,5", "--vat-rate", "20",
    ).stdout.splitlines()  # fmt: skip
    assert lines[0].split("\t") == [
        "Type", "Numéro", "Date", "Échéance", "HT", "TTC", "Devise", "Statut", "Paiements",
    ]  # fmt: skip
    assert lines[1].split("\t") == [
        "Facture", "F-1", "15/01/2026", "31/03/2026", f"1{NNBSP}234,50", f"1{NNBSP}481,40",
        "EUR", "envoyée", "",
    ]  # fmt: skip


def test_history_add_apply_discount(cli) -> None:
    cli(*ACME)  # 10 % discount
    data = add_doc(cli, "acme", "F-1", "2026-01-15", "1000", "--vat-rate", "20", "--apply-discount")
    # 1000 − 10 % = 900 HT, 900 × 1.2 = 1080 TTC
    assert (data["amount_ht"], data["amount_ttc"]) == ("900.00", "1080.00")
    data = add_doc(cli, "acme", "F-2", "2026-01-15", "1000", "--vat-rate", "20")
    assert data["amount_ht"] == "1000.00"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--vat-rate", "20", "--amount-ttc", "1200"),
            "Donnez le taux de TVA ou le montant TTC, pas les deux",
        ),
        (("--amount-ttc", "999"), "Le montant TTC est inférieur au montant HT"),
        (("--status", "accepted"), "Statut invalide"),
        (("--type", "bon"), "Type de document invalide"),
        (("--vat-rate", "abc"), "Taux de TVA invalide"),
        (("--due", "31/02/2026"), "Date invalide"),
        (("--currency", "EURO"), "Devise invalide"),
    ],
)
def test_history_add_refusals_write_nothing(cli, db_path: Path, flags, message) -> None:
    cli(*ACME)
    result = cli(
        "history", "add", "acme", "--number", "F-1", "--date", "2026-01-15",
        "--amount-ht", "1000", *flags, "--format", "json", code=1,
    )  # fmt: skip
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert counts(db_path) == (0, 0)


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--date", "2026-01-15", "--amount-ht", "10"), "Option --number obligatoire"),
        (("--number", "F-1", "--amount-ht", "10"), "Option --date obligatoire"),
        (("--number", "F-1", "--date", "2026-01-15"), "Option --amount-ht obligatoire"),
        (
            ("--number", "F-1", "--date", "2026-01-15", "--amount-ht", "12,345"),
            "plus de 2 décimales",
        ),
        (
            ("--number", "F-1", "--date", "2026-01-15", "--amount-ht", "1" + "0" * 40),
            "dépasse 999 999 999 999 999,99",
        ),
        (
            ("--number", "F-1", "--date", "2026-01-15", "--amount-ht", "1" + "0" * 20),
            "dépasse 999 999 999 999 999,99",
        ),
    ],
)
def test_history_add_missing_or_invalid_values(cli, flags, message) -> None:
    cli(*ACME)
    assert message in cli("history", "add", "acme", *flags, code=1).stderr


def test_history_add_duplicate_number_and_unknown_client(cli, db_path: Path) -> None:
    client_id = cli(*ACME).stdout.strip()
    add_client(cli, "--name", "Beta SARL")
    add_doc(cli, "acme", "F-1", "2026-01-15", "10")
    result = cli(
        "history",
        "add",
        "beta",
        "--number",
        "F-1",
        "--date",
        "2026-01-16",
        "--amount-ht",
        "5",
        "--vat-rate",
        "20",
        code=1,
    )
    assert f"Facture F-1 existe déjà (client #{client_id})" in result.stderr
    result = cli(
        "history",
        "add",
        "Durand",
        "--number",
        "F-2",
        "--date",
        "2026-01-16",
        "--amount-ht",
        "5",
        code=1,
    )
    assert "Client introuvable" in result.stderr
    assert counts(db_path) == (1, 0)


# --- history pay --------------------------------------------------------------------------


def test_history_pay_partial_then_overpayment(cli, db_path: Path) -> None:
    cli(*ACME)
    add_doc(cli, "acme", "F-1", "2026-01-15", "1000", "--vat-rate", "20")  # 1200 TTC
    result = cli(
        "history", "pay", "acme", "F-1", "--amount", "500", "--date", "01/02/2026",
        "--method", "virement", "--format", "json",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert data["status"] == "partially_paid"
    assert data["payments"] == [{"date": "2026-02-01", "amount": "500.00", "method": "virement"}]
    assert "Paiement enregistré : facture F-1" in result.stderr

    result = cli("history", "pay", "acme", "F-1", "--amount", "800", "--date", "2026-02-02", code=1)
    assert (
        "Paiement refusé : 800,00 EUR dépasse le reste dû de 700,00 EUR sur la facture F-1"
        in result.stderr
    )
    assert result.stdout == ""
    assert counts(db_path) == (1, 1)
    assert cli.json("history", "list", "acme")[0]["status"] == "partially_paid"

    data = cli.json("history", "pay", "acme", "F-1", "--amount", "700", "--date", "2026-02-03")
    assert data["status"] == "paid"
    assert [p["amount"] for p in data["payments"]] == ["500.00", "700.00"]
    assert counts(db_path) == (1, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("F-404", "--amount", "10", "--date", "2026-02-01"), "Facture F-404 introuvable"),
        (("F-0", "--amount", "10", "--date", "2026-02-01"), "paiement refusé"),
        (("F-1", "--date", "2026-02-01"), "Option --amount obligatoire"),
        (("F-1", "--amount", "10"), "Option --date obligatoire"),
        (("F-1", "--amount", "0", "--date", "2026-02-01"), "doit être positif"),
        (
            ("F-1", "--amount", "10", "--date", "2026-02-01", "--method", "troc"),
            "Mode de paiement invalide",
        ),
    ],
)
def test_history_pay_refusals_write_nothing(cli, db_path: Path, args, message) -> None:
    cli(*ACME)
    add_doc(cli, "acme", "F-1", "2026-01-15", "100")
    add_doc(cli, "acme", "F-0", "2026-01-10", "100", "--status", "cancelled")
    result = cli("history", "pay", "acme", *args, code=1)
    assert message in result.stderr
    assert result.stdout == ""
    assert counts(db_path) == (2, 0)


# --- history list -------------------------------------------------------------------------


def test_history_list_json_oldest_first(cli) -> None:
    cli(*ACME)
    add_doc(cli, "acme", "F-2", "2026-03-01", "200")
    add_doc(cli, "acme", "D-1", "2026-01-05", "50", "--type", "quote")
    add_doc(cli, "acme", "F-1", "2026-02-01", "100", "--vat-rate", "20")
    cli(
        "history",
        "pay",
        "acme",
        "F-1",
        "--amount",
        "120",
        "--date",
        "2026-02-10",
        "--method",
        "carte",
    )
    documents = cli.json("history", "list", "contact@acme.fr")
    assert [d["number"] for d in documents] == ["D-1", "F-1", "F-2"]
    assert all(list(d) == DOC_KEYS for d in documents)
    assert documents[1]["status"] == "paid"
    assert documents[1]["payments"] == [
        {"date": "2026-02-10", "amount": "120.00", "method": "carte"}
    ]


def test_history_list_empty(cli) -> None:
    cli(*ACME)
    assert cli.json("history", "list", "acme") == []
    result = cli("history", "list", "acme")
    assert result.stdout == ""
    assert "Aucun document" in result.stderr


# --- history import -----------------------------------------------------------------------


IMPORT_ROWS = [
    IMPORT_HEADER,
    # row 2: paid in full on import
    "contact@acme.fr;Facture;F-10;15/02/2026;1 000,00;1 200,00;;20/03/2026;1 200,00",
    # row 3: unpaid
    "contact@acme.fr;Facture;F-11;16/02/2026;500,00;600,00;;;",
    # row 4: unknown client
    "inconnu@exemple.fr;Facture;F-12;16/02/2026;500,00;600,00;;;",
    # row 5: credit note
    "CONTACT@acme.fr;Avoir;A-1;17/02/2026;100,00;120,00;;;",
    # row 6: F-10 again
    "contact@acme.fr;Facture;F-10;18/02/2026;10,00;12,00;;;",
    # row 7: quote, French status
    "contact@acme.fr;Devis;D-1;18/02/2026;10,00;12,00;accepté;;",
    # row 8: partially paid
    "contact@acme.fr;Facture;F-13;19/02/2026;100,00;120,00;;01/03/2026;20,00",
]
IMPORT_ERRORS = [
    {
        "row": 4,
        "column": "Client/Email",
        "value": "inconnu@exemple.fr",
        "message": "Aucun client ne correspond à « inconnu@exemple.fr »",
    },
    {
        "row": 6,
        "column": "Numéro",
        "value": "F-10",
        "message": "Facture F-10 existe déjà (client #1) : un numéro ne sert qu'une fois",
    },
]


def test_history_import(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(tmp_path, IMPORT_ROWS)
    result = cli("history", "import", str(path), "--format", "json")
    report = json.loads(result.stdout)
    assert report == {
        "documents": 5,
        "payments": 2,
        "skipped": 0,
        "rejected": 2,
        "errors": IMPORT_ERRORS,
        "notices": ["Séparateur détecté : point-virgule."],
        "dry_run": False,
    }
    assert "Ligne 4, colonne « Client/Email » : Aucun client ne correspond" in result.stderr
    assert "Ligne 6, colonne « Numéro » : Facture F-10 existe déjà" in result.stderr
    documents = {d["number"] + d["type"]: d for d in cli.json("history", "list", "acme")}
    assert sorted(documents) == [
        "A-1credit_note",
        "D-1quote",
        "F-10invoice",
        "F-11invoice",
        "F-13invoice",
    ]
    paid = documents["F-10invoice"]
    assert (paid["date"], paid["due_date"]) == ("2026-02-15", "2026-04-30")  # 45 days end of month
    assert (paid["amount_ht"], paid["amount_ttc"], paid["status"]) == ("1000.00", "1200.00", "paid")
    assert paid["payments"] == [{"date": "2026-03-20", "amount": "1200.00", "method": None}]
    assert documents["F-11invoice"]["status"] == "sent"
    assert documents["F-11invoice"]["payments"] == []
    assert documents["F-13invoice"]["status"] == "partially_paid"
    assert documents["A-1credit_note"]["amount_ht"] == "100.00"
    assert documents["D-1quote"]["status"] == "accepted"
    # the invoice rejected as a duplicate did not replace the first one
    assert paid["amount_ht"] == "1000.00"


def test_history_import_reads_negative_credit_notes_of_french_excel(cli, tmp_path: Path) -> None:
    # as a French Excel or Dolibarr export writes them: Windows-1252, semicolons, no-break
    # spaces between thousands, credit notes with negative amounts, rates as « 20 % »
    cli(*ACME)
    path = tmp_path / "factures.csv"
    rows = [
        "Email;Type;Numéro;Date;Montant HT;Taux de TVA;Montant TTC",
        "contact@acme.fr;Facture;F-1;15/01/2026;1\xa0234,56;20 %;",
        "contact@acme.fr;Avoir;A-1;20/01/2026;-100,00;;-120,00",
        "contact@acme.fr;Avoir;A-2;21/01/2026;-50;20 %;",
        "contact@acme.fr;Facture;F-2;22/01/2026;-10,00;20 %;",
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    result = cli("history", "import", str(path), "--format", "json", code=0)
    report = json.loads(result.stdout)
    assert (report["documents"], report["rejected"]) == (3, 1)
    assert report["errors"] == [
        {
            "row": 5,
            "column": "Montant HT",
            "value": "-10,00",
            "message": "Montant négatif : enregistrez plutôt un avoir",
        }
    ]
    documents = {d["number"]: d for d in cli.json("history", "list", "acme")}
    assert (documents["F-1"]["amount_ht"], documents["F-1"]["amount_ttc"]) == ("1234.56", "1481.47")
    assert (documents["A-1"]["amount_ht"], documents["A-1"]["amount_ttc"]) == ("100.00", "120.00")
    assert (documents["A-2"]["amount_ht"], documents["A-2"]["amount_ttc"]) == ("50.00", "60.00")
    assert cli.json("stats", "acme")["revenue"] == "1084.56"  # 1234.56 − 100 − 50


def test_history_import_reads_a_dolibarr_invoice_export(cli, tmp_path: Path) -> None:
    # Dolibarr's « Factures clients et règlements » export: the fields of
    # htdocs/core/modules/modFacture.class.php (export_fields_array: CompanyName, ProfId2,
    # InvoiceRef, DateInvoice, DateDue, TotalHT, TotalTTC, InvoiceStatus, DatePayment,
    # PaymentAmount, PaymentMode) under their labels of htdocs/langs/fr_FR (bills.lang,
    # main.lang, companies.lang), ISO-8859-1, commas, a separator ending each line; a
    # credit note has negative totals and no type column says so; statuses as Dolibarr
    # shows them (« Payée », « Impayée », « Abandonnée », « Réglement commencé »)
    cli(*ACME)
    rows = [
        "Nom du tiers,ID professionnel 2,Ref. facture,Date facturation,Date limite règlement,"
        "Total HT,Total TTC,Statut facture,Date paiement,Montant réglement,Mode règlement,",
        "ACME SAS,73282932000074,FA2601-0001,15/01/2026,14/02/2026,1000,1200,Payée,"
        "10/02/2026,1200,Virement bancaire,",
        "ACME SAS,73282932000074,AV2601-0001,20/01/2026,,-100,-120,Payée,,,,",
        "ACME SAS,73282932000074,FA2601-0002,21/01/2026,,500,600,Impayée,,,,",
        "ACME SAS,73282932000074,FA2601-0003,22/01/2026,,300,360,Abandonnée,,,,",
        "ACME SAS,73282932000074,FA2601-0004,23/01/2026,,200,240,Réglement commencé,"
        "30/01/2026,100,Chèque,",
        "ACME SAS,73282932000074,FA2601-0005,24/01/2026,,200,240,Validée (à payer),,,,",
        "ACME SAS,73282932000074,FA2601-0006,25/01/2026,,200,240,Fermée (impayée),,,,",
    ]
    path = tmp_path / "export_invoice_2.csv"
    path.write_bytes("\n".join(rows).encode("iso-8859-1") + b"\n")
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["rejected"]) == (6, 2, 1)
    assert [(e["row"], e["column"], e["value"]) for e in report["errors"]] == [
        (8, "Statut facture", "Fermée (impayée)")
    ]
    documents = {d["number"]: d for d in cli.json("history", "list", "acme")}
    shown = {
        n: (d["type"], d["amount_ht"], d["amount_ttc"], d["status"], d["due_date"])
        for n, d in documents.items()
    }
    assert shown == {
        "FA2601-0001": ("invoice", "1000.00", "1200.00", "paid", "2026-02-14"),
        "AV2601-0001": ("credit_note", "100.00", "120.00", "paid", "2026-03-31"),
        "FA2601-0002": ("invoice", "500.00", "600.00", "sent", "2026-03-31"),
        "FA2601-0003": ("invoice", "300.00", "360.00", "cancelled", "2026-03-31"),
        "FA2601-0004": ("invoice", "200.00", "240.00", "partially_paid", "2026-03-31"),
        "FA2601-0005": ("invoice", "200.00", "240.00", "sent", "2026-03-31"),
    }
    assert documents["FA2601-0001"]["payments"] == [
        {"date": "2026-02-10", "amount": "1200.00", "method": "virement"}
    ]
    assert documents["FA2601-0004"]["payments"] == [
        {"date": "2026-01-30", "amount": "100.00", "method": "cheque"}
    ]


def test_history_import_of_dolibarr_reads_one_line_a_payment(cli, tmp_path: Path) -> None:
    # « Factures clients et règlements » writes an invoice once a payment, its amounts and
    # its final status on each line; a credit note's refund is a negative payment
    cli(*ACME)
    rows = [
        "Nom du tiers;Ref. facture;Date facturation;Total HT;Total TTC;Statut facture;"
        "Date paiement;Montant réglement",
        "ACME SAS;FA2401-0002;15/01/2024;250,00;300,00;Payée;20/01/2024;100,00",
        "ACME SAS;FA2401-0002;15/01/2024;250,00;300,00;Payée;25/01/2024;200,00",
        "ACME SAS;FA2401-0003;16/01/2024;100,00;120,00;Réglement commencé;20/01/2024;20,00",
        "ACME SAS;FA2401-0003;16/01/2024;100,00;120,00;Réglement commencé;21/01/2024;30,00",
        "ACME SAS;AV2401-0001;18/01/2024;-100,00;-120,00;Payée;18/01/2024;-120,00",
        "ACME SAS;FA2401-0003;16/01/2024;999,00;1198,80;Payée;22/01/2024;10,00",
    ]
    path = tmp_path / "export_invoice_2.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    # three documents; four payments, two of them on further lines of an invoice
    assert (report["documents"], report["payments"], report["rejected"]) == (3, 4, 1)
    # another invoice under the same number, with other amounts: refused as before
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(7, "Ref. facture")]
    documents = {d["number"]: d for d in cli.json("history", "list", "acme")}
    paid = documents["FA2401-0002"]
    assert (paid["status"], [p["amount"] for p in paid["payments"]]) == (
        "paid", ["100.00", "200.00"],
    )  # fmt: skip
    started = documents["FA2401-0003"]
    assert (started["status"], len(started["payments"])) == ("partially_paid", 2)
    refund = documents["AV2401-0001"]
    assert (refund["type"], refund["amount_ttc"], refund["status"], refund["payments"]) == (
        "credit_note", "120.00", "paid", [],
    )  # fmt: skip


def test_history_import_of_odoo_reads_the_payment_status(cli, tmp_path: Path) -> None:
    # Odoo's invoice list: « Statut » says Comptabilisé, « État du paiement » says paid
    cli(*ACME)
    rows = [
        "Numéro,Partenaire,Date de facturation,Hors taxes signé,Total signé,Statut,"
        "État du paiement",
        "FAC/2026/00001,ACME SAS,2026-01-15,100,120,Comptabilisé,Payé",
        "FAC/2026/00002,ACME SAS,2026-01-16,100,120,Comptabilisé,Partiellement payé",
        "FAC/2026/00003,ACME SAS,2026-01-17,100,120,Comptabilisé,Non payé",
        "FAC/2026/00004,ACME SAS,2026-01-18,100,120,Annulé,Non payé",
    ]
    path = tmp_path / "account.move.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cli("history", "import", str(path))
    documents = {d["number"]: d["status"] for d in cli.json("history", "list", "acme")}
    assert documents == {
        "FAC/2026/00001": "paid",
        "FAC/2026/00002": "partially_paid",
        "FAC/2026/00003": "sent",
        "FAC/2026/00004": "cancelled",
    }


def test_history_import_table_report(cli, tmp_path: Path) -> None:
    cli(*ACME)
    lines = cli("history", "import", str(write(tmp_path, IMPORT_ROWS))).stdout.splitlines()
    assert lines == [
        "Résultat\tNombre",
        "Documents créés\t5",
        "Paiements ajoutés\t2",
        "Lignes déjà dans le carnet\t0",
        "Lignes rejetées\t2",
    ]


def test_history_import_dry_run_writes_nothing(cli, tmp_path: Path, db_path: Path) -> None:
    cli(*ACME)
    path = write(tmp_path, IMPORT_ROWS)
    result = cli("history", "import", str(path), "--dry-run", "--format", "json")
    report = json.loads(result.stdout)
    # the same findings as a real import, the duplicate within the file included
    assert report == {
        "documents": 5,
        "payments": 2,
        "skipped": 0,
        "rejected": 2,
        "errors": IMPORT_ERRORS,
        "notices": ["Séparateur détecté : point-virgule."],
        "dry_run": True,
    }
    assert "Simulation (--dry-run) : rien n'a été écrit." in result.stderr
    assert counts(db_path) == (0, 0)
    assert cli.json("history", "list", "acme") == []


def test_history_import_strict_writes_nothing(cli, tmp_path: Path, db_path: Path) -> None:
    cli(*ACME)
    path = write(tmp_path, IMPORT_ROWS)
    result = cli("history", "import", str(path), "--strict", "--format", "json", code=1)
    assert "Import refusé (--strict) : 2 ligne(s) rejetée(s) ; rien n'a été écrit." in result.stderr
    # the rows refused, on stderr and in the JSON report, as for a client import
    assert "Ligne 4, colonne « Client/Email » : Aucun client ne correspond" in result.stderr
    assert json.loads(result.stdout)["errors"] == IMPORT_ERRORS
    assert counts(db_path) == (0, 0)
    # without rejected rows --strict imports everything
    good = write(tmp_path, [IMPORT_ROWS[0], IMPORT_ROWS[1], IMPORT_ROWS[2]], "bon.csv")
    report = json.loads(cli("history", "import", str(good), "--strict", "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["rejected"]) == (2, 1, 0)
    assert counts(db_path) == (2, 1)


def test_history_import_finds_clients_by_siret_or_name(cli, tmp_path: Path) -> None:
    cli(*ACME)
    add_client(cli, "--name", "Boulangerie Martin")
    path = write(
        tmp_path,
        [
            "Client;SIRET;N°;Date;Montant HT;TVA",
            ";732 829 320 00074;F-1;2026-01-15;100;20",
            "boulangerie  martin;;F-2;2026-01-16;200;5,5",
            "Personne;;F-3;2026-01-17;300;20",
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["rejected"]) == (2, 1)
    assert report["errors"][0]["row"] == 4
    assert report["errors"][0]["column"] == "Client"
    assert cli.json("history", "list", "acme")[0]["amount_ttc"] == "120.00"
    assert cli.json("history", "list", "martin")[0]["amount_ttc"] == "211.00"


def test_history_import_payment_date_alone_means_paid_in_full(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            "Email;Numéro;Date;Montant HT;Taux de TVA;Date de paiement;Mode de paiement",
            "contact@acme.fr;F-1;2026-01-15;100;20;2026-02-01;Chèque",
        ],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"]) == (1, 1)
    [invoice] = cli.json("history", "list", "acme")
    assert invoice["status"] == "paid"
    assert invoice["payments"] == [{"date": "2026-02-01", "amount": "120.00", "method": "cheque"}]


def test_history_import_finds_an_individual_by_its_displayed_name(cli, tmp_path: Path) -> None:
    add_client(cli, "--name", "Dupont", "--first-name", "Éléonore")
    assert cli("list").stdout.splitlines()[1].split("\t")[1] == "Éléonore Dupont"
    path = write(
        tmp_path,
        ["Client;Numéro;Date;Montant HT;Taux de TVA", "Éléonore Dupont;F-1;2026-01-15;100;20"],
    )
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert report["rejected"] == 0
    assert report["documents"] == 1


def test_history_import_rejects_invalid_values_with_their_column(cli, tmp_path: Path) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [
            IMPORT_HEADER,
            "contact@acme.fr;Facture;F-1;32/01/2026;100;120;;;",
            "contact@acme.fr;Facture;F-2;2026-01-15;abc;120;;;",
            "contact@acme.fr;Facture;F-3;2026-01-15;100;90;;;",
            "contact@acme.fr;Devis;F-4;2026-01-15;100;120;payé;;",
            "contact@acme.fr;Facture;F-5;2026-01-15;100;120;;;150",
            "contact@acme.fr;Facture;;2026-01-15;100;120;;;",
        ],
    )
    result = cli("history", "import", str(path), "--format", "json", code=1)
    assert "Aucune ligne importable : les 6 ligne(s) du fichier ont été rejetées" in result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 0
    assert [(e["row"], e["column"]) for e in report["errors"]] == [
        (2, "Date"), (3, "Montant HT"), (4, "Montant TTC"), (5, "Statut"),
        (6, "Montant payé"), (7, "Numéro"),
    ]  # fmt: skip


def test_history_import_missing_columns(cli, tmp_path: Path, db_path: Path) -> None:
    cli(*ACME)
    path = write(tmp_path, ["Client/Email;Numéro;Date", "contact@acme.fr;F-1;2026-01-15"])
    result = cli("history", "import", str(path), code=1)
    assert "Colonnes obligatoires absentes : Montant HT" in result.stderr
    assert "« Client/Email »" in result.stderr
    assert counts(db_path) == (0, 0)


def test_history_import_xlsx(cli, tmp_path: Path) -> None:
    cli(*ACME)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Email", "Type", "Numéro", "Date", "Montant HT", "Montant TTC", "Statut",
                  "Date de paiement", "Montant payé"])  # fmt: skip
    sheet.append(["contact@acme.fr", "facture", "F-1", dt.datetime(2026, 3, 15), 1000.5, 1200.6,
                  None, dt.datetime(2026, 4, 1), 1200.6])  # fmt: skip
    sheet.append(["contact@acme.fr", "avoir", 11, dt.datetime(2026, 3, 16), 100, 120, "envoyé",
                  None, None])  # fmt: skip
    path = tmp_path / "historique.xlsx"
    book.save(path)
    report = json.loads(cli("history", "import", str(path), "--format", "json").stdout)
    assert (report["documents"], report["payments"], report["rejected"]) == (2, 1, 0)
    documents = cli.json("history", "list", "acme")
    assert [
        (d["number"], d["date"], d["amount_ht"], d["amount_ttc"], d["status"]) for d in documents
    ] == [
        ("F-1", "2026-03-15", "1000.50", "1200.60", "paid"),
        ("11", "2026-03-16", "100.00", "120.00", "sent"),
    ]
    assert documents[0]["payments"] == [{"date": "2026-04-01", "amount": "1200.60", "method": None}]


def test_history_import_takes_no_payment_on_a_quote(cli, tmp_path: Path, db_path: Path) -> None:
    cli(*ACME)
    path = write(
        tmp_path, [IMPORT_HEADER, "contact@acme.fr;Devis;D-9;15/02/2026;100;120;;20/03/2026;120"]
    )
    result = cli("history", "import", str(path), code=1)
    assert "Paiement refusé : on ne paie pas un devis" in result.stderr
    with ClientStore(db_path) as store:
        statuses = [
            r[0] for r in store.db.execute("SELECT status FROM documents WHERE type = 'quote'")
        ]
        on_quotes = store.db.execute(
            "SELECT count(*) FROM payments p JOIN documents d ON d.id = p.document_id"
            " WHERE d.type = 'quote'"
        ).fetchone()[0]
    assert all(s in STATUSES["quote"] for s in statuses)
    assert on_quotes == 0


def test_history_import_takes_no_payment_on_a_cancelled_invoice(
    cli, tmp_path: Path, db_path: Path
) -> None:
    cli(*ACME)
    path = write(
        tmp_path,
        [IMPORT_HEADER, "contact@acme.fr;Facture;F-90;15/02/2026;100;120;annulé;20/03/2026;50"],
    )
    result = cli("history", "import", str(path), code=1)
    assert "on ne paie pas une facture annulée" in result.stderr
    with ClientStore(db_path) as store:
        on_cancelled = store.db.execute(
            "SELECT count(*) FROM payments p JOIN documents d ON d.id = p.document_id"
            " WHERE d.status IN ('cancelled', 'draft')"
        ).fetchone()[0]
    assert on_cancelled == 0


# --- stats --------------------------------------------------------------------------------


def _old_history(cli) -> None:
    """ACME, all in 2020 (so that what is overdue does not depend on the day the tests run):

    EUR: F-1 2020-01-10 1000 HT → 1200 TTC, paid 2020-01-30 (20 days)
         F-2 2020-02-01  500 HT →  600 TTC, 100 paid; due 2020-03-31 (45 days end of month)
         F-3 2020-03-01  200 HT →  240 TTC, due 2099-12-31
         F-4 2020-03-02  900 HT, cancelled
         A-1 2020-03-05   50 HT credit note
         D-1 2020-03-06 9000 HT quote
    USD: F-5 2020-04-01  300 HT → 300 TTC, unpaid, due 2020-05-31
    """
    cli(*ACME)
    add_doc(cli, "acme", "F-1", "2020-01-10", "1000", "--vat-rate", "20")
    cli("history", "pay", "acme", "F-1", "--amount", "1200", "--date", "2020-01-30")
    add_doc(cli, "acme", "F-2", "2020-02-01", "500", "--vat-rate", "20")
    cli("history", "pay", "acme", "F-2", "--amount", "100", "--date", "2020-03-01")
    add_doc(cli, "acme", "F-3", "2020-03-01", "200", "--vat-rate", "20", "--due", "2099-12-31")
    add_doc(cli, "acme", "F-4", "2020-03-02", "900", "--status", "cancelled")
    add_doc(cli, "acme", "A-1", "2020-03-05", "50", "--type", "avoir")
    add_doc(cli, "acme", "D-1", "2020-03-06", "9000", "--type", "devis")
    add_doc(cli, "acme", "F-5", "2020-04-01", "300", "--currency", "USD")


ACME_EUR = {
    "currency": "EUR",
    "revenue": "1650.00",  # 1000 + 500 + 200 − 50
    "invoice_count": 3,
    "invoiced_ttc": "2040.00",  # 1200 + 600 + 240
    "paid": "1300.00",  # 1200 + 100
    "payment_rate": "0.6373",  # 1300 / 2040 = 0.63725…
    "paid_invoice_rate": "0.3333",  # 1 / 3
    "outstanding": "740.00",  # 500 + 240
    "overdue": "500.00",  # F-2 only
    "average_days_to_pay": "20",
}
ACME_USD = {
    "currency": "USD",
    "revenue": "300.00",
    "invoice_count": 1,
    "invoiced_ttc": "300.00",
    "paid": "0.00",
    "payment_rate": "0",
    "paid_invoice_rate": "0",
    "outstanding": "300.00",
    "overdue": "300.00",
    "average_days_to_pay": None,
}


def _months() -> list[str]:
    today = dt.date.today()
    year, month, labels = today.year, today.month, []
    for _ in range(12):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def test_stats_of_a_client_json(cli) -> None:
    _old_history(cli)
    data = cli.json("stats", "acme")
    monthly = data.pop("monthly_revenue")
    statuses = data.pop("invoice_statuses")
    assert data == {**ACME_EUR, "last_activity": "2020-04-01", "by_currency": [ACME_EUR, ACME_USD]}
    # the last twelve months hold nothing from 2020
    assert monthly == [{"month": m, "EUR": "0.00"} for m in _months()]
    assert statuses == {"paid": 1, "partially_paid": 1, "sent": 2, "cancelled": 1}


def test_stats_of_the_whole_book_json(cli) -> None:
    _old_history(cli)
    add_client(cli, "--name", "Boulangerie Martin")
    today = dt.date.today()
    add_doc(cli, "martin", "F-100", today.isoformat(), "100")
    data = cli.json("stats")
    # EUR: 1650 + 100 = 1750 over 4 invoices; 1300 paid of 2140 = 0.60747… → 0.6075
    assert data["currency"] == "EUR"
    assert data["revenue"] == "1750.00"
    assert data["invoice_count"] == 4
    assert data["invoiced_ttc"] == "2140.00"
    assert data["payment_rate"] == "0.6075"
    assert data["paid_invoice_rate"] == "0.25"
    assert data["outstanding"] == "840.00"
    assert data["overdue"] == "500.00"  # F-100 is due in 30 days
    assert data["last_activity"] == today.isoformat()
    assert [c["currency"] for c in data["by_currency"]] == ["EUR", "USD"]
    assert data["monthly_revenue"][-1] == {"month": today.isoformat()[:7], "EUR": "100.00"}
    assert len(data["monthly_revenue"]) == 12
    assert data["invoice_statuses"]["sent"] == 3


def test_stats_table_and_refusals(cli) -> None:
    _old_history(cli)
    text = cli("stats", "acme").stdout
    for label in (
        "Chiffre d'affaires HT (EUR)\t1\u202f650,00 EUR",
        "Chiffre d'affaires HT (USD)\t300,00 USD",
        "Taux de paiement (montant TTC)\t63,7 %",
        "Encours\t740,00 EUR",
        "En retard\t500,00 EUR",
        "Délai moyen de paiement\t20",
        "Dernière activité\t01/04/2020",
    ):
        assert label in text, label
    assert "Client introuvable" in cli("stats", "Durand", code=1).stderr


def test_stats_without_documents(cli) -> None:
    add_client(cli, "--name", "Nouveau")
    data = cli.json("stats", "nouveau")
    assert data["revenue"] == "0.00"
    assert data["invoice_count"] == 0
    assert data["payment_rate"] is None
    assert data["last_activity"] is None
    assert "by_currency" not in data


def test_show_json_has_stats_and_history(cli) -> None:
    _old_history(cli)
    data = cli.json("show", "acme")
    assert data["stats"] == {
        **ACME_EUR, "last_activity": "2020-04-01", "by_currency": [ACME_EUR, ACME_USD],
    }  # fmt: skip
    assert data["history"] == cli.json("history", "list", "acme")
    assert [d["number"] for d in data["history"]] == [
        "F-1",
        "F-2",
        "F-3",
        "F-4",
        "A-1",
        "D-1",
        "F-5",
    ]
    fiche = cli("show", "acme").stdout
    for text in ("Statistiques", "Historique", "Facture F-1", "Devis D-1", "Avoir A-1", "paiement"):
        assert text in fiche, text


def test_show_json_of_a_client_without_history(cli) -> None:
    add_client(cli, "--name", "Nouveau")
    data = cli.json("show", "nouveau")
    assert data["history"] == []
    assert data["stats"]["revenue"] == "0.00"


# --- list --sort revenue ------------------------------------------------------------------


def test_list_sort_revenue(cli) -> None:
    alpha = add_client(cli, "--name", "Alpha")
    bravo = add_client(cli, "--name", "Bravo")
    charlie = add_client(cli, "--name", "Charlie")
    delta = add_client(cli, "--name", "Delta")
    add_doc(cli, alpha, "F-1", "2026-01-01", "100")
    add_doc(cli, bravo, "F-2", "2026-01-01", "500")
    add_doc(cli, charlie, "F-3", "2026-01-01", "10000", "--status", "cancelled")
    add_doc(cli, charlie, "F-4", "2026-01-01", "10000", "--status", "draft")
    add_doc(cli, charlie, "D-1", "2026-01-01", "10000", "--type", "quote")
    add_doc(cli, delta, "F-5", "2026-01-01", "400")
    add_doc(cli, delta, "A-1", "2026-01-02", "100", "--type", "credit_note")
    # revenue: Bravo 500, Delta 400 − 100 = 300, Alpha 100, Charlie 0
    ids = cli("list", "--sort", "revenue", "--format", "ids").stdout.split()
    assert ids == [bravo, delta, alpha, charlie]
    ids = cli("list", "--sort", "revenue", "--limit", "2", "--format", "ids").stdout.split()
    assert ids == [bravo, delta]
    # --desc means descending, as the default; --asc ascending, the smallest first
    ids = cli("list", "--sort", "revenue", "--desc", "--format", "ids").stdout.split()
    assert ids == [bravo, delta, alpha, charlie]
    ids = cli("list", "--sort", "revenue", "--asc", "--format", "ids").stdout.split()
    assert ids == [charlie, alpha, delta, bravo]
    ids = cli(
        "list", "--sort", "revenue", "--asc", "--limit", "2", "--format", "ids"
    ).stdout.split()
    assert ids == [charlie, alpha]
    # the revenue is visible: in JSON, and as a column of the table
    listed = cli.json("list", "--sort", "revenue")
    assert [(c["id"], c["revenue"]) for c in listed][:2] == [
        (int(bravo), "500.00"),
        (int(delta), "300.00"),
    ]
    table = cli("list", "--sort", "revenue").stdout.splitlines()
    assert table[0].split("\t")[2] == "CA HT" and table[1].split("\t")[2] == "500,00 EUR"
    names = [c["name"] for c in cli.json("list", "--sort", "name", "--desc")]
    assert names == ["Delta", "Charlie", "Bravo", "Alpha"]
    # a payment does not change the revenue, a new invoice does
    cli("history", "pay", alpha, "F-1", "--amount", "100", "--date", "2026-01-05")
    add_doc(cli, alpha, "F-6", "2026-02-01", "1000")
    ids = cli("list", "--sort", "revenue", "--limit", "1", "--format", "ids").stdout.split()
    assert ids == [alpha]


# --- config -------------------------------------------------------------------------------


def test_config_list_defaults(cli) -> None:
    assert cli.json("config", "list") == {
        "activity": "services",
        "vat_franchise": "false",
        "default_terms_days": "30",
        "default_currency": "EUR",
        "vies.url": "https://ec.europa.eu/taxation_customs/vies/rest-api",
        "seller_vat_number": "",
        "register.url": "https://recherche-entreprises.api.gouv.fr",
        "online.timeout": "10",
        "online.retries": "3",
        "online.delay": "1",
    }
    lines = cli("config", "list").stdout.splitlines()
    assert lines[0].split("\t") == ["Réglage", "Valeur", "Description"]
    assert lines[1].split("\t")[:2] == ["activity", "services"]


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("activity", "goods", "goods"),
        ("activity", "services", "services"),
        ("vat_franchise", "true", "true"),
        ("vat_franchise", "oui", "true"),
        ("vat_franchise", "non", "false"),
        ("default_terms_days", "45", "45"),
        ("default_terms_days", "15", "15"),
        ("default_currency", "usd", "USD"),
        ("default_currency", "CHF", "CHF"),
    ],
)
def test_config_set_get(cli, key: str, value: str, stored: str) -> None:
    result = cli("config", "set", key, value)
    assert f"{key} = {stored}" in result.stderr
    assert cli("config", "get", key).stdout == f"{stored}\n"
    assert cli.json("config", "list")[key] == stored


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("activity", "commerce", "Activité : services ou goods"),
        ("vat_franchise", "peut-être", "Valeur invalide"),
        ("default_terms_days", "90", "maximum légal de 60 jours"),
        ("default_terms_days", "20", "choisissez 15, 30, 45 ou 60"),
        ("default_currency", "EURO", "Devise invalide"),
        ("couleur", "bleu", "Réglage inconnu : « couleur »"),
    ],
)
def test_config_set_refusals(cli, key: str, value: str, message: str) -> None:
    result = cli("config", "set", key, value, code=1)
    assert message in result.stderr
    if key != "couleur":
        defaults = {"activity": "services", "vat_franchise": "false",
                    "default_terms_days": "30", "default_currency": "EUR"}  # fmt: skip
        assert cli("config", "get", key).stdout.strip() == defaults[key]
    else:
        assert "couleur" not in cli.json("config", "list")


def test_config_get_unknown_key(cli) -> None:
    result = cli("config", "get", "couleur", code=1)
    assert "Réglage inconnu : « couleur »" in result.stderr
    assert "activity, vat_franchise, default_terms_days, default_currency" in result.stderr
    assert result.stdout == ""


def test_vat_franchise_changes_every_vat_regime(cli) -> None:
    cli(
        "add",
        "--name",
        "Müller GmbH",
        "--country",
        "Allemagne",
        "--vat-number",
        "DE136695976",
        "--no-input",
    )
    assert cli.json("show", "muller")["vat_regime"]["code"] == "reverse_charge"
    cli("config", "set", "vat_franchise", "true")
    cli(*ACME)
    franchise = {"code": "franchise", "mention": "TVA non applicable, art. 293 B du CGI"}
    assert cli.json("show", "acme")["vat_regime"] == franchise
    assert cli.json("show", "muller")["vat_regime"] == franchise  # created before the change
    assert all(c["vat_regime"] == franchise for c in cli.json("list"))
    assert "TVA non applicable, art. 293 B du CGI" in cli("show", "acme").stdout
    cli("config", "set", "vat_franchise", "false")
    assert cli.json("show", "acme")["vat_regime"]["code"] == "french_vat"


def test_goods_activity_changes_the_reverse_charge_mention(cli) -> None:
    cli(
        "add",
        "--name",
        "Müller GmbH",
        "--country",
        "Allemagne",
        "--vat-number",
        "DE 136 695 976",
        "--no-input",
    )
    services = cli.json("show", "muller")["vat_regime"]
    assert services["code"] == "reverse_charge"
    assert "Autoliquidation" in services["mention"]
    cli("config", "set", "activity", "goods")
    assert cli.json("show", "DE136695976")["vat_regime"] == {
        "code": "reverse_charge",
        "mention": "Exonération de TVA, article 262 ter I du CGI",
    }
    assert "Exonération de TVA, article 262 ter I du CGI" in cli("show", "muller").stdout


def test_default_terms_and_currency_apply_to_new_clients(cli) -> None:
    before = add_client(cli, "--name", "Avant")
    cli("config", "set", "default_terms_days", "45")
    cli("config", "set", "default_currency", "CHF")
    after = json.loads(cli("add", "--name", "Après", "--no-input", "--format", "json").stdout)
    assert (after["terms_days"], after["currency"]) == (45, "CHF")
    explicit = json.loads(
        cli("add", "--name", "Explicite", "--terms-days", "15", "--currency", "EUR", "--no-input",
            "--format", "json").stdout
    )  # fmt: skip
    assert (explicit["terms_days"], explicit["currency"]) == (15, "EUR")
    old = cli.json("show", before)
    assert (old["terms_days"], old["currency"]) == (30, "EUR")
    # and its invoices fall due 45 days later, in its currency
    invoice = add_doc(cli, "après", "F-1", "2026-01-15", "100")
    assert (invoice["due_date"], invoice["currency"]) == ("2026-03-01", "CHF")
