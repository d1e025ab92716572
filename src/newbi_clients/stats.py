"""Statistics of one client or of the whole book, computed in SQL, per currency.

- revenue: invoices minus credit notes, excluding tax (drafts and cancelled ones aside);
- invoice_count; payment_rate: paid share of the amount invoiced including tax;
  paid_invoice_rate: share of invoices fully paid;
- outstanding: what invoices still wait for; overdue: the part of it past its due date;
- average_days_to_pay: from invoice date to the payment that settled it;
- last_activity: the latest document or payment date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from newbi_clients.models import format_money
from newbi_clients.storage import ClientStore

_ISSUED = "d.status NOT IN ('draft', 'cancelled')"


@dataclass(slots=True)
class CurrencyStats:
    """Figures in one currency (amounts in cents)."""

    currency: str
    revenue: int = 0
    invoice_count: int = 0
    invoiced_ttc: int = 0
    paid: int = 0
    paid_invoices: int = 0
    outstanding: int = 0
    overdue: int = 0
    days_to_pay: list[int] = field(default_factory=list)

    @property
    def payment_rate(self) -> Decimal | None:
        """Paid share of the amount invoiced including tax (0–1)."""
        return _ratio(self.paid, self.invoiced_ttc)

    @property
    def paid_invoice_rate(self) -> Decimal | None:
        """Share of invoices fully paid (0–1)."""
        return _ratio(self.paid_invoices, self.invoice_count)

    @property
    def average_days_to_pay(self) -> Decimal | None:
        """Mean days from invoice to full payment, one decimal."""
        if not self.days_to_pay:
            return None
        mean = Decimal(sum(self.days_to_pay)) / len(self.days_to_pay)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: amounts and rates as strings."""
        return {
            "currency": self.currency,
            "revenue": format_money(self.revenue),
            "invoice_count": self.invoice_count,
            "invoiced_ttc": format_money(self.invoiced_ttc),
            "paid": format_money(self.paid),
            "payment_rate": _text(self.payment_rate),
            "paid_invoice_rate": _text(self.paid_invoice_rate),
            "outstanding": format_money(self.outstanding),
            "overdue": format_money(self.overdue),
            "average_days_to_pay": _text(self.average_days_to_pay),
        }


def _ratio(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@dataclass(slots=True)
class Stats:
    """Statistics per currency, and the last activity."""

    currencies: dict[str, CurrencyStats]
    last_activity: str | None
    default_currency: str = "EUR"

    def to_dict(self) -> dict[str, Any]:
        """JSON shape (the scripting contract of the README): the main currency's figures
        at the top, and ``by_currency`` when there are several."""
        ordered = sorted(self.currencies.values(), key=lambda s: (-s.invoice_count, s.currency))
        main = ordered[0].to_dict() if ordered else CurrencyStats(self.default_currency).to_dict()
        data = {**main, "last_activity": self.last_activity}
        if len(ordered) > 1:
            data["by_currency"] = [s.to_dict() for s in ordered]
        return data


def compute(
    store: ClientStore, client_id: int | None = None, today: dt.date | None = None
) -> Stats:
    """Statistics of one client (or of every client when ``client_id`` is None).

    An invoice marked paid counts as fully paid even without payment records (an import
    of old invoices often has none).
    """
    today_text = (today or dt.date.today()).isoformat()
    where = "d.client_id = ?" if client_id is not None else "1"
    params: list[Any] = [client_id] if client_id is not None else []
    result: dict[str, CurrencyStats] = {}

    def get(currency: str) -> CurrencyStats:
        return result.setdefault(currency, CurrencyStats(currency))

    for currency, revenue in store.execute(
        "SELECT d.currency, sum(CASE d.type WHEN 'invoice' THEN d.amount_ht ELSE -d.amount_ht END)"
        f" FROM documents d WHERE {where} AND d.type IN ('invoice', 'credit_note') AND {_ISSUED}"
        " GROUP BY d.currency",
        params,
    ):
        get(currency).revenue = int(revenue)
    for row in store.execute(
        "SELECT currency, count(*), sum(ttc), sum(paid), sum(paid >= ttc), sum(ttc - paid),"
        " sum(CASE WHEN due < ? THEN ttc - paid ELSE 0 END) FROM (SELECT d.currency,"
        " d.amount_ttc AS ttc, d.due_date AS due, CASE d.status WHEN 'paid' THEN d.amount_ttc"
        " ELSE coalesce((SELECT sum(pay.amount) FROM payments pay WHERE pay.document_id = d.id),"
        " 0) END AS paid FROM documents d"
        f" WHERE {where} AND d.type = 'invoice' AND {_ISSUED}) GROUP BY currency",
        [today_text, *params],
    ):
        s = get(row[0])
        s.invoice_count, s.invoiced_ttc, s.paid, s.paid_invoices = (int(x) for x in row[1:5])
        s.outstanding, s.overdue = int(row[5]), int(row[6])
    for currency, days in store.execute(
        "SELECT d.currency, julianday(max(pay.date)) - julianday(d.date) FROM documents d"
        " JOIN payments pay ON pay.document_id = d.id"
        f" WHERE {where} AND d.type = 'invoice' AND d.status = 'paid' GROUP BY d.id",
        params,
    ):
        get(currency).days_to_pay.append(int(days))
    last = store.execute(
        f"SELECT max(x) FROM (SELECT max(d.date) AS x FROM documents d WHERE {where}"
        f" UNION ALL SELECT max(pay.date) FROM payments pay JOIN documents d"
        f" ON d.id = pay.document_id WHERE {where})",
        [*params, *params],
    ).fetchone()[0]
    currency = store.seller_settings().default_currency
    if client_id is not None:
        currency = store.get(client_id).currency
    return Stats(result, last, currency)


def monthly_revenue(
    store: ClientStore, client_id: int | None = None, months: int = 12, today: dt.date | None = None
) -> list[tuple[str, dict[str, int]]]:
    """Revenue (excl. tax) per month for the last ``months`` months, per currency."""
    today = today or dt.date.today()
    labels = []
    year, month = today.year, today.month
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    labels.reverse()
    where = "d.client_id = ?" if client_id is not None else "1"
    params: list[Any] = [client_id] if client_id is not None else []
    totals: dict[str, dict[str, int]] = {label: {} for label in labels}
    for month_label, currency, amount in store.execute(
        "SELECT substr(d.date, 1, 7), d.currency,"
        " sum(CASE d.type WHEN 'invoice' THEN d.amount_ht ELSE -d.amount_ht END) FROM documents d"
        f" WHERE {where} AND d.type IN ('invoice', 'credit_note') AND {_ISSUED}"
        " AND substr(d.date, 1, 7) >= ? GROUP BY 1, 2",
        [*params, labels[0]],
    ):
        if month_label in totals:
            totals[month_label][currency] = int(amount)
    return list(totals.items())


def status_split(store: ClientStore, client_id: int | None = None) -> dict[str, int]:
    """How many invoices are in each status."""
    where = "client_id = ?" if client_id is not None else "1"
    params: list[Any] = [client_id] if client_id is not None else []
    return {
        status: int(count)
        for status, count in store.execute(
            f"SELECT status, count(*) FROM documents WHERE {where} AND type = 'invoice'"
            " GROUP BY status ORDER BY 2 DESC",
            params,
        )
    }
