"""remind / reminders: the follow-ups of late payers (relances)."""

from typing import Annotated

import typer

from newbi_clients.cli.common import ClientArg, ViewFormat, ViewFormatOpt, open_store, resolve


def register(app: typer.Typer) -> None:
    """Attach remind and reminders."""
    app.command("remind")(remind)
    app.command("reminders")(reminders)


def remind(
    client_ref: ClientArg,
    text: Annotated[str, typer.Argument(metavar="TEXTE", help="Ce qu'il faut faire.")],
    on: Annotated[
        str,
        typer.Option("--on", metavar="DATE", help="Date de la relance (JJ/MM/AAAA ou AAAA-MM-JJ).",
                     show_default=False),
    ],
) -> None:  # fmt: skip
    """Programme une relance d'un client à une date ; « reminders --due » les liste le jour venu.

    Affiche le numéro de la relance seul sur la sortie standard.

    Exemple : newbi-clients remind acme --on 15/12/2026 "Relancer la facture F-2026-001"
    """
    from newbi_clients.cli.render import info
    from newbi_clients.reminders import add_reminder

    with open_store() as store:
        client = resolve(store, client_ref)
        reminder = add_reminder(store, client, on, text)
    info(f"Relance {reminder.id} programmée le {reminder.due_on} pour #{client.id}"
         f" {client.display_name}")  # fmt: skip
    print(reminder.id)


def reminders(
    due: Annotated[bool, typer.Option("--due", help="Seulement les relances dont la date est venue.")] = False,
    done: Annotated[int | None, typer.Option("--done", metavar="N", min=1, help="Marque la relance N comme faite.")] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Liste les relances à faire, avec l'encours et le retard de paiement de chaque client.

    Exemple : newbi-clients reminders --due
    """
    from newbi_clients.cli.render import emit_json, emit_rows, info
    from newbi_clients.models import format_money_fr
    from newbi_clients.reminders import done_reminder, pending_reminders

    with open_store() as store:
        if done is not None:
            finished = done_reminder(store, done)
            info(f"Relance {finished.id} faite : {finished.text}")
            return
        items = pending_reminders(store, due_only=due)
    if format_ is ViewFormat.JSON:
        emit_json([r.to_dict() for r in items])
        return
    rows = (
        (str(r.id), r.due_on, f"#{r.client_id} {r.client_name}", r.text,
         f"{format_money_fr(r.outstanding)} {r.currency}",
         f"{format_money_fr(r.overdue)} {r.currency}")
        for r in items
    )  # fmt: skip
    headers = ("N°", "Date", "Client", "Relance", "Encours", "En retard")
    if not emit_rows(headers, rows):
        info("Aucune relance à faire." if due else "Aucune relance en attente.")
