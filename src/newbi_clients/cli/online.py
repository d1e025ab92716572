"""The commands that go online, and only when asked: vies and lookup."""

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.fiscal import SellerSettings
    from newbi_clients.models import Client
    from newbi_clients.online import HttpPolicy
    from newbi_clients.register import Company, RegisterService
    from newbi_clients.storage import ClientStore
    from newbi_clients.vies import ViesService

VIES_COLUMNS = ("ID", "Client", "N° TVA", "VIES", "Nom VIES", "N° de consultation")
LOOKUP_COLUMNS = ("Raison sociale", "SIREN", "SIRET du siège", "Adresse du siège", "NAF",
                  "Forme juridique", "État")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Attach the online commands."""
    app.command("vies")(vies)
    app.command("lookup")(lookup)


def policy(store: "ClientStore", interactive: bool = False) -> "HttpPolicy":
    """Timeout, retries and pacing from the settings; a question asked during ``add``
    tries at most twice, so that the questions never wait long."""
    from dataclasses import replace

    from newbi_clients.online import HttpPolicy

    chosen = HttpPolicy.from_settings(store.all_settings())
    return replace(chosen, retries=min(chosen.retries, 1)) if interactive else chosen


def vies_service(store: "ClientStore") -> "ViesService":
    """VIES as the settings describe it (``vies.url``, ``seller_vat_number``)."""
    from newbi_clients.online import HttpClient
    from newbi_clients.vies import DEFAULT_URL, ViesService

    settings = store.all_settings()
    return ViesService(
        HttpClient("VIES", policy(store)),
        settings.get("vies.url") or DEFAULT_URL,
        settings.get("seller_vat_number") or None,
    )


def register_service(store: "ClientStore", interactive: bool = False) -> "RegisterService":
    """The company register as the settings describe it (``register.url``)."""
    from newbi_clients.online import HttpClient
    from newbi_clients.register import DEFAULT_URL, SERVICE, RegisterService

    url = store.get_setting("register.url") or DEFAULT_URL
    return RegisterService(HttpClient(SERVICE, policy(store, interactive)), url)


# --- vies -------------------------------------------------------------------------------


def vies(
    client_refs: Annotated[list[str] | None, typer.Argument(metavar="[CLIENT]...", help="Clients à vérifier (identifiant, email, SIRET, n° de TVA ou nom).", show_default=False)] = None,
    all_: Annotated[bool, typer.Option("--all", help="Tous les clients professionnels actifs ayant un numéro de TVA de l'UE.")] = False,
    stale: Annotated[int | None, typer.Option("--stale", metavar="JOURS", min=0, help="Avec --all : seulement les numéros sans réponse valide ou invalide depuis JOURS jours.")] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Vérifie en ligne, dans VIES (registre de l'UE), les numéros de TVA des clients.

    Enregistre pour chaque client le statut (valid, invalid, unavailable), la date, le nom
    et l'adresse rendus par VIES et le numéro de consultation (avec « config set
    seller_vat_number »). Un VIES indisponible ne rend jamais un numéro invalide.

    Exemple : newbi-clients vies --all --stale 30
    """
    from newbi_clients.errors import ValidationFailed

    if bool(client_refs) == all_:
        raise typer.BadParameter("donnez des clients ou --all (pas les deux)")
    if stale is not None and not all_:
        raise typer.BadParameter("--stale va avec --all", param_hint="--stale")
    with open_store() as store:
        if all_:
            from newbi_clients.vies import clients_to_check

            clients = clients_to_check(store, stale)
        else:
            clients = [resolve(store, ref) for ref in client_refs or []]
            missing = [c for c in clients if c.vies is None]
            if missing:
                names = ", ".join(f"#{c.id} {c.display_name}" for c in missing)
                raise ValidationFailed.single(
                    "vat_number",
                    None,
                    f"Pas de numéro de TVA de l'UE à vérifier dans VIES : {names}",
                )
        if not clients:
            from newbi_clients.cli.render import emit_json, info

            info("Aucun client à vérifier.")
            if format_ is ViewFormat.JSON:
                emit_json([])
            return
        checked = _check_all(store, clients, progress=all_)
        _emit_checks(checked, store.seller_settings(), format_)


