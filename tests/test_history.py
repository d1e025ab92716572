"""History core without the CLI: amounts, dates, due dates, discounts, VAT, documents,
payments, and the revenue column kept by triggers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from newbi_clients.builder import apply_changes, build_client
from newbi_clients.documents import (
    apply_discount,
    due_date,
    parse_amount,
    parse_date,
    parse_rate,
    ttc_from_rate,
)
from newbi_clients.errors import ValidationFailed
from newbi_clients.history import NewDocument, add_document, add_payment, documents_of
from newbi_clients.models import Client, Discount
from newbi_clients.storage import ClientStore

NNBSP = "\u202f"  # the thousands separator of French amounts in messages


def make(store: ClientStore, **raw: object) -> Client:
    raw.setdefault("name", "ACME SAS")
    return store.add(build_client(raw).client, allow_duplicate=True)


def invoice(number: str, date: str = "2026-01-15", ht: str = "1000", **kw: object) -> NewDocument:
    return NewDocument(type="invoice", number=number, date=date, amount_ht=ht, **kw)  # type: ignore[arg-type]


def count(store: ClientStore, table: str) -> int:
    return int(store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def revenue_cents(store: ClientStore, client_id: int | None) -> int:
    row = store.db.execute("SELECT revenue_cents FROM clients WHERE id = ?", [client_id])
    return int(row.fetchone()[0])


# --- parse_amount ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),  # non-breaking space, as French Excel writes it
        (f"1{NNBSP}234,56", 123456),
        ("1234.56", 123456),
        ("1.234,56", 123456),
        ("1,234.56", 123456),
        ("12", 1200),
        ("12,5", 1250),
        ("0,1", 10),
        ("12,30 €", 1230),
        ("12 EUR", 1200),
        ("  42,00  ", 4200),
        ("0", 0),
    ],
)
def test_parse_amount_reads_french_and_english_writing(text: str, cents: int) -> None:
    result = parse_amount(text)
    assert result == cents
    assert type(result) is int


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        # each of these goes wrong through a float: 0.29 * 100 == 28.999999999999996
        ("0,29", 29),
        ("1,15", 115),
        ("4,35", 435),
        ("1 234 567,89", 123456789),
        # beyond a double's 53 bits of mantissa
        ("123 456 789 012 345,67", 12345678901234567),
    ],
)
def test_parse_amount_is_exact_integer_cents(text: str, cents: int) -> None:
    result = parse_amount(text)
    assert result == cents
    assert type(result) is int


def test_parse_amount_refuses_more_than_two_decimals() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_amount("12,345")
    assert "plus de 2 décimales" in exc.value.message
    assert "12,345" in exc.value.message
    with pytest.raises(ValidationFailed, match="plus de 2 décimales"):
        parse_amount("0.001")


@pytest.mark.parametrize(
    "text", ["1" + "0" * 40, "1" + "0" * 20, "-1" + "0" * 20, "1000000000000000"]
)
def test_parse_amount_refuses_amounts_beyond_the_bound(text: str) -> None:
    """Beyond a Decimal's 28 digits (which its rounding refused with an exception) or
    SQLite's 64-bit integers (which refused the cents): a message naming the amount."""
    with pytest.raises(ValidationFailed, match="dépasse 999 999 999 999 999,99") as exc:
        parse_amount(text, "amount_ht")
    assert exc.value.errors[0].field == "amount_ht"
    assert parse_amount("999 999 999 999 999,99") == 99_999_999_999_999_999
    assert parse_amount("-999999999999999.99") == -99_999_999_999_999_999


