"""duplicates, merge, unmerge and log."""

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newbi_clients.cli.common import ViewFormat, ViewFormatOpt, interactive, open_store

if TYPE_CHECKING:
    from newbi_clients.dedupe import MergePlan
    from newbi_clients.storage import ClientStore

ACTIONS = {
    "create": "création", "edit": "modification", "note": "note", "tag_add": "tags ajoutés",
    "tag_remove": "tags retirés", "tag_rename": "tag renommé", "archive": "archivage",
    "unarchive": "réactivation", "import": "import", "import_merge": "complété par un import",
    "merge": "fusion", "merge_fields": "champs fusionnés", "merged_into": "fusionné dans",
    "unmerge": "fusion défaite", "unmerge_fields": "champs restaurés", "history": "historique",
    "complete": "complété", "config": "réglage", "vies": "contrôle VIES",
    "contact_add": "contact ajouté",
    "contact_edit": "contact modifié", "contact_remove": "contact retiré", "block": "blocage",
    "unblock": "déblocage", "remind": "relance programmée", "remind_done": "relance faite",
    "field_define": "champ défini", "field_remove": "champ supprimé",
    "forget": "anonymisation (droit à l'effacement)", "delete": "suppression",
}  # fmt: skip


class Prefer(StrEnum):
    """Which value wins a merge conflict."""

    KEEP = "keep"
    OTHER = "other"


def register(app: typer.Typer) -> None:
    """Attach duplicates, merge, unmerge and log."""
    app.command("duplicates")(duplicates)
    app.command("merge")(merge)
    app.command("unmerge")(unmerge)
    app.command("log")(log)


def duplicates(format_: ViewFormatOpt = ViewFormat.TABLE) -> None:
    """Liste les groupes de doublons probables, avec la raison de chaque groupe.

    Exacts : même email (sans casse) ou même SIRET. Probables : même SIREN, même numéro de
    TVA, même téléphone, ou même nom normalisé (sans casse, accents ni forme juridique)
    avec le même code postal. Les clients archivés sont inclus et signalés.

    Exemple : newbi-clients duplicates --format json | jq '.[] | select(.match == "exact")'
    """
    from newbi_clients.cli.render import emit_json_stream, info
    from newbi_clients.cli.tables import emit_rows
    from newbi_clients.duplicates import duplicate_groups

    with open_store() as store:
        groups = duplicate_groups(store)
    if format_ is ViewFormat.JSON:
        emit_json_stream(g.to_dict() for g in groups)
        return
    rows = []
    for number, group in enumerate(groups, start=1):
        reason = f"{REASON_LABELS[group.reason]} ({'exact' if group.exact else 'probable'})"
        for position, client in enumerate(group.clients):
            name = " ".join(p for p in (client["first_name"], client["name"]) if p)
            first = position == 0  # the group, its reason and the shared value, once
            rows.append((
                str(number) if first else "", reason if first else "",
                _shared(group.reason, group.key) if first else "",
                str(client["id"]), name + (" (archivé)" if client["archived"] else ""),
                client["email"] or "", client["siret"] or client["vat_number"] or "",
                " ".join(p for p in (client["postal_code"], client["city"]) if p),
            ))  # fmt: skip
    headers = ("Groupe", "Raison", "Valeur commune", "ID", "Nom", "Email", "SIRET / TVA", "Ville")
    emit_rows(headers, rows, drop=("Ville", "Raison", "SIRET / TVA", "Email"))
    info(
        f"{len(groups)} groupe(s) de doublons. Fusionnez avec « newbi-clients merge GARDER AUTRE »."
    )


def _shared(reason: str, key: str) -> str:
    """The value a group shares, as the fiche would show it."""
    from newbi_clients.validation import format_phone

    if reason == "phone":
        return format_phone(key) or key
    if reason == "name_postal_code":
        name, _, postal_code = key.rpartition(" ")
        return f"{name} ({postal_code})"
    return key


REASON_LABELS = {
    "email": "email", "siret": "SIRET", "siren": "SIREN", "vat_number": "n° de TVA",
    "phone": "téléphone", "name_postal_code": "nom + code postal",
}  # fmt: skip


