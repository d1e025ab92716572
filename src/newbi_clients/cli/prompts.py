"""Interactive questions (questionary), drawn on stderr so that stdout stays clean.

Each answer is checked with the same validators as the flags; an invalid answer shows
the French message under the question and is asked again. Ctrl-C raises
KeyboardInterrupt (``unsafe_ask``), which the CLI turns into exit code 130.
"""

import sys
from collections.abc import Callable, Sequence
from typing import Any

from newbi_clients import validation as v
from newbi_clients.errors import ValidationFailed
from newbi_clients.fiscal import EU_COUNTRIES
from newbi_clients.models import (
    SECTOR_SUGGESTIONS,
    SEGMENT_SUGGESTIONS,
    TERMS_DAYS,
    Kind,
    PaymentMethod,
)

NONE_CHOICE = "(aucun)"


def _output() -> Any:
    from prompt_toolkit.output.defaults import create_output

    return create_output(stdout=sys.stderr)


def _validator(
    check: Callable[[str], object], optional: bool = True
) -> Callable[[str], bool | str]:
    def validate(answer: str) -> bool | str:
        if optional and not answer.strip():
            return True
        try:
            check(answer)
        except ValidationFailed as exc:
            return exc.message
        return True

    return validate


def wrap_validation(question: Any) -> Any:
    """Let the line under a question that shows why an answer is refused wrap onto more
    lines (prompt_toolkit gives it one line: a long message would be cut)."""
    from prompt_toolkit.filters import to_filter

    for window in question.application.layout.find_all_windows():
        text = getattr(window.content, "text", None)
        if "ValidationToolbar" in getattr(text, "__qualname__", ""):
            window.height = None
            window.wrap_lines = to_filter(True)
    return question


def ask_text(
    message: str,
    default: str | None = None,
    check: Callable[[str], object] | None = None,
    optional: bool = True,
    suggestions: Sequence[str] = (),
) -> str | None:
    """A free-text question; returns None for an empty optional answer."""
    import questionary

    validate = _validator(check, optional) if check else None
    if suggestions:
        question = questionary.autocomplete(
            message,
            choices=list(suggestions),
            default=default or "",
            validate=validate,
            ignore_case=True,
            match_middle=True,
            output=_output(),
        )
    else:
        question = questionary.text(
            message, default=default or "", validate=validate, output=_output()
        )
    answer = wrap_validation(question).unsafe_ask()
    answer = str(answer).strip()
    return answer or None


