"""Filling a new fiche from the company register: ``add --lookup`` and the question
« Chercher l'entreprise dans l'annuaire ? » of the interactive ``add``.

The register only fills what the user did not give; the user sees what was found and
confirms it in a terminal. Without network the interactive question says so in one line
and the questions go on: ``add`` never waits on the network.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newbi_clients.register import Company
    from newbi_clients.storage import ClientStore


def fill_from_register(
    store: "ClientStore", raw: dict[str, Any], query: str, ask: bool
) -> dict[str, Any]:
    """``add --lookup SIRET``: the fields the register gives, under those given by flags.

    :raises Offline: without network (nothing is written).
    :raises ValidationFailed: when nothing, or several companies, match.
    """
    from newbi_clients.cli.online import register_service
    from newbi_clients.errors import ValidationFailed

    companies = register_service(store).search(query, 10)
    if not companies:
        raise ValidationFailed.single(
            "lookup", query, f"Aucune entreprise trouvée dans l'annuaire pour « {query} »"
        )
    if len(companies) > 1 and not ask:
        names = ", ".join(f"{c.name} ({c.siren})" for c in companies[:5])
        raise ValidationFailed.single(
            "lookup", query, f"Plusieurs entreprises pour « {query} » : {names}. Donnez le SIRET."
        )
    return _fill(raw, companies, query, confirm=ask, keep_given=True)


def register_question(
    store: "ClientStore", given: dict[str, Any]
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """The question of the interactive ``add`` for a French business (after its name and
    country): look the company up and, once confirmed, fill the fiche. None when a SIRET
    was given: there is nothing to look for."""
    from newbi_clients.validation import clean

    if clean(given.get("siret")) is not None:
        return None

    def ask_register(raw: dict[str, Any]) -> dict[str, Any]:
        from newbi_clients.cli import prompts
        from newbi_clients.cli.online import register_service
        from newbi_clients.cli.render import info, warn
        from newbi_clients.errors import NewbiError

        if not prompts.ask_confirm("Chercher l'entreprise dans l'annuaire ?", False):
            return raw
        query = prompts.ask_text("SIRET, SIREN ou nom de l'entreprise :", raw.get("name"))
        if not query:
            return raw
        try:
            companies = register_service(store, interactive=True).search(query, 10)
        except NewbiError as exc:  # offline, busy, invalid number: type the fiche instead
            warn(exc.message)
            return raw
        if not companies:
            info(f"Aucune entreprise trouvée pour « {query} » : saisissez la fiche.")
            return raw
        return _fill(raw, companies, query, confirm=True, keep_given=False)

    return ask_register


def _fill(
    raw: dict[str, Any], companies: "list[Company]", query: str, confirm: bool, keep_given: bool
) -> dict[str, Any]:
    """The fiche filled from the company chosen among ``companies`` (shown first, and
    confirmed when ``confirm``), or ``raw`` unchanged if none is chosen or confirmed."""
    from newbi_clients.cli import prompts
    from newbi_clients.register import identifier

    company = companies[0] if len(companies) == 1 else _choose(companies)
    if company is None:
        return raw
    number = identifier(query)
    siret = number if number and len(number) == 14 else None
    closed = _describe(company, siret)
    if confirm and not prompts.ask_confirm("Utiliser ces informations pour la fiche ?", not closed):
        return raw
    return _merged(raw, company, siret, keep_given=keep_given)


def _choose(companies: "list[Company]") -> "Company | None":
    from newbi_clients.cli import prompts

    choices = [(str(i), _label(c)) for i, c in enumerate(companies)]
    answer = prompts.ask_select(
        "Quelle entreprise ?", [*choices, ("none", "Aucune : saisir la fiche")], "0"
    )
    return None if answer == "none" else companies[int(answer)]


def _label(company: "Company") -> str:
    office = company.head_office
    where = f" · {office.postal_code or ''} {office.city or ''}".rstrip() if office else ""
    state = "" if company.active else " · fermée"
    return f"{company.name} · SIREN {company.siren}{where}{state}"


def _describe(company: "Company", siret: str | None) -> bool:
    """Show on stderr what the register says; returns True when it is closed."""
    from newbi_clients.cli.render import info, warn

    place = company.establishment(siret)
    info(f"Annuaire : {company.name} · SIREN {company.siren}")
    if place is not None:
        info(f"  SIRET {place.siret}{' (siège)' if place.head_office else ''} : {place.address}")
    details = [d for d in (company.legal_form_label, company.naf and f"NAF {company.naf}") if d]
    if details:
        info("  " + " · ".join(details))
    closed = not company.active or (place is not None and not place.open)
    if not company.active:
        warn(f"{company.name} ({company.siren}) est fermée au registre.")
    elif place is not None and not place.open:
        warn(f"l'établissement {place.siret} est fermé au registre : vérifiez l'adresse actuelle.")
    return closed


def _merged(
    raw: dict[str, Any], company: "Company", siret: str | None, keep_given: bool
) -> dict[str, Any]:
    """``raw`` with the register's fields: only where empty (flags win) when
    ``keep_given``, else the register's name replaces the one typed."""
    from newbi_clients.register import company_fields
    from newbi_clients.validation import clean

    found = company_fields(company, siret)
    merged = dict(raw)
    for key, value in found.items():
        if clean(merged.get(key)) is None or (key == "name" and not keep_given):
            merged[key] = value
    return merged