def _ask_conflicts(plan: "MergePlan") -> None:
    """Field by field, in a terminal: which value to keep."""
    from newbi_clients.cli.prompts import ask_select
    from newbi_clients.dedupe import choose, get_value, label, show_value

    for attr in dict.fromkeys(c.field for c in plan.conflicts):
        options: list[tuple[str, str]] = []
        for client in (plan.keep, *plan.others):
            value = get_value(client, attr)
            shown = show_value(value) if value not in (None, "") else ""
            if shown and all(shown != text.split(" : ", 1)[1] for _, text in options):
                options.append((str(client.id), f"#{client.id} : {shown}"))
        answer = ask_select(f"{label(attr)} : quelle valeur garder ?", options, str(plan.keep.id))
        choose(plan, attr, None if int(answer) == plan.keep.id else int(answer))


def _preview(store: "ClientStore", plan: "MergePlan") -> None:
    """The merged fiche as it would be, then what changes."""
    from newbi_clients.cli.render import emit_fiche
    from newbi_clients.contacts import with_primary

    preview = plan.merged.copy(
        notes=[*plan.keep.notes, *(n for o in plan.others for n in o.notes)],
        contacts=with_primary(
            [*plan.merged.contacts, *(c for o in plan.others for c in o.contacts)]
        ),
    )
    emit_fiche(preview, store.seller_settings(), to_stderr=True)
    _plan_lines(plan)


def _plan_lines(plan: "MergePlan") -> None:
    """What the merge fills, adds, and leaves aside (kept as a note)."""
    from newbi_clients.cli.render import info
    from newbi_clients.dedupe import label

    others = ", ".join(f"#{o.id} {o.display_name}" for o in plan.others)
    info(f"Fusion de {others} dans #{plan.keep.id} {plan.keep.display_name} :")
    for attr, value, source in plan.filled:
        info(f"  + {label(attr)} : {value} (de #{source})")
    for tag in plan.new_tags:
        info(f"  + tag {tag}")
    for other in plan.others:
        for contact in other.contacts:
            info(f"  + contact {contact.display_name} (de #{other.id})")
    for c in plan.conflicts:
        origin = f"#{c.lost_from}" if c.lost_from is not None else f"#{plan.keep.id}"
        info(f"  ! {label(c.field)} : « {c.kept} » gardé, « {c.lost} » ({origin}) conservé en note")