@pytest.mark.parametrize(
    "text", ["abc", "", "   ", "1e3", "12,34,56", "1.234.56", "1.23,45", "€", "12 USD", "(50,00)"]
)
def test_parse_amount_refuses_garbage(text: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_amount(text, "amount_ht")
    assert "Montant invalide" in exc.value.message
    assert exc.value.field == "amount_ht"


def test_parse_amount_names_the_field_it_was_given() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_amount("n/a", "amount_ttc")
    assert exc.value.field == "amount_ttc"
    assert exc.value.errors[0].value == "n/a"


@pytest.mark.parametrize(
    ("text", "rate"), [("20", "20"), ("5,5", "5.5"), ("20 %", "20"), ("0", "0")]
)
def test_parse_rate(text: str, rate: str) -> None:
    assert parse_rate(text) == Decimal(rate)


@pytest.mark.parametrize("text", ["vingt", "-1", "101", ""])
def test_parse_rate_refuses_invalid_rates(text: str) -> None:
    with pytest.raises(ValidationFailed, match="Taux de TVA invalide"):
        parse_rate(text)


# --- parse_date ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-15",
        "15/03/2026",
        "15/03/26",
        " 15/03/2026 ",
        "15.03.2026",
        "15-03-2026",
        "2026-03-15 00:00:00",  # a spreadsheet date cell
        "2026-03-15T00:00:00",
    ],
)
def test_parse_date_formats(text: str) -> None:
    assert parse_date(text) == "2026-03-15"


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "hier", "", "15/03", "2026/03/15"])
def test_parse_date_refuses_invalid_dates(text: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_date(text, "due_date")
    assert "Date invalide" in exc.value.message
    assert "JJ/MM/AAAA" in exc.value.message
    assert exc.value.field == "due_date"


def test_parse_date_accepts_29_february_of_leap_years_only() -> None:
    assert parse_date("29/02/2028") == "2028-02-29"
    with pytest.raises(ValidationFailed):
        parse_date("29/02/2027")


# --- due dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "days", "end_of_month", "expected"),
    [
        ("2026-01-15", 30, False, "2026-02-14"),
        ("2026-01-31", 30, False, "2026-03-02"),  # 2026 is not a leap year
        ("2028-01-31", 30, False, "2028-03-01"),  # 2028 is
        ("2026-12-15", 30, False, "2027-01-14"),  # across the year end
        ("2026-11-20", 60, False, "2027-01-19"),
        ("2026-03-01", 15, False, "2026-03-16"),
        ("2026-01-15", 45, False, "2026-03-01"),
        # N days, then the end of that month
        ("2026-01-15", 45, True, "2026-03-31"),  # 15 Jan + 45 days = 1 Mar → 31 Mar
        ("2026-01-10", 30, True, "2026-02-28"),  # 9 Feb → 28 Feb
        ("2028-01-10", 30, True, "2028-02-29"),  # 9 Feb 2028 → 29 Feb (leap year)
        ("2028-01-15", 45, True, "2028-02-29"),  # 29 Feb 2028 itself
        ("2026-12-20", 30, True, "2027-01-31"),  # across the year end
        ("2026-11-30", 45, True, "2027-01-31"),  # 14 Jan 2027 → 31 Jan 2027
        ("2026-04-30", 30, True, "2026-05-31"),
    ],
)
def test_due_date(issued: str, days: int, end_of_month: bool, expected: str) -> None:
    assert due_date(issued, days, end_of_month) == expected


# --- discounts and VAT ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "discount", "expected"),
    [
        (100000, Discount("percent", Decimal("10")), 90000),
        (12345, Discount("percent", Decimal("5")), 11728),  # 11727.75 → 11728
        (1001, Discount("percent", Decimal("50")), 501),  # 500.5 → 501 (half-up)
        (1003, Discount("percent", Decimal("50")), 502),  # 501.5 → 502 (half-even would say so too)
        (1005, Discount("percent", Decimal("50")), 503),  # 502.5 → 503 (half-even: 502)
        (999, Discount("percent", Decimal("2.5")), 974),  # 974.025 → 974
        (100000, Discount("percent", Decimal("100")), 0),
        (100000, Discount("amount", Decimal("50")), 95000),
        (100000, Discount("amount", Decimal("12.34")), 98766),
        (3000, Discount("amount", Decimal("50")), 0),  # never below zero
        (5000, Discount("amount", Decimal("50")), 0),
        (100000, None, 100000),
    ],
)
def test_apply_discount(amount: int, discount: Discount | None, expected: int) -> None:
    result = apply_discount(amount, discount)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    ("ht", "rate", "ttc"),
    [
        (100000, "20", 120000),
        (123456, "20", 148147),  # 1481.472 → 1481.47
        (1, "20", 1),  # 0.012 € → 0.01 €
        (3, "20", 4),  # 0.036 → 0.04
        (10000, "5.5", 10550),
        (10, "5.5", 11),  # 0.1055 → 0.11 (half-up)
        (300, "5.5", 317),  # 3.165 → 3.17 (half-up; half-even would give 3.16)
        (15, "10", 17),  # 0.165 → 0.17 (half-up; half-even would give 0.16)
        (12345, "0", 12345),
        (0, "20", 0),
    ],
)
def test_ttc_from_rate_rounds_half_up(ht: int, rate: str, ttc: int) -> None:
    result = ttc_from_rate(ht, Decimal(rate))
    assert result == ttc
    assert type(result) is int


