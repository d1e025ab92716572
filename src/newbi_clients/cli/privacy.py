"""delete, forget and privacy export: personal data of a client."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newbi_clients.cli.common import interactive, open_store, resolve

if TYPE_CHECKING:
    from newbi_clients.models import Client
    from newbi_clients.storage import ClientStore

privacy_app = typer.Typer(
    help="Données personnelles : ce que le carnet contient sur une personne.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Ne demande pas de confirmation (scripts).")
]


def register(app: typer.Typer) -> None:
    """Attach delete, forget and the privacy group."""
    app.command("delete")(delete)
    app.command("forget")(forget)
    app.add_typer(privacy_app, name="privacy")
    privacy_app.command("export")(privacy_export)


def confirm(question: str, yes: bool, remedy: str, cancelled: str) -> None:
    """Ask ``question`` on a terminal unless ``yes``; without a terminal, ``--yes`` is
    required (a destructive command never runs unconfirmed)."""
    if yes:
        return
    from newbi_clients.cli.render import info
    from newbi_clients.errors import NewbiError

    if not interactive():
        raise NewbiError(remedy)
    from newbi_clients.cli.prompts import ask_confirm

    if not ask_confirm(question, default=False):
        info(cancelled)
        raise typer.Exit(1)


def delete(
    clients: Annotated[list[str], typer.Argument(metavar="CLIENT...", help="Les clients à supprimer (id, email, SIRET, nom…).", show_default=False)],
    yes: YesOpt = False,
) -> None:  # fmt: skip
    """Supprime définitivement des clients, avec leurs notes, tags, contacts, champs
    personnalisés, rappels, devis et brouillons.

    Un client qui a des factures ou des avoirs émis ne peut pas être supprimé : les
    documents comptables se conservent 10 ans (art. L123-22 du Code de commerce).
    Archivez-le, ou anonymisez-le avec « forget » si la personne le demande.

    Exemple : newbi-clients delete 12 57 --yes
    """
    from newbi_clients.cli.render import info
    from newbi_clients.privacy import check_deletable, delete_clients, family

    with open_store() as store:
        chosen = {c.id: c for c in (_unmerged(store, ref) for ref in clients)}
        for client_id, client in chosen.items():
            assert client_id is not None
            check_deletable(store, client_id)
            extra = len(family(store, client_id)) - 1
            merged = f", avec {extra} fiche(s) fusionnée(s) dans ce client" if extra else ""
            info(f"À supprimer : #{client_id} {client.display_name}{merged}")
        confirm(
            f"Supprimer définitivement {len(chosen)} client(s) ? Rien ne pourra être récupéré.",
            yes,
            "Confirmez la suppression avec --yes (ou lancez-la dans un terminal).",
            "Suppression annulée : rien n'a été supprimé.",
        )
        erasure = delete_clients(store, [i for i in chosen if i is not None])
    info(
        f"{len(chosen)} client(s) supprimé(s) définitivement ({erasure.notes} note(s),"
        f" {erasure.documents} devis ou brouillon(s))."
    )
    _warn_copies(store)


def _unmerged(store: "ClientStore", ref: str) -> "Client":
    """The client a reference designates, refused if it was merged: deleting its keeper
    (with every record merged into it) is not what « delete 57 » says."""
    from newbi_clients.errors import NewbiError

    client = store.resolve(ref, follow_merged=False)
    if client.merged_into is not None:
        raise NewbiError(
            f"#{client.id} a été fusionné dans #{client.merged_into} : supprimez #"
            f"{client.merged_into} (avec les fiches fusionnées dans ce client), ou défaites"
            f" d'abord la fusion (« newbi-clients unmerge {client.id} »)."
        )
    return client


def forget(
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="La personne à anonymiser (id, email, nom…).", show_default=False)],
    yes: YesOpt = False,
) -> None:  # fmt: skip
    """Anonymise un client à sa demande (droit à l'effacement, art. 17 du RGPD).

    Sont effacés : nom, prénom, coordonnées, adresses, identifiants, secteur, segment,
    tags, notes, contacts, champs personnalisés, rappels, et les valeurs de son journal
    des modifications (une fusion ne peut plus être défaite). Sont gardés, comme la loi l'impose : ses factures, devis,
    avoirs et paiements (numéros, dates, montants), ses conditions de paiement et son
    pays. Le client est archivé sous le nom « Anonyme #id ». C'est définitif.

    Exemple : newbi-clients forget eleonore.dupont@exemple.fr --yes
    """
    from newbi_clients.cli.render import info
    from newbi_clients.privacy import family, forget_client

    with open_store() as store:
        person = resolve(store, client)
        assert person.id is not None
        count = store.execute(
            "SELECT count(*) FROM documents WHERE client_id = ?", [person.id]
        ).fetchone()[0]
        extra = len(family(store, person.id)) - 1
        info(
            f"À anonymiser : #{person.id} {person.display_name}"
            + (f", avec {extra} fiche(s) fusionnée(s) dans ce client" if extra else "")
            + f". {count} document(s) et leurs paiements sont conservés (obligation légale)."
        )
        confirm(
            f"Anonymiser définitivement #{person.id} ? Ses données ne pourront pas être"
            " récupérées.",
            yes,
            "Confirmez l'anonymisation avec --yes (ou lancez-la dans un terminal).",
            "Anonymisation annulée : rien n'a été modifié.",
        )
        erasure = forget_client(store, person.id)
    info(
        f"#{person.id} anonymisé : {erasure.notes} note(s) supprimée(s), valeurs de"
        f" {erasure.audit_entries} entrée(s) du journal effacées ; {erasure.documents}"
        " document(s) conservé(s)."
    )
    _warn_copies(store)


def _warn_copies(store: "ClientStore") -> None:
    """Copies of the book (before a migration or a restore) still hold the old values."""
    from newbi_clients.cli.render import warn

    copies = sorted(store.path.parent.glob(f"{store.path.name}.avant-*"))
    if copies:
        warn(
            "Ces copies de la base contiennent encore les données effacées ; supprimez-les"
            " si elles ne sont plus utiles : " + ", ".join(str(c) for c in copies)
        )


def privacy_export(
    client: Annotated[str, typer.Argument(metavar="CLIENT", help="La personne concernée (id, email, nom…).", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FICHIER", help="Écrit dans ce fichier (lisible par vous seul) au lieu de la sortie standard.", dir_okay=False)] = None,
) -> None:  # fmt: skip
    """Exporte en JSON tout ce que le carnet contient sur une personne (droits d'accès et
    à la portabilité, art. 15 et 20 du RGPD).

    Fiche, tags, notes, fiches fusionnées, contacts, champs personnalisés, rappels,
    factures, devis, avoirs, paiements et journal des modifications, en un seul fichier.

    Exemple : newbi-clients privacy export eleonore.dupont@exemple.fr -o dupont-rgpd.json
    """
    from newbi_clients.cli.render import dumps, info
    from newbi_clients.files import refuse_book
    from newbi_clients.privacy import personal_data

    with open_store() as store:
        if output is not None:
            refuse_book(output, store.path)
        person = resolve(store, client)
        assert person.id is not None
        text = dumps(personal_data(store, person.id)) + "\n"
    if output is None:
        import sys

        sys.stdout.write(text)
        return
    from newbi_clients.files import replacing_text

    with replacing_text(output) as out:
        out.write(text)
    info(f"Données de #{person.id} écrites dans {output}")