def merge(
    keep_ref: Annotated[str, typer.Argument(metavar="GARDER", help="Le client conservé.", show_default=False)],
    other_refs: Annotated[list[str], typer.Argument(metavar="AUTRE...", help="Les clients fusionnés dans GARDER.", show_default=False)],
    prefer: Annotated[Prefer | None, typer.Option("--prefer", help="En cas de conflit : keep (GARDER gagne, défaut) ou other. Sans cette option, demandé champ par champ dans un terminal.", case_sensitive=False)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Fusionne sans demander de confirmation (scripts).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Affiche l'aperçu et s'arrête.")] = False,
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:  # fmt: skip
    """Fusionne des clients en double dans GARDER, sans rien perdre (voir unmerge).

    Les champs vides de GARDER sont complétés ; en cas de conflit, la valeur écartée est
    conservée en note ; tags, notes et documents rejoignent GARDER ; AUTRE n'est pas
    effacé : il est marqué « fusionné » et son identifiant mène à GARDER.

    Exemple : newbi-clients merge 12 57 --prefer keep --yes
    """
    from newbi_clients.cli.render import emit_fiche, emit_json, info
    from newbi_clients.merging import MergeRefused, apply_merge, prepare_merge
    from newbi_clients.serialize import client_to_dict

    ask = interactive()
    with open_store() as store:
        keep = store.resolve(keep_ref, follow_merged=False)
        others = [store.resolve(ref, follow_merged=False) for ref in other_refs]
        plan = prepare_merge(store, keep, others, (prefer or Prefer.KEEP).value)
        _preview(store, plan)  # the merged fiche and every conflict, before any question
        if ask and prefer is None and plan.conflicts and not dry_run and not yes:
            _ask_conflicts(plan)
            _plan_lines(plan)  # as chosen
        if dry_run:
            info("Simulation (--dry-run) : rien n'a été modifié.")
            if format_ is ViewFormat.JSON:
                emit_json(_plan_json(plan, store))
            return
        if not yes:
            if not ask:
                raise MergeRefused(
                    "Confirmez la fusion avec --yes (ou lancez-la dans un terminal)."
                )
            from newbi_clients.cli.prompts import ask_confirm

            if not ask_confirm("Fusionner ?", default=True):
                info("Fusion annulée : rien n'a été modifié.")
                raise typer.Exit(1)
        merged = apply_merge(store, plan)
        info(
            f"Fusion faite : #{merged.id} {merged.display_name}. Pour la défaire : newbi-clients unmerge {others[0].id}"
        )
        if format_ is ViewFormat.JSON:
            emit_json(
                _plan_json(plan, store)
                | {"client": client_to_dict(merged, store.seller_settings())}
            )
        else:
            emit_fiche(merged, store.seller_settings())


def _plan_json(plan: "MergePlan", store: "ClientStore") -> dict[str, Any]:
    from newbi_clients.serialize import client_to_dict

    return {
        "keep": plan.keep.id,
        "others": [o.id for o in plan.others],
        "filled": [{"field": f, "value": v, "from": s} for f, v, s in plan.filled],
        "conflicts": [
            {"field": c.field, "kept": c.kept, "lost": c.lost, "lost_from": c.lost_from}
            for c in plan.conflicts
        ],
        "new_tags": plan.new_tags,
        "merged": client_to_dict(plan.merged, store.seller_settings()),
    }


def unmerge(
    client_ref: Annotated[
        str,
        typer.Argument(
            metavar="CLIENT",
            help="Le client fusionné à restaurer (son identifiant).",
            show_default=False,
        ),
    ],
    format_: ViewFormatOpt = ViewFormat.TABLE,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Restaure même si un autre client actif a pris entre-temps son email ou son SIRET.",
        ),
    ] = False,
) -> None:
    """Défait une fusion : restaure le client tel qu'il était, avec ses notes et documents.

    Refusé si un autre client actif a pris entre-temps son email ou son SIRET (sauf
    --allow-duplicate), ou si le client a été anonymisé (« forget »).

    Exemple : newbi-clients unmerge 57
    """
    from newbi_clients.cli.render import emit_fiche, emit_json, info
    from newbi_clients.serialize import client_to_dict
    from newbi_clients.unmerging import unmerge as undo

    with open_store() as store:
        client = store.resolve(client_ref, follow_merged=False)
        restored, keep = undo(store, client.id or 0, allow_duplicate)
        info(
            f"#{restored.id} {restored.display_name} restauré ; #{keep.id} {keep.display_name} ne garde que ce qui lui appartenait."
        )
        if format_ is ViewFormat.JSON:
            settings = store.seller_settings()
            emit_json(
                {
                    "restored": client_to_dict(restored, settings),
                    "keep": client_to_dict(keep, settings),
                }
            )
        else:
            emit_fiche(restored, store.seller_settings())


def log(
    client_ref: Annotated[
        str,
        typer.Argument(
            metavar="CLIENT", help="Identifiant, email, SIRET ou nom.", show_default=False
        ),
    ],
    format_: ViewFormatOpt = ViewFormat.TABLE,
) -> None:
    """Affiche le journal des modifications d'un client, avec les valeurs précédentes.

    Exemple : newbi-clients log 12
    """
    with open_store() as store:
        client = store.resolve(client_ref, follow_merged=False)
        emit_log(store, client.id or 0, format_)


def emit_log(store: "ClientStore", client_id: int, format_: ViewFormat) -> None:
    """The audit log of a client, as a table or JSON."""
    from newbi_clients.cli.render import emit_json, local_time
    from newbi_clients.cli.tables import emit_rows

    entries = store.audit_log(client_id)
    if format_ is ViewFormat.JSON:
        emit_json(entries)
        return
    rows = [
        (local_time(e["at"]), e["actor"] or "", ACTIONS.get(e["action"], e["action"]), _changes(e))
        for e in entries
    ]
    emit_rows(("Date", "Par", "Action", "Détail"), rows)