# --- add_document ---------------------------------------------------------------------------


def test_add_document_stores_the_document(store: ClientStore) -> None:
    client = make(store)
    doc = add_document(
        store, client, invoice("F-2026-001", "15/01/2026", "1 000,50", vat_rate="20")
    )
    assert doc.id and doc.client_id == client.id
    assert (doc.type, doc.number, doc.date) == ("invoice", "F-2026-001", "2026-01-15")
    assert (doc.amount_ht, doc.amount_ttc) == (100050, 120060)
    assert doc.currency == "EUR"
    assert doc.status == "sent"
    assert doc.payments == []
    assert documents_of(store, client.id or 0) == [doc]
    types = store.db.execute("SELECT typeof(amount_ht), typeof(amount_ttc) FROM documents")
    assert types.fetchone() == ("integer", "integer")
    log = store.audit_log(client.id or 0)
    assert log[-1]["action"] == "history"
    assert log[-1]["details"] == {"document": "F-2026-001", "type": "invoice"}


def test_document_number_is_unique_per_type(store: ClientStore) -> None:
    client = make(store)
    other = make(store, name="Beta SARL")
    add_document(store, client, invoice("F-001"))
    with pytest.raises(ValidationFailed) as exc:
        add_document(store, client, invoice("F-001", "2026-02-01", "5"))
    assert exc.value.field == "number"
    assert f"Facture F-001 existe déjà (client #{client.id})" in exc.value.message
    # not for another client either: an invoice number is used once in the whole book
    with pytest.raises(ValidationFailed, match="existe déjà"):
        add_document(store, other, invoice(" F-001 "))
    # the same number is fine for a quote and a credit note
    quote = add_document(store, client, NewDocument("quote", "F-001", "2026-01-10", "1000"))
    note = add_document(store, client, NewDocument("credit_note", "F-001", "2026-01-20", "10"))
    assert (quote.type, note.type) == ("quote", "credit_note")
    with pytest.raises(ValidationFailed, match="Devis F-001 existe déjà"):
        add_document(store, other, NewDocument("devis", "F-001", "2026-01-10", "1"))
    assert count(store, "documents") == 3


def test_document_number_is_mandatory(store: ClientStore) -> None:
    client = make(store)
    with pytest.raises(ValidationFailed, match="Numéro de document obligatoire"):
        add_document(store, client, invoice("  "))
    assert count(store, "documents") == 0


def test_due_date_defaults_to_the_clients_terms(store: ClientStore) -> None:
    thirty = make(store, name="Trente")
    eom = make(store, name="Fin de mois", terms_days="45", end_of_month="oui")
    assert add_document(store, thirty, invoice("F-1", "15/01/2026")).due_date == "2026-02-14"
    # 15 Jan + 45 days = 1 Mar, carried to the end of March
    assert add_document(store, eom, invoice("F-2", "15/01/2026")).due_date == "2026-03-31"
    # leap year: 15 Jan 2028 + 45 days = 29 Feb 2028, already the end of the month
    assert add_document(store, eom, invoice("F-3", "2028-01-15")).due_date == "2028-02-29"
    credit = add_document(store, thirty, NewDocument("avoir", "A-1", "2026-12-15", "10"))
    assert credit.due_date == "2027-01-14"


