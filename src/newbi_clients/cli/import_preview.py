"""The import's preview, questions and report (the ``import`` command is in transfer.py)."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newbi_clients.cli.common import ViewFormat

if TYPE_CHECKING:
    from newbi_clients.transfer.apply import Importer
    from newbi_clients.transfer.plan import ImportPlan, ImportReport


class OnDuplicate(StrEnum):
    """What ``import`` does with a row that duplicates a client."""

    SKIP = "skip"
    MERGE = "merge"
    CREATE = "create"


PREVIEW_LINES = 20
DUPLICATE_LABELS = {
    "email": "(même email)",
    "siret": "(même SIRET)",
    "phone": "probable (même téléphone)",
    "name_postal_code": "probable (même nom et code postal)",
    "name": "probable (même nom, sans adresse)",
    "contact_email": "(email d'un contact)",
}


def save_map(store: Any, name: str, columns: dict[str, str]) -> None:
    from newbi_clients.cli.render import info
    from newbi_clients.errors import ImportRejected
    from newbi_clients.transfer.profiles import save_mapping

    if not name.strip():
        raise ImportRejected("--save-map attend un nom (lettres, chiffres, - et _).")
    if not columns:
        raise ImportRejected("--save-map enregistre les --map donnés : indiquez au moins un --map.")
    save_mapping(store, name, columns)
    info(f"Correspondance enregistrée : réutilisez-la avec --profile {name}")


def prepare(importer: "Importer", file: Path) -> "ImportPlan":
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


def preview(plan: "ImportPlan") -> None:
    from newbi_clients.cli.render import info, warn

    headers = plan.headers
    if headers.profile_label:
        info(f"Format reconnu : {headers.profile_label}")
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
    for number, notice in plan.notices[:PREVIEW_LINES]:
        warn(f"Ligne {number} : {notice}")
    for dup in plan.duplicates[:PREVIEW_LINES]:
        target = (
            f"#{dup.existing_id} ({dup.existing_name})"
            if dup.existing_id
            else f"la ligne {dup.existing_row} ({dup.existing_name})"
        )
        label = DUPLICATE_LABELS.get(dup.field, dup.field)
        info(f"  Ligne {dup.row} : doublon {label} de {target} : {dup.value}")
    if len(plan.duplicates) > PREVIEW_LINES:
        info(f"  … et {len(plan.duplicates) - PREVIEW_LINES} autre(s) doublon(s)")
    if plan.people:
        info(
            f"  Dont {plan.people} ligne(s) d'une personne de la société : ignorées ou"
            " fusionnées, elles ajoutent leur personne aux contacts de la société (sauf"
            " si elle y est déjà)."
        )


def on_duplicate_choice(plan: "ImportPlan", given: OnDuplicate | None, ask: bool) -> str:
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


def confirm_import(plan: "ImportPlan", choice: str) -> bool:
    from newbi_clients.cli.prompts import ask_confirm

    merged = (
        f", compléter {len(plan.duplicates)} client(s)"
        if choice == "merge" and plan.duplicates
        else ""
    )
    created = plan.valid if choice == "create" else plan.to_create
    return ask_confirm(f"Importer {created} client(s){merged} ?", default=True)


def dry_report(plan: "ImportPlan", choice: str) -> "ImportReport":
    """What the import would do, for --dry-run (and --strict): nothing is written."""
    from newbi_clients.transfer.plan import ImportReport

    dups = len(plan.duplicates)
    plan.duplicates.set_all(lambda dup: setattr(dup, "action", choice))
    skip = choice == "skip"
    return ImportReport(
        created=plan.to_create + (dups if choice == "create" else 0),
        merged=dups if choice == "merge" else 0, skipped=dups - plan.people if skip else 0,
        contacts_added=plan.people if skip else 0, rejected=len(plan.rejected_rows), duplicates=plan.duplicates, errors=plan.errors,
        notices=plan.table.notices, dry_run=True,
    )  # fmt: skip


def emit_report(report: "ImportReport", format_: ViewFormat, plan: "ImportPlan") -> None:
    from newbi_clients.cli.render import emit_json_streaming
    from newbi_clients.cli.tables import emit_rows

    if format_ is ViewFormat.JSON:
        emit_json_streaming(report.to_stream())  # duplicates and errors read as written
        return
    if report.dry_run:  # nothing was written: what the import would do
        data: list[tuple[str, Any]] = [
            ("À créer", report.created), ("À compléter (fusion)", report.merged),
            ("Doublons à ignorer", report.skipped),
            ("Lignes ajoutant leur personne aux contacts", report.contacts_added),
            ("Rejetés", report.rejected),
        ]  # fmt: skip
    else:
        data = [
            ("Créés", report.created), ("Complétés (fusion)", report.merged),
            ("Doublons ignorés", report.skipped),
            ("Contacts ajoutés à leur société", report.contacts_added),
            ("Rejetés", report.rejected),
        ]  # fmt: skip
    title = f"Import de {plan.path.name}" + (" (simulation)" if report.dry_run else "")
    emit_rows(("Résultat", "Lignes"), [(k, str(n)) for k, n in data], title=title)


def show_phases(importer: "Importer") -> None:
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