def ask_select(message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
    """A choice among (value, label) pairs."""
    import questionary

    options = [questionary.Choice(label, value=value) for value, label in choices]
    selected = next((c for c in options if c.value == default), None)
    question = questionary.select(
        message,
        choices=options,
        default=selected,
        instruction="(flèches puis Entrée)",
        output=_output(),
    )
    answer = _with_end_of_input(question).unsafe_ask()
    return str(answer)


def _with_end_of_input(question: Any) -> Any:
    """Ctrl-D ends a choice as it ends a text question (EOFError, exit 130): prompt_toolkit
    binds it only where there is text to type."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add("c-d", eager=True)
    def _end(event: Any) -> None:
        event.app.exit(exception=EOFError())

    application = question.application
    application.key_bindings = merge_key_bindings([application.key_bindings, keys])
    return question


def ask_confirm(message: str, default: bool = False) -> bool:
    """A yes/no question, as a choice between « Oui » and « Non » (French keys, not y/n)."""
    answer = ask_select(message, [("oui", "Oui"), ("non", "Non")], "oui" if default else "non")
    return answer == "oui"


def _present(raw: dict[str, Any], key: str) -> bool:
    return v.clean(raw.get(key)) is not None


def ask_client(
    raw: dict[str, Any],
    *,
    editing: bool = False,
    sectors: Sequence[str] = (),
    segments: Sequence[str] = (),
    defaults: dict[str, Any] | None = None,
    on_email: Callable[[str], None] | None = None,
    lookup: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Ask what is missing (adding) or everything with current values prefilled (editing).

    ``on_email`` is called with the email as soon as it is typed (to warn at once of a
    client who already has it). ``lookup`` may fill a French business's fiche from the
    company register once its name and country are known.

    Only the questions that fit the client's type and country are asked: the SIRET for a
    French business, the VAT number for a business in another EU country.
    """
    raw = dict(raw)

    def wanted(key: str) -> bool:
        return editing or not _present(raw, key)

    def text(
        key: str,
        message: str,
        check: Callable[[str], object] | None = None,
        optional: bool = True,
        suggestions: Sequence[str] = (),
    ) -> None:
        if wanted(key):
            current = raw.get(key)
            raw[key] = ask_text(
                message, str(current) if current else None, check, optional, suggestions
            )

    if wanted("kind"):
        current = v.normalize_kind(raw["kind"]).value if _present(raw, "kind") else None
        raw["kind"] = ask_select(
            "Type de client :",
            [(Kind.INDIVIDUAL.value, "Particulier"), (Kind.BUSINESS.value, "Professionnel")],
            current,
        )
    business = v.normalize_kind(raw["kind"]) is Kind.BUSINESS
    text("name", "Raison sociale :" if business else "Nom :", v.normalize_name, optional=False)
    if not business:
        text("first_name", "Prénom :")
    if wanted("country"):
        current = v.country_label(v.normalize_country(raw.get("country")))
        answer = ask_text("Pays :", current, v.normalize_country, optional=True)
        raw["country"] = v.normalize_country(answer)
    country = v.normalize_country(raw.get("country"))
    if lookup is not None and business and country == "FR" and not editing:
        raw = lookup(raw)
    asked_email = wanted("email")
    text("email", "Email :", v.normalize_email)
    if on_email and asked_email and raw.get("email"):
        on_email(str(raw["email"]))
    text("phone", "Téléphone :", lambda s: v.normalize_phone(s, country, raw.get("postal_code")))
    text("address", "Adresse :")
    text("line2", "Complément d'adresse :")
    text("postal_code", "Code postal :", lambda s: v.normalize_postal_code(s, country))
    text("city", "Ville :")
    _ask_delivery(raw, country, wanted)
    if business:
        _ask_fiscal(raw, country, wanted)
    _ask_conditions(raw, wanted, defaults or {})
    text(
        "sector",
        "Secteur d'activité :",
        suggestions=list(dict.fromkeys([*SECTOR_SUGGESTIONS, *sectors])),
    )
    text("segment", "Segment :", suggestions=list(dict.fromkeys([*SEGMENT_SUGGESTIONS, *segments])))
    if wanted("tags"):
        current = ", ".join(raw.get("tags") or [])
        answer = ask_text("Tags (séparés par des virgules) :", current)
        raw["tags"] = v.normalize_tags([answer]) if answer else []
    if not editing and not _present(raw, "note"):
        raw["note"] = ask_text("Note :")
    return raw


def _ask_delivery(raw: dict[str, Any], country: str, wanted: Callable[[str], bool]) -> None:
    """The delivery address, only when the client says it differs from the billing one."""
    keys = ("delivery_address", "delivery_line2", "delivery_postal_code", "delivery_city")
    has_one = any(_present(raw, k) for k in keys)
    if not (wanted("delivery_address") or has_one) or (has_one and not wanted("delivery_city")):
        return
    if not ask_confirm("Adresse de livraison différente ?", default=has_one):
        for key in (*keys, "delivery_country"):
            raw[key] = None
        return
    delivery_country = v.normalize_country(raw.get("delivery_country") or country)
    answer = ask_text("Pays de livraison :", v.country_label(delivery_country), v.normalize_country)
    delivery_country = v.normalize_country(answer)
    raw["delivery_country"] = delivery_country
    for key, message in zip(keys, ("Adresse de livraison :", "Complément (livraison) :",
                                   "Code postal (livraison) :", "Ville (livraison) :"), strict=True):  # fmt: skip
        check = (
            (lambda s: v.normalize_postal_code(s, delivery_country)) if "postal" in key else None
        )
        raw[key] = ask_text(message, raw.get(key), check)


def _ask_fiscal(raw: dict[str, Any], country: str, wanted: Callable[[str], bool]) -> None:
    if country == "FR" and wanted("siret"):
        raw["siret"] = ask_text(
            "SIRET (14 chiffres, laisser vide s'il n'est pas connu) :",
            raw.get("siret"),
            v.normalize_siret,
        )
    if not wanted("vat_number"):
        return
    suggested = raw.get("vat_number")
    siret = v.clean(raw.get("siret"))
    if country == "FR" and siret and not suggested:
        from stdnum.fr import siren

        suggested = "FR" + siren.to_tva(v.normalize_siret(siret)[:9])  # type: ignore[index]
    if country in EU_COUNTRIES:
        message = "Numéro de TVA intracommunautaire :"
    else:
        message = "Numéro de TVA (facultatif) :"
    raw["vat_number"] = ask_text(message, suggested, lambda s: v.normalize_vat(s, country))


def _ask_conditions(
    raw: dict[str, Any], wanted: Callable[[str], bool], defaults: dict[str, Any]
) -> None:
    if wanted("terms_days"):
        current = str(v.normalize_terms(raw.get("terms_days")) or defaults.get("terms_days", 30))
        raw["terms_days"] = ask_select(
            "Délai de paiement :", [(str(d), f"{d} jours") for d in TERMS_DAYS], current
        )
    if wanted("end_of_month"):
        raw["end_of_month"] = ask_confirm(
            "Fin de mois ?", bool(v.parse_bool(raw.get("end_of_month")))
        )
    if wanted("payment_method"):
        method = v.normalize_payment_method(raw.get("payment_method"))
        answer = ask_select(
            "Mode de paiement :",
            [(NONE_CHOICE, "Non précisé"), *((m.value, m.label) for m in PaymentMethod)],
            method.value if method else NONE_CHOICE,
        )
        raw["payment_method"] = None if answer == NONE_CHOICE else answer
    if wanted("discount"):
        raw["discount"] = ask_text(
            "Remise (ex. 5 % ou 50) :", raw.get("discount"), v.parse_discount
        )
    if wanted("currency"):
        current = raw.get("currency") or defaults.get("currency", "EUR")
        raw["currency"] = ask_text("Devise :", current, v.normalize_currency)


def ask_contact(
    raw: dict[str, Any],
    country: str,
    *,
    editing: bool = False,
    ask_primary: bool = False,
    on_email: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """The questions of a contact: what is missing (adding), or everything prefilled
    (editing); the phone is read in the client's country."""
    raw = dict(raw)
    questions: list[tuple[str, str, Callable[[str], object] | None]] = [
        ("first_name", "Prénom :", None),
        ("last_name", "Nom :", None),
        ("position", "Fonction (ex. Acheteuse, Comptable) :", None),
        ("department", "Service (ex. Achats, Comptabilité) :", None),
        ("email", "Email :", v.normalize_email),
        ("phone", "Téléphone :", lambda s: v.normalize_phone(s, country)),
    ]
    for key, message, check in questions:
        if editing or not _present(raw, key):
            current = raw.get(key)
            raw[key] = ask_text(message, str(current) if current else None, check)
            if key == "email" and on_email and raw[key]:
                on_email(str(raw[key]))
    if ask_primary and not _present(raw, "primary"):
        raw["primary"] = "oui" if ask_confirm("Contact principal ?", False) else None
    return raw