def test_explicit_due_date_wins_and_quotes_have_none_by_default(store: ClientStore) -> None:
    client = make(store, terms_days="60")
    doc = add_document(store, client, invoice("F-1", "15/01/2026", due_date="28/02/26"))
    assert doc.due_date == "2026-02-28"
    quote = add_document(store, client, NewDocument("quote", "D-1", "15/01/2026", "100"))
    assert quote.due_date is None
    with pytest.raises(ValidationFailed) as exc:
        add_document(store, client, invoice("F-2", due_date="31/02/2026"))
    assert exc.value.field == "due_date"


def test_currency_defaults_to_the_clients(store: ClientStore) -> None:
    usd = make(store, name="Acme Inc", country="US", currency="USD")
    assert add_document(store, usd, invoice("F-1")).currency == "USD"
    assert add_document(store, usd, invoice("F-2", currency="eur")).currency == "EUR"
    with pytest.raises(ValidationFailed, match="Devise invalide"):
        add_document(store, usd, invoice("F-3", currency="EURO"))


@pytest.mark.parametrize(
    ("kind", "status", "stored"),
    [
        ("quote", "accepted", "accepted"),
        ("quote", "refused", "refused"),
        ("quote", "expired", "expired"),
        ("devis", "Accepté", "accepted"),
        ("quote", "brouillon", "draft"),
        ("invoice", "draft", "draft"),
        ("invoice", "cancelled", "cancelled"),
        ("facture", "annulé", "cancelled"),
        ("invoice", "payé en partie", "partially_paid"),
        ("invoice", "PAID", "paid"),
        ("credit_note", "sent", "sent"),
        ("Avoir", "envoyé", "sent"),
    ],
)
def test_status_allowed_for_its_type(
    store: ClientStore, kind: str, status: str, stored: str
) -> None:
    doc = add_document(
        store, make(store), NewDocument(kind, "N-1", "2026-01-15", "10", status=status)
    )
    assert doc.status == stored


@pytest.mark.parametrize(
    ("kind", "status", "stored"),
    [
        ("invoice", "Impayée", "sent"),
        ("invoice", "Validée (à payer)", "sent"),
        ("invoice", "Comptabilisé", "sent"),
        ("invoice", "Brouillon (à valider)", "draft"),
        ("invoice", "Réglement commencé", "partially_paid"),
        ("invoice", "Partiellement payé", "partially_paid"),
        ("invoice", "Réglée", "paid"),
        ("invoice", "Abandonnée", "cancelled"),
        ("credit_note", "Payée", "paid"),
        ("credit_note", "Annulée", "cancelled"),
        ("quote", "Signée (à facturer)", "accepted"),
        ("quote", "Non signée (fermée)", "refused"),
        ("quote", "Validée (ouverte)", "sent"),
        ("quote", "Expirée", "expired"),
    ],
)
def test_statuses_of_invoicing_tools(
    store: ClientStore, kind: str, status: str, stored: str
) -> None:
    doc = add_document(
        store, make(store), NewDocument(kind, "N-1", "2026-01-15", "10", status=status)
    )
    assert doc.status == stored


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("invoice", "accepted"),
        ("invoice", "expired"),
        ("credit_note", "refused"),
        ("quote", "paid"),
        ("quote", "partially_paid"),
        ("quote", "cancelled"),
        ("invoice", "perdu"),
        ("invoice", "Signée (à facturer)"),
        ("quote", "Impayée"),
        ("credit_note", "Non signée"),
    ],
)
def test_status_refused_for_its_type(store: ClientStore, kind: str, status: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_document(
            store, make(store), NewDocument(kind, "N-1", "2026-01-15", "10", status=status)
        )
    assert exc.value.field == "status"
    assert "Statut invalide" in exc.value.message
    assert count(store, "documents") == 0


def test_status_message_for_an_invoice_is_good_french(store: ClientStore) -> None:
    with pytest.raises(ValidationFailed) as exc:
        add_document(store, make(store), invoice("F-1", status="accepted"))
    assert "pour une facture" in exc.value.message


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("facture", "invoice"),
        ("Devis", "quote"),
        ("avoir", "credit_note"),
        ("credit note", "credit_note"),
        # as invoicing tools export them (Dolibarr, Odoo, English tools)
        ("Facture standard", "invoice"),
        ("Facture d'acompte", "invoice"),
        ("Facture client", "invoice"),
        ("Facture avoir", "credit_note"),
        ("Avoir client", "credit_note"),
        ("Credit memo", "credit_note"),
        ("Proposition commerciale", "quote"),
        ("Estimate", "quote"),
    ],
)
def test_type_aliases(store: ClientStore, text: str, kind: str) -> None:
    assert (
        add_document(store, make(store), NewDocument(text, "N-1", "2026-01-15", "1")).type == kind
    )


