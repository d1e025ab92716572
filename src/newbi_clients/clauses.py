"""SQL conditions on the clients table that queries of every kind share: a client's
status (active, archived, merged) and the look-up of a SIREN along the two indexes that
hold it (the schema itself is :mod:`newbi_clients.schema`)."""

from __future__ import annotations

_STATUS = {
    "active": "{p}archived_at IS NULL AND {p}merged_into IS NULL",
    "archived": "{p}archived_at IS NOT NULL AND {p}merged_into IS NULL",
    "all": "{p}merged_into IS NULL",
}


def status_condition(status: str, alias: str = "") -> str:
    """The SQL condition for clients that are ``active`` (neither archived nor merged),
    ``archived`` or ``all`` (not merged), on the clients table or its ``alias``."""
    return _STATUS[status].format(p=f"{alias}." if alias else "")


def siren_sql(siren: str, alias: str = "") -> str:
    """The condition « the client's SIREN is ``siren`` » (an SQL expression of nine digits:
    a bound parameter, a column), on the clients table or its ``alias``, each index read by
    its own range: the clients with a SIRET through the SIRET index (a SIRET starts with
    its SIREN, so every fourteen-digit SIRET of it lies between SIREN + 00000 and SIREN +
    99999), the others through the SIREN index, which holds them alone."""
    c = f"{alias}." if alias else ""
    return (
        f"({c}siret BETWEEN {siren} || '00000' AND {siren} || '99999'"
        f" OR ({c}siren = {siren} AND {c}siret IS NULL))"
    )
