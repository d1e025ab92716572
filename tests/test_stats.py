"""Statistics without the CLI: every expected figure is worked out by hand below.

Reference day: TODAY = 2026-06-30. Client « Atelier Durand », EUR, 30 days net.

EUR documents (HT → TTC at 20 %):
- F-001  2026-01-10  1 000,00 → 1 200,00  due 2026-02-09
         paid 700,00 on 2026-02-20 and 500,00 on 2026-03-01: fully paid, late,
         50 days after the invoice (Jan 10 → Feb 10 = 31 days, Feb 10 → Mar 1 = 19 days)
- F-002  2026-02-02    250,00 →   300,00  due 2026-03-04
         paid 300,00 on 2026-02-17: fully paid, 15 days
- F-003  2026-06-10  2 000,00 → 2 400,00  due 2026-07-10
         paid 1 000,00 on 2026-06-20: partially paid, not due yet
- F-004  2026-04-01    500,00 →   600,00  due 2026-05-01  unpaid, overdue
- F-005  2026-02-01    300,00 →   360,00  cancelled
- F-006  2026-05-05    400,00 →   480,00  draft
- A-001  2026-05-20    100,00 →   120,00  credit note
- D-001  2026-05-02  5 000,00 → 6 000,00  quote, accepted (never revenue)
USD document (no VAT):
- F-007  2026-05-15    800,00 →   800,00  due 2026-06-14
         paid 300,00 on 2026-06-01: partially paid, overdue
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from newbi_clients.builder import build_client
from newbi_clients.history import NewDocument, add_document, add_payment
from newbi_clients.models import Client
from newbi_clients.stats import compute, monthly_revenue, status_split
from newbi_clients.storage import ClientStore

TODAY = dt.date(2026, 6, 30)


def make(store: ClientStore, **raw: object) -> Client:
    return store.add(build_client(raw).client, allow_duplicate=True)


def doc(
    store: ClientStore, client: Client, kind: str, number: str, date: str, ht: str, **kw: object
) -> None:
    add_document(store, client, NewDocument(kind, number, date, ht, **kw))  # type: ignore[arg-type]


def pay(store: ClientStore, client: Client, number: str, amount: str, date: str) -> None:
    add_payment(store, client, number, amount, date, "virement")


@pytest.fixture
def durand(store: ClientStore) -> Client:
    client = make(store, name="Atelier Durand")
    doc(store, client, "invoice", "F-001", "2026-01-10", "1000", vat_rate="20")
    pay(store, client, "F-001", "700", "2026-02-20")
    pay(store, client, "F-001", "500", "2026-03-01")
    doc(store, client, "invoice", "F-002", "2026-02-02", "250", vat_rate="20")
    pay(store, client, "F-002", "300", "2026-02-17")
    doc(store, client, "invoice", "F-003", "2026-06-10", "2000", vat_rate="20")
    pay(store, client, "F-003", "1000", "2026-06-20")
    doc(store, client, "invoice", "F-004", "2026-04-01", "500", vat_rate="20")
    doc(store, client, "invoice", "F-005", "2026-02-01", "300", vat_rate="20", status="cancelled")
    doc(store, client, "invoice", "F-006", "2026-05-05", "400", vat_rate="20", status="draft")
    doc(store, client, "credit_note", "A-001", "2026-05-20", "100", vat_rate="20")
    doc(store, client, "quote", "D-001", "2026-05-02", "5000", vat_rate="20", status="accepted")
    doc(store, client, "invoice", "F-007", "2026-05-15", "800", currency="USD")
    pay(store, client, "F-007", "300", "2026-06-01")
    return client


@pytest.fixture
def martin(store: ClientStore, durand: Client) -> Client:
    """A second client, EUR, for the whole-book figures.

    - F-100  2026-06-01  1 000,00 → 1 200,00, paid in full on 2026-06-11 (10 days)
    - F-101  2026-06-28    100,00 →   120,00, due 2026-07-28, unpaid
    """
    client = make(store, name="Boulangerie Martin")
    doc(store, client, "invoice", "F-100", "2026-06-01", "1000", vat_rate="20")
    pay(store, client, "F-100", "1200", "2026-06-11")
    doc(store, client, "invoice", "F-101", "2026-06-28", "100", vat_rate="20")
    return client


def test_one_client_per_currency(store: ClientStore, durand: Client) -> None:
    stats = compute(store, durand.id, today=TODAY)
    assert set(stats.currencies) == {"EUR", "USD"}
    eur = stats.currencies["EUR"]
    # revenue = invoices HT (F-001 1000 + F-002 250 + F-003 2000 + F-004 500 = 3750)
    #           − credit notes HT (A-001 100) = 3650,00; F-005 cancelled, F-006 draft,
    #           D-001 a quote and F-007 in USD are left out
    assert eur.revenue == 365000
    # issued invoices: F-001, F-002, F-003, F-004
    assert eur.invoice_count == 4
    # invoiced TTC = 1200 + 300 + 2400 + 600 = 4500
    assert eur.invoiced_ttc == 450000
    # paid = 700 + 500 + 300 + 1000 = 2500
    assert eur.paid == 250000
    # payment_rate = 2500 / 4500 = 0.5555… → 0.5556
    assert eur.payment_rate == Decimal("0.5556")
    # fully paid: F-001, F-002 → 2 / 4
    assert eur.paid_invoices == 2
    assert eur.paid_invoice_rate == Decimal("0.5")
    # outstanding = 4500 − 2500 = 2000 (F-003 1400 + F-004 600)
    assert eur.outstanding == 200000
    # overdue on 2026-06-30: F-004 (due 2026-05-01) 600; F-003 is due 2026-07-10
    assert eur.overdue == 60000
    # days to pay: F-001 50, F-002 15 → (50 + 15) / 2 = 32.5
    assert sorted(eur.days_to_pay) == [15, 50]
    assert eur.average_days_to_pay == Decimal("32.5")

    usd = stats.currencies["USD"]
    assert usd.revenue == 80000
    assert usd.invoice_count == 1
    assert usd.invoiced_ttc == 80000
    assert usd.paid == 30000
    # 300 / 800 = 0.375
    assert usd.payment_rate == Decimal("0.375")
    assert usd.paid_invoice_rate == 0
    # 800 − 300 = 500, due 2026-06-14: all of it overdue
    assert usd.outstanding == 50000
    assert usd.overdue == 50000
    assert usd.average_days_to_pay is None

    # latest of every document date and payment date: the payment of F-003
    assert stats.last_activity == "2026-06-20"


def test_to_dict_main_currency_at_the_top(store: ClientStore, durand: Client) -> None:
    data = compute(store, durand.id, today=TODAY).to_dict()
    eur = {
        "currency": "EUR",
        "revenue": "3650.00",
        "invoice_count": 4,
        "invoiced_ttc": "4500.00",
        "paid": "2500.00",
        "payment_rate": "0.5556",
        "paid_invoice_rate": "0.5",
        "outstanding": "2000.00",
        "overdue": "600.00",
        "average_days_to_pay": "32.5",
    }
    usd = {
        "currency": "USD",
        "revenue": "800.00",
        "invoice_count": 1,
        "invoiced_ttc": "800.00",
        "paid": "300.00",
        "payment_rate": "0.375",
        "paid_invoice_rate": "0",
        "outstanding": "500.00",
        "overdue": "500.00",
        "average_days_to_pay": None,
    }
    # EUR has 4 invoices, USD 1: EUR is the main currency
    assert data == {**eur, "last_activity": "2026-06-20", "by_currency": [eur, usd]}


def test_main_currency_is_the_one_with_most_invoices(store: ClientStore) -> None:
    client = make(store, name="Acme Inc", country="US", currency="USD")
    doc(store, client, "invoice", "U-1", "2026-01-10", "10", currency="EUR")
    doc(store, client, "invoice", "U-2", "2026-01-11", "20")
    doc(store, client, "invoice", "U-3", "2026-01-12", "30")
    data = compute(store, client.id, today=TODAY).to_dict()
    assert data["currency"] == "USD"
    assert data["revenue"] == "50.00"
    assert [c["currency"] for c in data["by_currency"]] == ["USD", "EUR"]


def test_one_currency_has_no_by_currency(store: ClientStore) -> None:
    client = make(store, name="Simple")
    doc(store, client, "invoice", "S-1", "2026-06-01", "100", vat_rate="20")
    pay(store, client, "S-1", "120", "2026-06-01")
    data = compute(store, client.id, today=TODAY).to_dict()
    assert "by_currency" not in data
    assert data["revenue"] == "100.00"
    assert data["payment_rate"] == "1"
    assert data["paid_invoice_rate"] == "1"
    assert data["average_days_to_pay"] == "0"  # paid the same day
    assert data["outstanding"] == data["overdue"] == "0.00"


def test_client_without_documents(store: ClientStore) -> None:
    client = make(store, name="Nouveau")
    stats = compute(store, client.id, today=TODAY)
    assert stats.currencies == {}
    assert stats.last_activity is None
    data = stats.to_dict()
    assert data["revenue"] == "0.00"
    assert data["invoice_count"] == 0
    assert data["payment_rate"] is None
    assert data["paid_invoice_rate"] is None
    assert data["average_days_to_pay"] is None
    assert data["last_activity"] is None


def test_overdue_is_relative_to_today(store: ClientStore, durand: Client) -> None:
    # the day F-004 falls due (2026-05-01) it is not late yet; F-007 is due 2026-06-14
    assert compute(store, durand.id, today=dt.date(2026, 5, 1)).currencies["EUR"].overdue == 0
    assert compute(store, durand.id, today=dt.date(2026, 5, 2)).currencies["EUR"].overdue == 60000
    assert compute(store, durand.id, today=dt.date(2026, 6, 14)).currencies["USD"].overdue == 0
    # on 2026-07-11, F-003 (due 07-10, 1400 left) is late too: 600 + 1400
    assert compute(store, durand.id, today=dt.date(2026, 7, 11)).currencies["EUR"].overdue == 200000


def test_credit_note_only_currency(store: ClientStore) -> None:
    client = make(store, name="Avoir seul")
    doc(store, client, "invoice", "E-1", "2026-03-01", "100")
    doc(store, client, "credit_note", "C-1", "2026-03-02", "40", currency="CHF")
    stats = compute(store, client.id, today=TODAY)
    assert stats.currencies["CHF"].revenue == -4000
    assert stats.currencies["CHF"].invoice_count == 0
    assert stats.currencies["EUR"].revenue == 10000
    assert stats.to_dict()["currency"] == "EUR"


def test_whole_book(store: ClientStore, durand: Client, martin: Client) -> None:
    stats = compute(store, None, today=TODAY)
    eur = stats.currencies["EUR"]
    # revenue = 3650 (Durand) + 1000 + 100 (Martin) = 4750
    assert eur.revenue == 475000
    # 4 + 2 invoices
    assert eur.invoice_count == 6
    # invoiced TTC = 4500 + 1200 + 120 = 5820; paid = 2500 + 1200 = 3700
    assert (eur.invoiced_ttc, eur.paid) == (582000, 370000)
    # 3700 / 5820 = 0.635738… → 0.6357
    assert eur.payment_rate == Decimal("0.6357")
    # fully paid: F-001, F-002, F-100 → 3 / 6
    assert eur.paid_invoice_rate == Decimal("0.5")
    # outstanding = 2000 + 120 = 2120; overdue still F-004 only (F-101 due 2026-07-28)
    assert (eur.outstanding, eur.overdue) == (212000, 60000)
    # (50 + 15 + 10) / 3 = 25
    assert eur.average_days_to_pay == Decimal("25.0")
    usd = stats.currencies["USD"]
    assert (usd.revenue, usd.outstanding, usd.overdue) == (80000, 50000, 50000)
    # F-101 on 2026-06-28 is the latest document; Durand's latest payment is 2026-06-20
    assert stats.last_activity == "2026-06-28"
    data = stats.to_dict()
    assert data["currency"] == "EUR"
    assert data["revenue"] == "4750.00"
    assert data["payment_rate"] == "0.6357"
    assert data["average_days_to_pay"] == "25"
    assert [c["currency"] for c in data["by_currency"]] == ["EUR", "USD"]
    # one client's figures are not affected by the other
    assert compute(store, martin.id, today=TODAY).currencies["EUR"].revenue == 110000
    assert set(compute(store, martin.id, today=TODAY).currencies) == {"EUR"}


def test_monthly_revenue_twelve_months_ending_today(store: ClientStore, durand: Client) -> None:
    months = monthly_revenue(store, durand.id, today=TODAY)
    assert [m for m, _ in months] == [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]  # fmt: skip
    assert dict(months) == {
        "2025-07": {}, "2025-08": {}, "2025-09": {}, "2025-10": {}, "2025-11": {},
        "2025-12": {},
        "2026-01": {"EUR": 100000},  # F-001
        "2026-02": {"EUR": 25000},  # F-002 (F-005 cancelled)
        "2026-03": {},
        "2026-04": {"EUR": 50000},  # F-004
        # A-001 −100 (F-006 draft, D-001 a quote); F-007 in USD
        "2026-05": {"EUR": -10000, "USD": 80000},
        "2026-06": {"EUR": 200000},  # F-003
    }  # fmt: skip


def test_monthly_revenue_window_moves_with_today(store: ClientStore, durand: Client) -> None:
    # three months ending in March 2026: January to March; later months are not shown
    months = monthly_revenue(store, durand.id, months=3, today=dt.date(2026, 3, 31))
    assert months == [("2026-01", {"EUR": 100000}), ("2026-02", {"EUR": 25000}), ("2026-03", {})]
    # across the year end: November 2025 to February 2026
    months = monthly_revenue(store, durand.id, months=4, today=dt.date(2026, 2, 1))
    assert [m for m, _ in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # a window before any document
    assert all(v == {} for _, v in monthly_revenue(store, durand.id, today=dt.date(2025, 6, 1)))


def test_monthly_revenue_of_the_whole_book(
    store: ClientStore, durand: Client, martin: Client
) -> None:
    months = dict(monthly_revenue(store, None, today=TODAY))
    # June: F-003 2000 + F-100 1000 + F-101 100
    assert months["2026-06"] == {"EUR": 310000}
    assert months["2026-05"] == {"EUR": -10000, "USD": 80000}


def test_status_split(store: ClientStore, durand: Client, martin: Client) -> None:
    split = status_split(store, durand.id)
    # F-001, F-002 paid; F-003, F-007 partially paid; F-004 sent; F-005 cancelled; F-006 draft
    # (the quote and the credit note are not invoices)
    assert split == {"paid": 2, "partially_paid": 2, "sent": 1, "cancelled": 1, "draft": 1}
    counts = list(split.values())
    assert counts == sorted(counts, reverse=True)
    # the whole book adds Martin's F-100 (paid) and F-101 (sent)
    assert status_split(store, None) == {
        "paid": 3, "partially_paid": 2, "sent": 2, "cancelled": 1, "draft": 1,
    }  # fmt: skip
    assert next(iter(status_split(store, None))) == "paid"
    assert status_split(store, martin.id) == {"paid": 1, "sent": 1}


def test_invoice_recorded_as_paid_is_not_outstanding(store: ClientStore) -> None:
    client = make(store, name="Migré")
    doc(store, client, "invoice", "M-1", "2025-01-10", "100", vat_rate="20", status="paid")
    eur = compute(store, client.id, today=TODAY).currencies["EUR"]
    assert eur.outstanding == 0
    assert eur.overdue == 0
    assert eur.paid_invoice_rate == 1