def test_unknown_type_refused(store: ClientStore) -> None:
    with pytest.raises(ValidationFailed, match="Type de document invalide"):
        add_document(store, make(store), NewDocument("bon de commande", "N-1", "2026-01-15", "1"))


def test_ttc_below_ht_refused(store: ClientStore) -> None:
    client = make(store)
    with pytest.raises(ValidationFailed) as exc:
        add_document(store, client, invoice("F-1", ht="1000", amount_ttc="999,99"))
    assert exc.value.field == "amount_ttc"
    assert "Le montant TTC est inférieur au montant HT" in exc.value.message
    assert count(store, "documents") == 0
    # equal is fine (no VAT)
    assert (
        add_document(store, client, invoice("F-2", ht="1000", amount_ttc="1000")).amount_ttc
        == 100000
    )


def test_vat_rate_and_amount_ttc_together_refused(store: ClientStore) -> None:
    with pytest.raises(ValidationFailed, match="pas les deux"):
        add_document(store, make(store), invoice("F-1", vat_rate="20", amount_ttc="1200"))
    assert count(store, "documents") == 0


def test_ttc_from_the_vat_rate_or_given_or_equal_to_ht(store: ClientStore) -> None:
    client = make(store)
    assert add_document(store, client, invoice("F-1", ht="100", vat_rate="5,5")).amount_ttc == 10550
    assert add_document(store, client, invoice("F-2", ht="3", vat_rate="5.5")).amount_ttc == 317
    given = add_document(store, client, invoice("F-3", ht="100", amount_ttc="1 200,00"))
    assert given.amount_ttc == 120000
    assert add_document(store, client, invoice("F-4", ht="100")).amount_ttc == 10000


def test_a_credit_note_written_with_negative_amounts_is_kept_positive(store: ClientStore) -> None:
    # Dolibarr and Odoo's signed totals export a credit note as negative amounts
    client = make(store)
    note = NewDocument("credit_note", "A-1", "2026-01-20", "-100,00", amount_ttc="-120,00")
    stored = add_document(store, client, note)
    assert (stored.amount_ht, stored.amount_ttc) == (10000, 12000)
    by_rate = NewDocument("credit_note", "A-2", "2026-01-20", "-100", vat_rate="20")
    assert add_document(store, client, by_rate).amount_ttc == 12000
    assert revenue_cents(store, client.id) == -20000
    mixed = NewDocument("credit_note", "A-3", "2026-01-20", "-100", amount_ttc="120")
    with pytest.raises(ValidationFailed, match="Montant TTC positif pour un montant HT négatif"):
        add_document(store, client, mixed)
    # an invoice or a quote is never turned round
    for kind in ("invoice", "quote"):
        with pytest.raises(ValidationFailed, match="Montant négatif : enregistrez plutôt un avoir"):
            add_document(store, client, NewDocument(kind, "X-1", "2026-01-20", "-100"))
    assert count(store, "documents") == 2


