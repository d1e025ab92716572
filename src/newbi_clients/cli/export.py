"""export and template: clients written for other tools."""

import io
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO, TextIO

import typer

from newbi_clients.cli.common import (
    AllOpt,
    ArchivedOpt,
    BlockedOpt,
    CountryOpt,
    FieldFilterOpt,
    KindOpt,
    SectorOpt,
    SegmentOpt,
    Sort,
    TagFilterOpt,
    ZoneOpt,
    make_query,
    open_store,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


class ExportFormat(StrEnum):
    """Formats of ``export``."""

    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    XLSX = "xlsx"
    VCARD = "vcard"


SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx",
                  ".vcf": "vcard", ".vcard": "vcard", ".csv": "csv", ".txt": "csv"}  # fmt: skip


@contextmanager
def _binary_target(output: Path | None, what: str) -> "Iterator[BinaryIO]":
    from newbi_clients.errors import ValidationFailed

    if output is not None:
        from newbi_clients.files import replacing_binary

        with replacing_binary(output) as fh:
            yield fh
        return
    if sys.stdout.isatty():
        raise ValidationFailed.single(
            "output",
            None,
            f"{what} est un fichier binaire : indiquez -o FICHIER ou redirigez la sortie",
        )
    sys.stdout.flush()
    yield sys.stdout.buffer


@contextmanager
def _text_target(output: Path | None, encoding: str = "utf-8") -> "Iterator[TextIO]":
    if output is not None:
        from newbi_clients.files import replacing_text

        with replacing_text(output, encoding) as fh:
            yield fh
        return
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=False)
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FICHIER",
        help="Écrit dans ce fichier au lieu de la sortie standard.",
        dir_okay=False,
    ),
]


def template(
    output: OutputOpt = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Modèle au format Excel (.xlsx).")] = False,
) -> None:
    """Écrit le modèle d'import (en-têtes et une ligne d'exemple).

    Exemple : newbi-clients template -o clients.csv
    """
    from newbi_clients.transfer.export import (
        TEMPLATE_COLUMNS,
        TEMPLATE_EXAMPLE,
        write_template,
        write_xlsx_rows,
    )

    if xlsx or (output is not None and output.suffix.lower() == ".xlsx"):
        with _binary_target(output, "Le modèle XLSX") as fh:
            write_xlsx_rows(fh, TEMPLATE_COLUMNS, [TEMPLATE_EXAMPLE], "Clients")
    else:
        with _text_target(output) as out:
            write_template(out)
    if output is not None:
        from newbi_clients.cli.render import info

        info(f"Modèle écrit dans {output}")


ExportLimitOpt = Annotated[
    int | None,
    typer.Option(
        "--limit", "-n", min=0, help="Nombre maximal de clients exportés (tous par défaut)."
    ),
]


def export(
    output: OutputOpt = None,
    format_: Annotated[ExportFormat | None, typer.Option("--format", "-f", help="csv (défaut), json, jsonl, xlsx ou vcard ; déduit de l'extension de -o.", case_sensitive=False)] = None,
    delimiter: Annotated[str, typer.Option("--delimiter", "-d", help="Séparateur CSV.", metavar="CAR")] = ",",
    excel: Annotated[bool, typer.Option("--excel", help="CSV pour Excel français : UTF-8 avec BOM et « ; ».")] = False,
    tag: TagFilterOpt = None, sector: SectorOpt = None, segment: SegmentOpt = None,
    zone: ZoneOpt = None, kind: KindOpt = None, country: CountryOpt = None,
    archived: ArchivedOpt = False, all_: AllOpt = False, blocked: BlockedOpt = False,
    field: FieldFilterOpt = None, limit: ExportLimitOpt = None,
) -> None:  # fmt: skip
    """Exporte les clients (CSV du modèle d'import par défaut), en flux, pour d'autres outils.

    Les clients sont dans l'ordre de leur création. Les cellules qu'un tableur prendrait
    pour une formule sont neutralisées (CSV, XLSX).

    Exemple : newbi-clients export --tag VIP --excel -o vip.csv
    """
    from newbi_clients.cli.render import info
    from newbi_clients.serialize import client_to_dict
    from newbi_clients.transfer import export as exporting

    fmt = format_.value if format_ else _format_of(output)
    query = make_query(
        tag=tag, sector=sector, segment=segment, zone=zone, kind=kind, country=country,
        archived=archived, all_=all_, blocked=blocked, sort=Sort.CREATED, limit=limit,
    )  # fmt: skip
    with open_store() as store:
        if output is not None:
            from newbi_clients.files import refuse_book

            refuse_book(output, store.path)
        from dataclasses import replace

        from newbi_clients.customfields import field_filters, list_fields

        query = replace(query, fields=field_filters(store, field or []))
        from newbi_clients.transfer.vcardwrite import write_vcard

        clients = store.iter_clients(query, with_notes=True)
        settings = store.seller_settings()
        fields = [f.name for f, _ in list_fields(store)]  # one column each, after the template's
        if fmt == "xlsx":
            with _binary_target(output, "L'export XLSX") as fh:
                rows = exporting.cells_of_store(store, query, fields)
                count = exporting.write_xlsx(rows, fh, fields)
        else:
            encoding = "utf-8-sig" if excel and fmt == "csv" else "utf-8"
            with _text_target(output, encoding) as out:
                if fmt == "csv":
                    rows = exporting.cells_of_store(store, query, fields)
                    sep = ";" if excel else _delimiter(delimiter)
                    count = exporting.write_csv(rows, out, sep, fields)
                elif fmt == "vcard":
                    count = write_vcard(clients, out)
                else:
                    items = (client_to_dict(c, settings) for c in clients)
                    write = exporting.write_jsonl if fmt == "jsonl" else exporting.write_json
                    count = write(items, out)
    info(f"{count} client(s) exporté(s)" + (f" dans {output}" if output else "") + ".")


def _format_of(output: Path | None) -> str:
    """The export format named by the extension of -o (CSV without -o)."""
    from newbi_clients.errors import ValidationFailed

    if output is None:
        return "csv"
    fmt = SUFFIX_FORMATS.get(output.suffix.lower())
    if fmt is None:
        raise ValidationFailed.single(
            "output", str(output),
            f"Extension inconnue : « {output.name} » (.csv, .json, .jsonl, .xlsx, .vcf) ;"
            " ou précisez --format",
        )  # fmt: skip
    return fmt


def _delimiter(value: str) -> str:
    from newbi_clients.errors import ValidationFailed

    value = {"\\t": "\t", "tab": "\t", "tabulation": "\t"}.get(value, value)
    if len(value) != 1:
        raise ValidationFailed.single(
            "delimiter", value, f"Séparateur invalide : « {value} » (un seul caractère)"
        )
    return value
