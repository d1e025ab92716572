"""backup and restore."""

from pathlib import Path
from typing import Annotated

import typer

from newbi_clients.cli.common import open_store


def register(app: typer.Typer) -> None:
    """Attach backup and restore."""
    app.command("backup")(backup)
    app.command("restore")(restore)


def backup(
    file: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="Fichier de la sauvegarde.", show_default=False),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Remplace le fichier s'il existe déjà.")
    ] = False,
) -> None:
    """Sauvegarde la base dans un fichier (lisible par vous seul), même pendant qu'une
    autre commande écrit.

    La copie est la base telle qu'elle était à un instant donné (API de sauvegarde en
    ligne de SQLite), vérifiée avant d'être enregistrée.

    Exemple : newbi-clients backup ~/sauvegardes/clients-$(date +%F).db
    """
    from newbi_clients.backup import backup_to
    from newbi_clients.cli.render import info

    with open_store() as store:
        target = backup_to(store.conn, file.expanduser(), overwrite=force)
        count = store.execute("SELECT count(*) FROM clients").fetchone()[0]
    info(f"Sauvegarde écrite dans {target} ({count} fiche(s)).")


def restore(
    file: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="La sauvegarde à restaurer.", show_default=False),
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Restaure sans demander de confirmation.")
    ] = False,
) -> None:
    """Remplace la base par une sauvegarde, après l'avoir vérifiée ; la base remplacée est
    gardée à côté, dans une copie datée.

    La sauvegarde doit être une base newbi-clients saine, d'un schéma connu de cette
    version (une sauvegarde plus ancienne est mise à jour).

    Exemple : newbi-clients restore ~/sauvegardes/clients-2026-01-31.db --yes
    """
    from newbi_clients import backup as core
    from newbi_clients.cli import state
    from newbi_clients.cli.privacy import confirm
    from newbi_clients.cli.render import info
    from newbi_clients.storage import resolve_db_path

    book = resolve_db_path(state.db)
    source = file.expanduser()
    checked = core.check_book(source)
    confirm(
        f"Remplacer la base {book} par {source} ({checked.clients} fiche(s)) ?",
        yes,
        "Confirmez la restauration avec --yes (ou lancez-la dans un terminal).",
        "Restauration annulée : rien n'a été modifié.",
    )
    info_, aside = core.restore(book, source)
    if aside is not None:
        info(f"L'ancienne base est gardée dans {aside}")
    with open_store():
        pass  # an older schema is migrated now, with its notice
    info(f"Base {book} restaurée depuis {source} ({info_.clients} fiche(s)).")