def test_negative_or_invalid_amounts_refused(store: ClientStore) -> None:
    client = make(store)
    with pytest.raises(ValidationFailed, match="Montant négatif"):
        add_document(store, client, invoice("F-1", ht="-10"))
    with pytest.raises(ValidationFailed, match="plus de 2 décimales"):
        add_document(store, client, invoice("F-1", ht="10,001"))
    with pytest.raises(ValidationFailed, match="Date invalide"):
        add_document(store, client, invoice("F-1", date="32/01/2026"))
    with pytest.raises(ValidationFailed, match="Taux de TVA invalide"):
        add_document(store, client, invoice("F-1", vat_rate="200"))
    assert count(store, "documents") == 0


def test_apply_discount_on_a_document(store: ClientStore) -> None:
    percent = make(store, name="Remise pourcent", discount="10%")
    fixed = make(store, name="Remise fixe", discount="50")
    doc = add_document(
        store, percent, invoice("F-1", ht="1000", vat_rate="20", apply_discount=True)
    )
    # 1000 − 10 % = 900 HT; TTC computed on the discounted amount: 900 × 1.2 = 1080
    assert (doc.amount_ht, doc.amount_ttc) == (90000, 108000)
    doc = add_document(store, fixed, invoice("F-2", ht="1000", apply_discount=True))
    assert doc.amount_ht == 95000
    doc = add_document(store, fixed, invoice("F-3", ht="30", apply_discount=True))
    assert doc.amount_ht == 0  # never below zero
    # without the flag the discount is not applied
    assert add_document(store, percent, invoice("F-4", ht="1000")).amount_ht == 100000


# --- payments ------------------------------------------------------------------------------


def test_partial_payments_add_up(store: ClientStore) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1", ht="1000", vat_rate="20"))  # 1200 TTC
    doc = add_payment(store, client, "F-1", "500", "01/02/2026", "Virement")
    assert doc.status == "partially_paid"
    assert doc.paid == 50000
    assert [p.method for p in doc.payments] == ["virement"]
    doc = add_payment(store, client, "F-1", "699,99", "2026-02-10", "chèque")
    assert doc.status == "partially_paid"
    assert doc.paid == 119999
    doc = add_payment(store, client, "F-1", "0,01", "2026-02-15", None)
    assert doc.status == "paid"
    assert doc.paid == doc.amount_ttc == 120000
    assert [(p.date, p.amount, p.method) for p in doc.payments] == [
        ("2026-02-01", 50000, "virement"),
        ("2026-02-10", 69999, "cheque"),
        ("2026-02-15", 1, None),
    ]
    types = store.db.execute("SELECT DISTINCT typeof(amount) FROM payments").fetchall()
    assert types == [("integer",)]
    assert store.audit_log(client.id or 0)[-1]["after"] == {"status": "paid"}


def test_single_full_payment_marks_paid(store: ClientStore) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1", ht="100", vat_rate="20"))
    assert add_payment(store, client, "F-1", "120,00", "2026-02-01", None).status == "paid"


def test_overpayment_refused_naming_the_remaining_amount(store: ClientStore) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1", ht="1000", vat_rate="20"))
    add_payment(store, client, "F-1", "500", "2026-02-01", None)
    with pytest.raises(ValidationFailed) as exc:
        add_payment(store, client, "F-1", "800", "2026-02-02", None)
    message = exc.value.message
    assert message.startswith("Paiement refusé")
    assert "800,00 EUR" in message
    assert "reste dû de 700,00 EUR" in message
    assert "F-1" in message
    # nothing written
    assert count(store, "payments") == 1
    assert documents_of(store, client.id or 0)[0].status == "partially_paid"
    # a fully paid invoice takes nothing more
    add_payment(store, client, "F-1", "700", "2026-02-03", None)
    with pytest.raises(ValidationFailed, match="La facture F-1 est payée : paiement refusé"):
        add_payment(store, client, "F-1", "0,01", "2026-02-04", None)


