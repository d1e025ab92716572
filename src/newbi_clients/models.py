"""Data model of the address book: plain dataclasses and enums, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """Individual (particulier) or business (professionnel)."""

    INDIVIDUAL = "individual"
    BUSINESS = "business"

    @property
    def label(self) -> str:
        """French label."""
        return "Particulier" if self is Kind.INDIVIDUAL else "Professionnel"


class Zone(StrEnum):
    """Where a client is, for VAT purposes."""

    FRANCE = "France"
    EUROPE = "Europe"
    INTERNATIONAL = "International"


class PaymentMethod(StrEnum):
    """How a client pays."""

    VIREMENT = "virement"
    CHEQUE = "cheque"
    PRELEVEMENT = "prelevement"
    CARTE = "carte"
    ESPECES = "especes"

    @property
    def label(self) -> str:
        """French label."""
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    PaymentMethod.VIREMENT: "Virement",
    PaymentMethod.CHEQUE: "Chèque",
    PaymentMethod.PRELEVEMENT: "Prélèvement",
    PaymentMethod.CARTE: "Carte bancaire",
    PaymentMethod.ESPECES: "Espèces",
}

TERMS_DAYS = (15, 30, 45, 60)
DEFAULT_TERMS_DAYS = 30
DEFAULT_COUNTRY = "FR"
DEFAULT_CURRENCY = "EUR"
SECTOR_SUGGESTIONS = (
    "Retail",
    "Services",
    "Tech",
    "Industrie",
    "BTP",
    "Santé",
    "Conseil",
    "Restauration",
    "Immobilier",
    "Transport",
    "Éducation",
    "Associatif",
)
SEGMENT_SUGGESTIONS = ("VIP", "Régulier", "Occasionnel")


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; ``country`` is ISO 3166-1 alpha-2."""

    line1: str | None = None
    line2: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str = DEFAULT_COUNTRY

    def is_empty(self) -> bool:
        """True when no line, postal code or city is set."""
        return not (self.line1 or self.line2 or self.postal_code or self.city)

    def to_dict(self) -> dict[str, str | None]:
        """JSON shape of an address."""
        return {
            "line1": self.line1,
            "line2": self.line2,
            "postal_code": self.postal_code,
            "city": self.city,
            "country": self.country,
        }


@dataclass(frozen=True, slots=True)
class Discount:
    """A default discount: a percentage (0–100) or a fixed amount in the client's currency."""

    type: str  # "percent" | "amount"
    value: Decimal

    def to_dict(self) -> dict[str, str]:
        """JSON shape: amounts as strings."""
        return {"type": self.type, "value": format_decimal(self.value)}

    def __str__(self) -> str:
        if self.type == "percent":
            return f"{format_decimal(self.value).replace('.', ',')} %"
        return format_decimal(self.value)


@dataclass(frozen=True, slots=True)
class Note:
    """A timestamped comment."""

    at: str
    text: str
    id: int | None = None

    def to_dict(self) -> dict[str, str]:
        """JSON shape of a note."""
        return {"at": self.at, "text": self.text}


VIES_STATUSES = ("valid", "invalid", "unavailable", "not_checked")


@dataclass(frozen=True, slots=True)
class ViesCheck:
    """What VIES said of a client's VAT number: the last conclusive answer (valid or
    invalid), else the last attempt that found VIES unavailable; ``not_checked`` when the
    current number was never checked."""

    status: str  # one of VIES_STATUSES
    checked_at: str | None = None
    name: str | None = None
    address: str | None = None
    consultation_number: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """JSON shape of the check."""
        return {
            "status": self.status,
            "checked_at": self.checked_at,
            "name": self.name,
            "address": self.address,
            "consultation_number": self.consultation_number,
        }


@dataclass(slots=True)
class Contact:
    """A person at a client (a company's buyer, its accounting); one is the primary contact."""

    first_name: str | None = None
    last_name: str | None = None
    position: str | None = None
    department: str | None = None
    email: str | None = None
    phone: str | None = None
    primary: bool = False
    id: int | None = None

    @property
    def display_name(self) -> str:
        """« Prénom Nom », or the email when the contact has no name."""
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return name or self.email or self.phone or "(sans nom)"

    def to_dict(self) -> dict[str, object]:
        """JSON shape of a contact."""
        return {
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "position": self.position,
            "department": self.department,
            "email": self.email,
            "phone": self.phone,
            "primary": self.primary,
        }