_HIDDEN = {
    "updated_at",
    "created_at",
    "sort_name",
    "name_key",
    "search_ids",
    "email_key",
    "zone",
    "notes",
    "revenue_cents",
    "tier",
}


# the columns of the audit log, as the fiche names them
COLUMN_LABELS = {
    "kind": "type", "name": "nom", "first_name": "prénom", "email": "email", "phone": "téléphone",
    "billing_line1": "adresse", "billing_line2": "complément", "billing_postal_code": "code postal",
    "billing_city": "ville", "billing_country": "pays", "delivery_line1": "adresse de livraison",
    "delivery_line2": "complément de livraison", "delivery_postal_code": "code postal de livraison",
    "delivery_city": "ville de livraison", "delivery_country": "pays de livraison", "siret": "SIRET",
    "siren": "SIREN", "vat_number": "TVA", "terms_days": "délai", "end_of_month": "fin de mois",
    "payment_method": "mode de paiement", "discount_type": "type de remise",
    "discount_value": "remise", "currency": "devise", "sector": "secteur", "segment": "segment",
    "tags": "tags", "archived_at": "archivé le", "merged_into": "fusionné dans", "status": "statut",
    "document": "document", "type": "type", "payment": "paiement", "others": "clients fusionnés",
    "conflict_note": "note des valeurs écartées", "keep": "gardé", "merge": "fusion",
    "other": "client restauré", "source": "source", "file": "fichier", "row": "ligne",
    "note_id": "note", "text": "texte", "blocked_at": "bloqué le",
    "blocked_reason": "motif du blocage", "contacts": "contacts", "contact": "contact",
    "fields": "champs personnalisés", "reminders": "relances", "reminder": "relance",
    "erased": "valeurs effacées",
}  # fmt: skip


def _shown(value: Any, key: str = "") -> str:
    """A value of the audit log as people read it: French labels, not codes."""
    from newbi_clients.dedupe import show_value
    from newbi_clients.documents import STATUS_LABELS, TYPES
    from newbi_clients.models import Kind, PaymentMethod

    if value in (None, "", [], {}):
        return "∅"
    if isinstance(value, list):
        return ", ".join(_shown(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):  # a contact, a reminder, custom field values
        if "due_on" in value:
            return f"{value['due_on']} {value.get('text', '')}"
        if "last_name" in value or "first_name" in value:
            person = " ".join(p for p in (value.get("first_name"), value.get("last_name")) if p)
            return " ".join(p for p in (person, value.get("email")) if p) or "?"
        return ", ".join(f"{k} = {v}" for k, v in value.items())
    labels: dict[str, dict[str, str]] = {
        "type": TYPES, "status": STATUS_LABELS, "kind": {k.value: k.label for k in Kind},
        "payment_method": {m.value: m.label for m in PaymentMethod},
        "discount_type": {"percent": "pourcentage", "amount": "montant"},
        "end_of_month": {"0": "non", "1": "oui", "False": "non", "True": "oui"},
    }  # fmt: skip
    if key in labels:
        return labels[key].get(str(value), str(value))
    return show_value(value)


def _changes(entry: dict[str, Any]) -> str:
    before, after, details = entry["before"] or {}, entry["after"] or {}, entry["details"] or {}
    label = COLUMN_LABELS.get
    if before and after:
        changed = [
            f"{label(k, k)} : {_shown(before.get(k), k)} → {_shown(after.get(k), k)}"
            for k in after
            if k not in _HIDDEN and before.get(k) != after.get(k)
        ]
        return " ; ".join(changed)
    if details:
        return ", ".join(
            f"{label(k, k)} : {_shown(v, k)}" for k, v in details.items()
            if k not in ("sources", "tag_sources", "tag_ids", "moved")
        )  # fmt: skip
    if before:
        return ", ".join(
            f"{label(k, k)} : {_shown(v, k)}" for k, v in before.items() if k not in _HIDDEN
        )
    return ""