def test_overpayment_message_in_the_invoice_currency(store: ClientStore) -> None:
    client = make(store, name="Acme Inc", country="US", currency="USD")
    add_document(store, client, invoice("F-1", ht="2000"))
    with pytest.raises(ValidationFailed) as exc:
        add_payment(store, client, "F-1", "2500", "2026-02-01", None)
    assert f"reste dû de 2{NNBSP}000,00 USD" in exc.value.message


def test_payment_of_an_unknown_invoice_refused(store: ClientStore) -> None:
    client = make(store)
    other = make(store, name="Beta SARL")
    add_document(store, other, invoice("F-9"))
    add_document(store, client, NewDocument("quote", "D-1", "2026-01-15", "100"))
    add_document(store, client, NewDocument("credit_note", "A-1", "2026-01-15", "100"))
    for number in ("F-404", "F-9", "D-1", "A-1"):  # another client's, or not an invoice
        with pytest.raises(ValidationFailed) as exc:
            add_payment(store, client, number, "10", "2026-02-01", None)
        assert f"Facture {number} introuvable pour #{client.id} ACME SAS" in exc.value.message
    assert count(store, "payments") == 0


@pytest.mark.parametrize(("status", "label"), [("cancelled", "annul"), ("draft", "brouillon")])
def test_payment_of_a_cancelled_or_draft_invoice_refused(
    store: ClientStore, status: str, label: str
) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1", status=status))
    with pytest.raises(ValidationFailed) as exc:
        add_payment(store, client, "F-1", "10", "2026-02-01", None)
    assert "La facture F-1 est" in exc.value.message
    assert label in exc.value.message  # masculine or feminine agreement
    assert "paiement refusé" in exc.value.message
    assert count(store, "payments") == 0
    assert documents_of(store, client.id or 0)[0].status == status


@pytest.mark.parametrize(
    ("amount", "date", "method", "message"),
    [
        ("0", "2026-02-01", None, "doit être positif"),
        ("-5", "2026-02-01", None, "doit être positif"),
        ("abc", "2026-02-01", None, "Montant invalide"),
        ("1,001", "2026-02-01", None, "plus de 2 décimales"),
        ("10", "demain", None, "Date invalide"),
        ("10", "2026-02-01", "bitcoin", "Mode de paiement invalide"),
    ],
)
def test_invalid_payment_refused(
    store: ClientStore, amount: str, date: str, method: str | None, message: str
) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1"))
    with pytest.raises(ValidationFailed, match=message):
        add_payment(store, client, "F-1", amount, date, method)
    assert count(store, "payments") == 0


# --- listing and JSON ---------------------------------------------------------------------


def test_documents_of_oldest_first(store: ClientStore) -> None:
    client = make(store)
    other = make(store, name="Beta SARL")
    add_document(store, client, invoice("F-3", "2026-03-01"))
    add_document(store, client, NewDocument("quote", "D-1", "2026-01-05", "10"))
    add_document(store, other, invoice("F-9", "2026-01-01"))
    add_document(store, client, invoice("F-2", "2026-02-01"))
    add_document(store, client, NewDocument("credit_note", "A-1", "2026-02-01", "10"))
    numbers = [d.number for d in documents_of(store, client.id or 0)]
    # by date, then in the order they were recorded
    assert numbers == ["D-1", "F-2", "A-1", "F-3"]
    assert [d.number for d in documents_of(store, other.id or 0)] == ["F-9"]
    assert documents_of(store, 999) == []


def test_document_to_dict_amounts_as_strings(store: ClientStore) -> None:
    client = make(store, terms_days="45", end_of_month="oui")
    add_document(store, client, invoice("F-1", "15/01/2026", "1 234,5", amount_ttc="1481,40"))
    add_payment(store, client, "F-1", "1000", "2026-03-01", "virement")
    doc = add_payment(store, client, "F-1", "0,05", "2026-02-20", None)
    assert doc.to_dict() == {
        "type": "invoice",
        "number": "F-1",
        "date": "2026-01-15",
        "due_date": "2026-03-31",
        "amount_ht": "1234.50",
        "amount_ttc": "1481.40",
        "currency": "EUR",
        "status": "partially_paid",
        "payments": [  # by date
            {"date": "2026-02-20", "amount": "0.05", "method": None},
            {"date": "2026-03-01", "amount": "1000.00", "method": "virement"},
        ],
    }