def _check_all(store: "ClientStore", clients: "list[Client]", progress: bool) -> "list[Client]":
    """Check each client in turn, keeping each answer as soon as it comes; Ctrl-C stops
    cleanly, what was checked stays."""
    from newbi_clients import interrupts
    from newbi_clients.cli.render import err_console
    from newbi_clients.errors import NewbiError
    from newbi_clients.online import Offline
    from newbi_clients.vies import record

    service = vies_service(store)
    checked: list[Client] = []
    bar = _progress(len(clients)) if progress and err_console().is_terminal else None
    try:
        for client in clients:
            answer = service.check(client.vat_number or "")
            checked.append(record(store, client, answer, service.requester))
            if bar is not None:
                bar[0].advance(bar[1])
            interrupts.checkpoint()  # each answer is kept; a signal stops before the next
    except KeyboardInterrupt as exc:
        _stop(bar)
        print(
            f"Interrompu : {len(checked)} contrôle(s) sur {len(clients)} enregistré(s).",
            file=sys.stderr,
        )
        code = exc.exit_code if isinstance(exc, interrupts.Interrupted) else 130
        raise typer.Exit(code) from None
    except Offline as exc:
        _stop(bar)
        if not checked:
            raise
        raise NewbiError(
            f"Connexion perdue après {len(checked)} contrôle(s) sur {len(clients)} (enregistrés) :"
            " relancez la commande pour les autres."
        ) from exc
    _stop(bar)
    return checked


def _progress(total: int) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from newbi_clients.cli.render import err_console

    bar = Progress(TextColumn("Contrôle VIES"), BarColumn(), MofNCompleteColumn(),
                   console=err_console(), transient=True)  # fmt: skip
    bar.start()
    return bar, bar.add_task("vies", total=total)


def _stop(bar: Any) -> None:
    if bar is not None:
        bar[0].stop()


def _emit_checks(clients: "list[Client]", settings: "SellerSettings", format_: ViewFormat) -> None:
    from newbi_clients.cli.render import VIES_LABELS, emit_json, emit_rows, warn
    from newbi_clients.fiscal import client_regime
    from newbi_clients.serialize import vies_to_dict
    from newbi_clients.vies import names_match

    for client in clients:
        check = client.vies
        assert check is not None
        if check.status == "invalid":
            warn(f"#{client.id} {client.display_name} : {client_regime(client, settings).warning}")
        elif names_match(client, check.name) is False:
            warn(f"#{client.id} {client.display_name} : VIES donne un autre nom, « {check.name} ».")
    if format_ is ViewFormat.JSON:
        emit_json([{"id": c.id, "name": c.display_name, "vat_number": c.vat_number,
                    "vies": vies_to_dict(c, client_regime(c, settings).warning)} for c in clients])  # fmt: skip
        return
    rows = [
        (str(c.id), c.display_name, c.vat_number or "", VIES_LABELS[c.vies.status],
         c.vies.name or "", c.vies.consultation_number or "")
        for c in clients if c.vies is not None
    ]  # fmt: skip
    emit_rows(VIES_COLUMNS, rows)


# --- lookup -----------------------------------------------------------------------------


