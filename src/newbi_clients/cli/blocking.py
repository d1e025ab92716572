"""block / unblock: a client who must not be invoiced again."""

from typing import Annotated

import typer

from newbi_clients.cli.common import ClientArg, open_store, resolve


def register(app: typer.Typer) -> None:
    """Attach block and unblock."""
    app.command("block")(block)
    app.command("unblock")(unblock)


def block(
    client_ref: ClientArg,
    reason: Annotated[
        str,
        typer.Option("--reason", metavar="TEXTE", help="Motif (obligatoire).", show_default=False),
    ],
) -> None:
    """Bloque un client : ses factures et devis sont refusés (sauf --force de « history add »).

    Le blocage se voit sur la fiche, dans « list » et dans « pick ».

    Exemple : newbi-clients block acme --reason "Impayés répétés depuis mars"
    """
    from newbi_clients.blocking import block as block_client
    from newbi_clients.cli.render import info

    with open_store() as store:
        client = resolve(store, client_ref)
        done = block_client(store, client, reason)
    assert done.blocked is not None
    info(f"#{done.id} {done.display_name} bloqué : {done.blocked.reason}")


def unblock(client_ref: ClientArg) -> None:
    """Débloque un client.

    Exemple : newbi-clients unblock acme
    """
    from newbi_clients.blocking import unblock as unblock_client
    from newbi_clients.cli.render import info

    with open_store() as store:
        client = resolve(store, client_ref)
        done = unblock_client(store, client)
    info(f"#{done.id} {done.display_name} débloqué.")