# --- revenue kept by triggers -------------------------------------------------------------


def test_revenue_column_follows_inserts(store: ClientStore) -> None:
    client = make(store)
    cid = client.id
    assert revenue_cents(store, cid) == 0
    add_document(store, client, invoice("F-1", ht="1000", vat_rate="20"))
    assert revenue_cents(store, cid) == 100000
    add_document(store, client, invoice("F-2", ht="250,50"))
    assert revenue_cents(store, cid) == 125050
    add_document(
        store, client, NewDocument("credit_note", "A-1", "2026-02-01", "50", vat_rate="20")
    )
    assert revenue_cents(store, cid) == 120050  # invoices minus credit notes, excl. tax
    # none of these count
    add_document(store, client, invoice("F-3", ht="999", status="draft"))
    add_document(store, client, invoice("F-4", ht="999", status="cancelled"))
    add_document(
        store, client, NewDocument("credit_note", "A-2", "2026-02-01", "9", status="draft")
    )
    add_document(
        store, client, NewDocument("quote", "D-1", "2026-02-01", "5000", status="accepted")
    )
    add_document(
        store, client, invoice("F-5", ht="777", currency="USD")
    )  # not the client's currency
    assert revenue_cents(store, cid) == 120050
    # paid and partially paid invoices still count, once
    add_payment(store, client, "F-1", "600", "2026-02-01", None)
    add_payment(store, client, "F-2", "250,50", "2026-02-01", None)
    assert revenue_cents(store, cid) == 120050


def test_revenue_column_is_per_client(store: ClientStore) -> None:
    one = make(store, name="Un")
    two = make(store, name="Deux")
    add_document(store, one, invoice("F-1", ht="100"))
    add_document(store, two, invoice("F-2", ht="300"))
    assert (revenue_cents(store, one.id), revenue_cents(store, two.id)) == (10000, 30000)


def test_revenue_column_follows_updates_and_deletes(store: ClientStore) -> None:
    one = make(store, name="Un")
    two = make(store, name="Deux")
    add_document(store, one, invoice("F-1", ht="1000"))
    add_document(store, one, invoice("F-2", ht="200"))
    add_document(store, one, invoice("F-3", ht="30", status="draft"))
    assert revenue_cents(store, one.id) == 120000
    db = store.db
    db.execute("UPDATE documents SET status = 'cancelled' WHERE number = 'F-2'")
    assert revenue_cents(store, one.id) == 100000
    db.execute("UPDATE documents SET status = 'sent' WHERE number = 'F-3'")
    assert revenue_cents(store, one.id) == 103000
    db.execute("UPDATE documents SET amount_ht = 150000 WHERE number = 'F-1'")
    assert revenue_cents(store, one.id) == 153000
    db.execute("UPDATE documents SET type = 'credit_note' WHERE number = 'F-3'")
    assert revenue_cents(store, one.id) == 147000  # 1500 − 30
    # a document moved to another client leaves one total for the other
    db.execute("UPDATE documents SET client_id = ? WHERE number = 'F-1'", [two.id])
    assert revenue_cents(store, one.id) == -3000
    assert revenue_cents(store, two.id) == 150000
    db.execute("DELETE FROM documents WHERE number = 'F-3'")
    assert revenue_cents(store, one.id) == 0
    db.execute("DELETE FROM documents WHERE number = 'F-1'")
    assert revenue_cents(store, two.id) == 0


def test_revenue_column_follows_the_clients_currency(store: ClientStore) -> None:
    client = make(store)
    add_document(store, client, invoice("F-1", ht="1000"))
    add_document(store, client, invoice("F-2", ht="300", currency="USD"))
    assert revenue_cents(store, client.id) == 100000
    store.update(apply_changes(client, {"currency": "USD"}).client)
    assert revenue_cents(store, client.id) == 30000