def lookup(
    query: Annotated[list[str], typer.Argument(metavar="SIRET|SIREN|NOM", help="Ce qu'il faut chercher ; avec --refresh, le client.", show_default=False)],
    refresh: Annotated[bool, typer.Option("--refresh", help="Compare la fiche du client avec l'annuaire.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Nombre maximal d'entreprises (25 au plus).")] = 10,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Cherche une entreprise française dans l'annuaire des entreprises (en ligne).

    Montre raison sociale, SIREN, SIRET et adresse du siège, activité (NAF), forme
    juridique, et si l'entreprise est active ou fermée. Avec --refresh, compare la fiche
    d'un client avec l'annuaire.

    Exemple : newbi-clients lookup "732 829 320 00074"
    """
    text = " ".join(query)
    with open_store() as store:
        if refresh:
            _refresh(store, resolve(store, text), format_)
            return
        companies = register_service(store).search(text, min(limit, 25))
    _emit_companies(companies, text, format_)


def company_to_dict(company: "Company") -> dict[str, Any]:
    """JSON shape of a company of the register."""
    from dataclasses import asdict

    def place(e: Any) -> dict[str, Any] | None:
        return None if e is None else asdict(e) | {"address": e.address}

    return {
        "siren": company.siren,
        "name": company.name,
        "legal_form": company.legal_form,
        "legal_form_label": company.legal_form_label or None,
        "naf": company.naf,
        "active": company.active,
        "head_office": place(company.head_office),
        "matching_establishments": [place(e) for e in company.matching],
    }


def _emit_companies(companies: "list[Company]", text: str, format_: ViewFormat) -> None:
    from newbi_clients.cli.render import emit_json, emit_rows, info, warn
    from newbi_clients.register import identifier

    if format_ is ViewFormat.JSON:
        emit_json([company_to_dict(c) for c in companies])
    else:
        emit_rows(LOOKUP_COLUMNS, [company_row(c) for c in companies])
    if not companies:
        info(f"Aucune entreprise trouvée pour « {text} ».")
    number = identifier(text)
    for company in companies:
        place = company.establishment(number if number and len(number) == 14 else None)
        if place is not None and not place.open:
            warn(f"l'établissement {place.siret} ({place.address}) est fermé.")
        elif place is not None and not place.head_office and format_ is ViewFormat.TABLE:
            info(f"Établissement {place.siret} : {place.address}")


def company_row(company: "Company") -> tuple[str, ...]:
    """The cells of a company in the look-up table."""
    office = company.head_office
    return (
        company.name,
        company.siren,
        office.siret if office else "",
        office.address if office else "",
        company.naf or "",
        company.legal_form_label,
        "active" if company.active else "fermée",
    )


def _refresh(store: "ClientStore", client: "Client", format_: ViewFormat) -> None:
    from newbi_clients.cli.render import emit_json, emit_rows, info, warn
    from newbi_clients.errors import ValidationFailed
    from newbi_clients.register import compare

    number = client.siret or client.siren
    if not number:
        raise ValidationFailed.single(
            "siret", None,
            f"#{client.id} {client.display_name} n'a ni SIRET ni SIREN : cherchez-le par son nom"
            " (newbi-clients lookup NOM), puis complétez sa fiche (newbi-clients edit).",
        )  # fmt: skip
    companies = register_service(store).search(number, 1)
    if not companies:
        raise ValidationFailed.single(
            "siret", number, f"{number} est introuvable dans l'annuaire des entreprises."
        )
    company = companies[0]
    differences = compare(client, company)
    place = company.establishment(client.siret)
    if format_ is ViewFormat.JSON:
        emit_json({"id": client.id, "company": company_to_dict(company),
                   "differences": [{"field": f, "fiche": a, "register": b} for f, a, b in differences]})  # fmt: skip
    else:
        emit_rows(("Champ", "Fiche", "Annuaire"), differences)
    if place is not None and not place.open:
        warn(f"l'établissement {place.siret} de #{client.id} est fermé au registre.")
    if not company.active:
        warn(f"{company.name} ({company.siren}) est fermée au registre.")
    if not differences:
        info(f"La fiche de #{client.id} {client.display_name} est conforme à l'annuaire.")
    else:
        info(f"Pour corriger la fiche : newbi-clients edit {client.id} …")
