"""import (export and template are in ``export``)."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import (
    ViewFormat,
    ViewFormatOpt,
    book_exists,
    input_file,
    interactive,
    open_store,
    scratch_store,
)

if TYPE_CHECKING:
    from newbi_clients.transfer.apply import Importer
    from newbi_clients.transfer.validate import ImportPlan, ImportReport


class OnDuplicate(StrEnum):
    """What ``import`` does with a row that duplicates a client."""

    SKIP = "skip"
    MERGE = "merge"
    CREATE = "create"


PREVIEW_LINES = 20


def register(app: typer.Typer) -> None:
    """Attach import, export and template."""
    from newbi_clients.cli import export

    app.command("import")(import_)
    app.command("export")(export.export)
    app.command("template")(export.template)


def import_(
    file: Annotated[Path, typer.Argument(metavar="FICHIER", help="Fichier .csv, .txt ou .xlsx ; « - » : CSV lu sur l'entrée standard.", show_default=False)],
    encoding: Annotated[str | None, typer.Option("--encoding", help="Encodage du CSV (détecté sinon : UTF-8, sinon Windows-1252).")] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", "-d", help="Séparateur du CSV (détecté sinon parmi ; , tabulation).", metavar="CAR")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Feuille du classeur XLSX (la première sinon).", metavar="NOM")] = None,
    on_duplicate: Annotated[OnDuplicate | None, typer.Option("--on-duplicate", help="Doublons : skip (ignorer), merge (compléter le client existant) ou create (créer quand même). Demandé dans un terminal, skip sinon.", case_sensitive=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Importe sans demander de confirmation.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="S'arrête après l'aperçu : rien n'est écrit.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse tout le fichier si une ligne est rejetée.")] = False,
    errors: Annotated[Path | None, typer.Option("--errors", metavar="FICHIER", help="Écrit les lignes rejetées, avec leur motif, prêtes à corriger.", dir_okay=False)] = None,
    format_: ViewFormatOpt = ViewFormat.TABLE,
    no_input: Annotated[bool, typer.Option("--no-input", help="Ne pose aucune question.")] = False,
) -> None:  # fmt: skip
    """Importe des clients depuis un fichier Excel (.xlsx) ou CSV : aperçu, puis confirmation.

    Chaque ligne est validée comme avec « add » ; les doublons (email, SIRET) sont
    repérés dans le fichier et dans le carnet ; tout est écrit en une seule transaction.

    Exemple : newbi-clients import clients.xlsx --on-duplicate merge --errors rejets.xlsx --yes

    Exemple : autre-crm export | newbi-clients import - --yes
    """
    from newbi_clients.cli.render import info
    from newbi_clients.errors import ImportRejected
    from newbi_clients.transfer.apply import Importer

    ask = interactive(no_input) and str(file) != "-"
    opened = scratch_store() if dry_run and not book_exists() else open_store(write=not dry_run)
    with input_file(file) as path, opened as store:
        file = path
        importer = Importer(store, file, encoding, delimiter, sheet)
        plan = _prepare(importer, file)
        for notice in plan.table.notices:
            info(notice)
        _preview(plan)
        if errors is not None and plan.rejected_rows:
            from newbi_clients.files import refuse_book

            refuse_book(errors, store.path)
            count = importer.write_errors(plan, errors)
            info(f"{count} ligne(s) rejetée(s) écrite(s) dans {errors}")
        if plan.rejected_rows and not plan.valid:
            if format_ is ViewFormat.JSON:
                _emit_report(
                    _dry_report(plan, (on_duplicate or OnDuplicate.SKIP).value), format_, plan
                )
            raise ImportRejected(
                f"Aucune ligne importable : les {len(plan.rejected_rows)} ligne(s) du fichier"
                " ont été rejetées ; rien n'a été écrit. Corrigez-les (--errors FICHIER les"
                " écrit avec leur motif) puis relancez l'import."
            )
        if strict and plan.rejected_rows:
            if format_ is ViewFormat.JSON:
                _emit_report(
                    _dry_report(plan, (on_duplicate or OnDuplicate.SKIP).value), format_, plan
                )
            raise ImportRejected(
                f"Import refusé (--strict) : {len(plan.rejected_rows)} ligne(s) rejetée(s) ;"
                " rien n'a été écrit."
            )
        if dry_run:
            _emit_report(_dry_report(plan, (on_duplicate or OnDuplicate.SKIP).value), format_, plan)
            info("Simulation (--dry-run) : rien n'a été écrit.")
            _show_phases(importer)
            return
        choice = _on_duplicate(plan, on_duplicate, ask)
        if ask and not yes and not _confirm(plan, choice):
            info("Import annulé : rien n'a été écrit.")
            raise typer.Exit(1)
        report = importer.apply(plan, choice)
    _emit_report(report, format_, plan)
    _show_phases(importer)


def _show_phases(importer: "Importer") -> None:
    """With --debug, where the import spent its time (wall time of each phase)."""
    from newbi_clients.cli import state

    if not state.debug:
        return
    from newbi_clients.cli.render import info

    rows = importer.times.rows()
    width = max(len(label) for label, _ in rows)
    info("Durée de chaque phase de l'import (--debug) :")
    for label, seconds in rows:
        info(f"  {label:<{width}}  {seconds:8.3f} s")


def _prepare(importer: "Importer", file: Path) -> "ImportPlan":
    from newbi_clients.cli.render import err_console

    console = err_console()
    if not console.is_terminal:
        return importer.prepare()
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("Lecture de {task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task(file.name, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return importer.prepare(advance if file.stat().st_size > 200_000 else None)


def _preview(plan: "ImportPlan") -> None:
    from newbi_clients.cli.render import info, warn

    headers = plan.headers
    if headers.unknown:
        warn("Colonnes ignorées (inconnues) : " + ", ".join(f"« {h} »" for h in headers.unknown))
    if headers.repeated:
        warn("Colonnes en double ignorées : " + ", ".join(f"« {h} »" for h in headers.repeated))
    info(
        f"Aperçu de {plan.path.name} : {plan.rows} ligne(s) lue(s) — {plan.to_create} client(s) à"
        f" créer, {len(plan.duplicates)} doublon(s), {len(plan.rejected_rows)} ligne(s) rejetée(s)."
    )
    if plan.warnings:
        warn(
            f"{plan.warnings} professionnel(s) sans identifiant fiscal (SIRET pour la France, n° de"
            " TVA pour l'UE) : leurs factures n'auront pas toutes les mentions (voir « show »)."
        )
    for error in plan.errors[:PREVIEW_LINES]:
        info(f"  Ligne {error.row}, colonne « {error.column} » : {error.message}")
    if len(plan.errors) > PREVIEW_LINES:
        info(
            f"  … et {len(plan.errors) - PREVIEW_LINES} autre(s) erreur(s) (--errors FICHIER ou --format json pour tout voir)"
        )
    for dup in plan.duplicates[:PREVIEW_LINES]:
        target = (
            f"#{dup.existing_id} ({dup.existing_name})"
            if dup.existing_id
            else f"la ligne {dup.existing_row} ({dup.existing_name})"
        )
        label = {"email": "l'email", "siret": "le SIRET"}.get(dup.field, "l'email du contact")
        info(f"  Ligne {dup.row} : doublon de {target} par {label} {dup.value}")
    if len(plan.duplicates) > PREVIEW_LINES:
        info(f"  … et {len(plan.duplicates) - PREVIEW_LINES} autre(s) doublon(s)")


def _on_duplicate(plan: "ImportPlan", given: OnDuplicate | None, ask: bool) -> str:
    if given is not None:
        return given.value
    if not plan.duplicates or not ask:
        return "skip"
    from newbi_clients.cli.prompts import ask_select

    return ask_select(
        f"Que faire des {len(plan.duplicates)} doublon(s) ?",
        [("skip", "Les ignorer"), ("merge", "Compléter les clients existants (rien n'est écrasé)"),
         ("create", "Les créer quand même")],
        "skip",
    )  # fmt: skip


def _confirm(plan: "ImportPlan", choice: str) -> bool:
    from newbi_clients.cli.prompts import ask_confirm

    merged = (
        f", compléter {len(plan.duplicates)} client(s)"
        if choice == "merge" and plan.duplicates
        else ""
    )
    created = plan.valid if choice == "create" else plan.to_create
    return ask_confirm(f"Importer {created} client(s){merged} ?", default=True)


def _dry_report(plan: "ImportPlan", choice: str) -> "ImportReport":
    """What the import would do, for --dry-run (and --strict): nothing is written."""
    from newbi_clients.transfer.validate import ImportReport

    dups = len(plan.duplicates)
    for dup in plan.duplicates:
        dup.action = choice
    return ImportReport(
        created=plan.to_create + (dups if choice == "create" else 0),
        merged=dups if choice == "merge" else 0, skipped=dups if choice == "skip" else 0,
        rejected=len(plan.rejected_rows), duplicates=plan.duplicates, errors=plan.errors,
        dry_run=True,
    )  # fmt: skip


def _emit_report(report: "ImportReport", format_: ViewFormat, plan: "ImportPlan") -> None:
    from newbi_clients.cli.render import emit_json
    from newbi_clients.cli.tables import emit_rows

    if format_ is ViewFormat.JSON:
        emit_json(report.to_dict())
        return
    if report.dry_run:  # nothing was written: what the import would do
        data: list[tuple[str, Any]] = [
            ("À créer", report.created), ("À compléter (fusion)", report.merged),
            ("Doublons à ignorer", report.skipped), ("Rejetés", report.rejected),
        ]  # fmt: skip
    else:
        data = [
            ("Créés", report.created), ("Complétés (fusion)", report.merged),
            ("Doublons ignorés", report.skipped), ("Rejetés", report.rejected),
        ]  # fmt: skip
    title = f"Import de {plan.path.name}" + (" (simulation)" if report.dry_run else "")
    emit_rows(("Résultat", "Lignes"), [(k, str(n)) for k, n in data], title=title)
