"""Client listings: list and search, in every output format."""

import itertools
from typing import TYPE_CHECKING, Annotated

import typer

from newbi_clients.cli.common import (
    AllOpt,
    ArchivedOpt,
    BlockedOpt,
    CountryOpt,
    DescOpt,
    FieldFilterOpt,
    KindOpt,
    LimitOpt,
    ListFormat,
    ListFormatOpt,
    SectorOpt,
    SegmentOpt,
    SortOpt,
    TagFilterOpt,
    ViesFilterOpt,
    ZoneOpt,
    make_query,
    open_store,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from newbi_clients.models import Client
    from newbi_clients.search import ClientQuery
    from newbi_clients.storage import ClientStore


def register(app: typer.Typer) -> None:
    """Attach list and search to the application."""
    app.command("list")(list_)
    app.command("search")(search)


def emit_clients(
    store: "ClientStore", clients: "Iterator[Client]", format_: ListFormat, revenue: bool = False
) -> int:
    """Write a stream of clients in the chosen format; returns how many were written.

    ``revenue`` adds the revenue column to a table (JSON always has ``revenue``)."""
    from newbi_clients.cli import render
    from newbi_clients.serialize import client_to_dict

    settings = store.seller_settings()
    count = 0

    def counted() -> "Iterator[Client]":
        nonlocal count
        for client in clients:
            count += 1
            yield client

    if format_ is ListFormat.TABLE:
        return render.emit_table(counted(), revenue=revenue)
    if format_ is ListFormat.IDS:
        render.emit_ids(counted())
    elif format_ is ListFormat.CSV:
        from newbi_clients.customfields import list_fields
        from newbi_clients.transfer.export import cells_of_clients, write_csv

        fields = [f.name for f, _ in list_fields(store)]
        write_csv(cells_of_clients(counted(), fields), render.csv_stream(), fields=fields)
    else:
        items = (client_to_dict(c, settings) | _revenue(c) for c in counted())
        emit = render.emit_jsonl if format_ is ListFormat.JSONL else render.emit_json_stream
        emit(items)
    return count


def _revenue(client: "Client") -> dict[str, str]:
    from newbi_clients.models import format_money

    return {"revenue": format_money(client.revenue_cents)}


def list_(
    format_: ListFormatOpt = ListFormat.TABLE,
    tag: TagFilterOpt = None, sector: SectorOpt = None, segment: SegmentOpt = None,
    zone: ZoneOpt = None, kind: KindOpt = None, country: CountryOpt = None,
    archived: ArchivedOpt = False, all_: AllOpt = False,
    blocked: BlockedOpt = False, field: FieldFilterOpt = None,
    sort: SortOpt = None, desc: DescOpt = None, limit: LimitOpt = None,
    vies: ViesFilterOpt = None,
) -> None:  # fmt: skip
    """Liste les clients (tableau dans un terminal, lignes séparées par des tabulations sinon).

    Un client bloqué porte la mention [BLOQUÉ] après son nom.

    Exemple : newbi-clients list --sort revenue --limit 20
    """
    query = make_query(
        tag=tag, sector=sector, segment=segment, zone=zone, kind=kind, country=country,
        archived=archived, all_=all_, blocked=blocked, sort=sort, desc=desc, limit=limit,
        vies=vies,
    )  # fmt: skip
    _run_query(query, format_, limit, "Aucun client.", field or [])


def _run_query(
    query: "ClientQuery", format_: ListFormat, limit: int | None, nothing: str, fields: list[str]
) -> None:
    """Stream the clients of a query; a table shows the first 100 unless --limit says
    otherwise, and says on stderr how many there are in all. ``fields`` are the
    ``--field NAME=VALUE`` filters, checked against their fields' types."""
    from dataclasses import replace

    from newbi_clients.cli.common import TABLE_LIMIT
    from newbi_clients.cli.render import info

    table = format_ is ListFormat.TABLE
    capped = table and limit is None
    if capped:
        query = replace(query, limit=TABLE_LIMIT + 1)  # one more tells whether there are others
    with open_store() as store:
        if fields:
            from newbi_clients.customfields import field_filters

            query = replace(query, fields=field_filters(store, fields))
        with_notes = format_ in (ListFormat.JSON, ListFormat.JSONL, ListFormat.CSV)
        clients = store.iter_clients(query, with_notes)
        shown = itertools.islice(clients, TABLE_LIMIT) if capped else clients
        count = emit_clients(store, shown, format_, revenue=query.sort == "revenue")
        if capped and next(clients, None) is not None:
            info(
                f"Les {TABLE_LIMIT} premiers sont affichés ; il y en a d'autres (--limit 0 pour tous)."
            )
    if count == 0 and table:
        info(nothing)


def search(
    words: Annotated[list[str] | None, typer.Argument(metavar="[MOTS]...", help="Mots, sans guillemets (préfixes, sans accents ni casse ; tous doivent correspondre), identifiants, ou termes champ:valeur (city:lyon, tag:vip, siret:…).", show_default=False)] = None,
    format_: ListFormatOpt = ListFormat.TABLE,
    tag: TagFilterOpt = None, sector: SectorOpt = None, segment: SegmentOpt = None,
    zone: ZoneOpt = None, kind: KindOpt = None, country: CountryOpt = None,
    archived: ArchivedOpt = False, all_: AllOpt = False,
    blocked: BlockedOpt = False, field: FieldFilterOpt = None,
    sort: SortOpt = None, desc: DescOpt = None, limit: LimitOpt = None,
) -> None:  # fmt: skip
    """Cherche des clients par nom, prénom, email, téléphone, SIRET/SIREN, TVA ou ville.

    Sans accents ni casse (« eleonore » trouve « Éléonore »), par début de mot (« dup »
    trouve « Dupont »), identifiants avec ou sans espaces. Résultats par pertinence. Le
    nom, l'email et le téléphone des contacts d'un client le trouvent aussi.

    Exemple : newbi-clients search jean dupont city:lyon --tag VIP --format json
    """
    query = make_query(
        text=" ".join(words or []) or None, tag=tag, sector=sector, segment=segment, zone=zone, kind=kind,
        country=country, archived=archived, all_=all_, blocked=blocked, sort=sort, desc=desc,
        limit=limit,
    )  # fmt: skip
    _run_query(query, format_, limit, "Aucun client ne correspond.", field or [])