CONTACT_FIELDS = ("first_name", "last_name", "position", "department", "email", "phone")


@dataclass(frozen=True, slots=True)
class Blocked:
    """A client who must not be invoiced again, since ``at``, for ``reason``."""

    at: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """JSON shape of the blocked state."""
        return {"at": self.at, "reason": self.reason}


class FieldType(StrEnum):
    """The type of a custom field."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"

    @property
    def label(self) -> str:
        """French label."""
        return {"text": "texte", "number": "nombre", "date": "date", "choice": "choix"}[self.value]


@dataclass(frozen=True, slots=True)
class FieldDef:
    """A custom field defined by the user: a name, a type, and the choices of a choice."""

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    id: int | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON shape of a field definition."""
        return {"name": self.name, "type": self.type.value, "choices": list(self.choices)}


@dataclass(slots=True)
class Client:
    """A client of the address book, validated and normalised."""

    name: str
    kind: Kind = Kind.INDIVIDUAL
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    billing_address: Address | None = None
    delivery_address: Address | None = None
    siret: str | None = None
    siren: str | None = None
    vat_number: str | None = None
    terms_days: int = DEFAULT_TERMS_DAYS
    end_of_month: bool = False
    payment_method: PaymentMethod | None = None
    discount: Discount | None = None
    currency: str = DEFAULT_CURRENCY
    sector: str | None = None
    segment: str | None = None
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    archived_at: str | None = None
    merged_into: int | None = None
    # the custom fields' values (field name → value as stored text), the contacts, the
    # blocked state
    fields: dict[str, str] = field(default_factory=dict)
    contacts: list[Contact] = field(default_factory=list)
    blocked: Blocked | None = None
    vies: ViesCheck | None = None  # read from the VIES checks, never written with the client
    # invoices minus credit notes excl. tax, in the client's currency (read, never written)
    revenue_cents: int = field(default=0, compare=False)

    @property
    def country(self) -> str:
        """Billing country, FR when no address is known."""
        return self.billing_address.country if self.billing_address else DEFAULT_COUNTRY

    @property
    def display_name(self) -> str:
        """« Prénom Nom » for individuals, the company name otherwise."""
        if self.kind is Kind.INDIVIDUAL and self.first_name:
            return f"{self.first_name} {self.name}"
        return self.name

    def copy(self, **changes: object) -> Client:
        """A shallow copy with some fields changed."""
        clone = replace(self, **changes)  # type: ignore[arg-type]
        if "tags" not in changes:
            clone.tags = list(self.tags)
        if "notes" not in changes:
            clone.notes = list(self.notes)
        if "fields" not in changes:
            clone.fields = dict(self.fields)
        if "contacts" not in changes:
            clone.contacts = [replace(c) for c in self.contacts]
        return clone

    @property
    def primary_contact(self) -> Contact | None:
        """The primary contact, if the client has contacts."""
        return next((c for c in self.contacts if c.primary), None)


CLIENT_FIELDS = tuple(f.name for f in fields(Client))


def format_decimal(value: Decimal) -> str:
    """A Decimal as plain text without exponent or useless trailing zeros: 5, 12.5, 1234.50.

    >>> format_decimal(Decimal("5.00"))
    '5'
    >>> format_decimal(Decimal("12.50"))
    '12.5'
    """
    text = format(value.normalize(), "f")
    return text


def format_money(cents: int) -> str:
    """Integer cents as a JSON amount string.

    >>> format_money(123450)
    '1234.50'
    >>> format_money(-5)
    '-0.05'
    """
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def format_money_fr(cents: int) -> str:
    """Integer cents the French way, for people: « 1 234,50 ».

    >>> format_money_fr(123450), format_money_fr(-5)
    ('1\u202f234,50', '-0,05')
    """
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}".replace(",", "\u202f") + f",{cents % 100:02d}"
