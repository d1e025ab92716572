"""import (export and template are in ``export``; the preview in ``import_preview``)."""

from pathlib import Path
from typing import Annotated

import typer

from newbi_clients.cli.common import (
    ViewFormat,
    ViewFormatOpt,
    book_exists,
    interactive,
    open_store,
    scratch_store,
)
from newbi_clients.cli.import_preview import (
    OnDuplicate,
    confirm_import,
    dry_report,
    emit_report,
    on_duplicate_choice,
    prepare,
    preview,
    show_phases,
)
from newbi_clients.cli.import_preview import (
    save_map as keep_map,
)
from newbi_clients.cli.inputs import input_file


def register(app: typer.Typer) -> None:
    """Attach import, export and template."""
    from newbi_clients.cli import export

    app.command("import")(import_)
    app.command("export")(export.export)
    app.command("template")(export.template)


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name the same file (through links too)."""
    try:
        return one.expanduser().resolve() == other.expanduser().resolve() or one.samefile(other)
    except OSError:
        return False


def import_(
    file: Annotated[Path, typer.Argument(metavar="FICHIER", help="Fichier .csv, .txt, .xlsx ou .vcf (vCard) ; « - » : CSV lu sur l'entrée standard.", show_default=False)],
    encoding: Annotated[str | None, typer.Option("--encoding", help="Encodage du CSV (détecté sinon : UTF-8, sinon Windows-1252 ou Mac Roman).")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", "-d", help="Séparateur du CSV (détecté sinon parmi ; , tabulation).", metavar="CAR")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille du classeur XLSX, nom exact ou aux majuscules et accents près (celle qui s'affiche à l'ouverture sinon).", metavar="NOM")] = None,
    on_duplicate: Annotated[OnDuplicate | None, typer.Option("--on-duplicate", help="Doublons : skip (ignorer), merge (compléter le client existant) ou create (créer quand même). Demandé dans un terminal, skip sinon.", case_sensitive=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Importe sans demander de confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="S'arrête après l'aperçu : rien n'est écrit.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse tout le fichier si une ligne est rejetée.")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", metavar="FICHIER", help="Écrit les lignes rejetées, avec leur motif, prêtes à corriger.", dir_okay=False)] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
    no_input: Annotated[bool, typer.Option("--no-input", help="Ne pose aucune question.")] = False,
    profile: Annotated[str | None, typer.Option("--profile", metavar="FORMAT", help="Force un format (reconnu sinon d'après l'en-tête) : newbi, google, google-legacy, outlook-fr, outlook, hubspot-contacts, hubspot-companies, odoo, dolibarr, dolibarr-contacts, vcard, ou une correspondance enregistrée.")] = None,
    map_: Annotated[list[str] | None, typer.Option("--map", metavar="'EN-TÊTE=champ'", help="Associe une colonne à un champ (name, first_name, organization, email, phone, mobile, address, postal_code, city, country, siret, vat_number, tags, notes…) ; répétable.")] = None,
    save_map: Annotated[str | None, typer.Option("--save-map", metavar="NOM", help="Enregistre les --map sous ce nom, réutilisable avec --profile NOM.")] = None,
) -> None:  # fmt: skip
    """Importe des clients depuis un fichier Excel (.xlsx), CSV ou vCard (.vcf) : aperçu, puis confirmation.

    Les exports de Google Contacts, Outlook, HubSpot, Odoo, Dolibarr et les fichiers
    vCard sont reconnus d'après leur en-tête ; --map associe les colonnes de tout autre
    fichier. Chaque ligne est validée comme avec « add » ; les doublons (email, SIRET,
    puis téléphone ou nom et code postal) sont repérés dans le fichier et dans le
    carnet ; tout est écrit en une seule transaction.

    Exemple : newbi-clients import contacts.csv --map 'Raison sociale=name' --save-map crm

    Exemple : autre-crm export | newbi-clients import - --yes
    """
    from newbi_clients.cli.render import info
    from newbi_clients.errors import ImportRejected
    from newbi_clients.transfer.apply import Importer
    from newbi_clients.transfer.mapping import parse_map

    ask = interactive(no_input) and str(file) != "-"
    columns = parse_map(map_ or [])
    if errors is not None and str(file) != "-" and _same_file(errors, file):
        raise ImportRejected(
            f"--errors {errors} est le fichier importé : il serait remplacé par ses seules"
            " lignes rejetées. Choisissez un autre fichier (par exemple rejets.csv)."
        )
    # the input is checked before the book is opened: a mistyped path creates no book
    with (
        input_file(file) as path,
        (
            scratch_store() if dry_run and not book_exists() else open_store(write=not dry_run)
        ) as store,
    ):
        file = path
        if save_map is not None:
            keep_map(store, save_map, columns)
        importer = Importer(store, file, encoding, delimiter, sheet, profile, columns)
        plan = prepare(importer, file)
        for notice in plan.table.notices:
            info(notice)
        preview(plan)
        if errors is not None and plan.rejected_rows:
            from newbi_clients.files import refuse_book

            refuse_book(errors, store.path)
            count = importer.write_errors(plan, errors)
            info(f"{count} ligne(s) rejetée(s) écrite(s) dans {errors}")
        refusal = None
        if plan.rejected_rows and not plan.valid:
            refusal = (
                f"Aucune ligne importable : les {len(plan.rejected_rows)} ligne(s) du fichier"
                " ont été rejetées ; rien n'a été écrit. Corrigez-les (--errors FICHIER les"
                " écrit avec leur motif) puis relancez l'import."
            )
        elif strict and plan.rejected_rows:
            refusal = (
                f"Import refusé (--strict) : {len(plan.rejected_rows)} ligne(s) rejetée(s) ;"
                " rien n'a été écrit."
            )
        if refusal or dry_run:
            # nothing is written: the report says what the import would have done (a
            # refusal's only in JSON, where scripts read it; on screen the message says it)
            if not refusal or format_ is ViewFormat.JSON:
                emit_report(
                    dry_report(plan, (on_duplicate or OnDuplicate.SKIP).value), format_, plan
                )
            if refusal:
                raise ImportRejected(refusal)
            info("Simulation (--dry-run) : rien n'a été écrit dans le carnet.")
            show_phases(importer)
            return
        choice = on_duplicate_choice(plan, on_duplicate, ask)
        if ask and not yes and not confirm_import(plan, choice):
            info("Import annulé : rien n'a été écrit.")
            raise typer.Exit(1)
        report = importer.apply(plan, choice)
        if importer.reclassified:
            info(
                "Le carnet a changé depuis l'aperçu (une autre commande y a écrit) : les"
                " doublons ont été recherchés à nouveau, et le résultat en tient compte."
            )
        # inside: the report's errors and duplicates are read from the import's temporary
        # tables as they are written
        emit_report(report, format_, plan)
    show_phases(importer)
