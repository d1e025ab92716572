"""newbi-clients: the client address book of the Newbi invoicing suite.

The core is usable from Python without the command line::

    from newbi_clients import ClientStore, build_client

    with ClientStore("clients.db") as store:
        client = store.add(build_client({"name": "ACME", "siret": "73282932000074"}).client)
"""

from __future__ import annotations

# ``typing`` is not imported at run time: the command's entry point comes through this
# module, and Ctrl-C is only taken over once it is loaded (see __main__), so it stays tiny
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from newbi_clients.builder import Built, apply_changes, build_client
    from newbi_clients.errors import (
        AmbiguousClient,
        ClientNotFound,
        DuplicateClient,
        ExitCode,
        NewbiError,
        ValidationFailed,
    )
    from newbi_clients.fiscal import SellerSettings, VatRegime, vat_regime, zone_of
    from newbi_clients.models import Address, Client, Discount, Kind, Note, PaymentMethod, Zone
    from newbi_clients.search import ClientQuery
    from newbi_clients.serialize import client_to_dict
    from newbi_clients.storage import ClientStore, resolve_db_path

# The public API is loaded on first use, so that ``newbi-clients --help`` stays fast.
_HOMES = {
    "Built": "builder",
    "apply_changes": "builder",
    "build_client": "builder",
    "AmbiguousClient": "errors",
    "ClientNotFound": "errors",
    "DuplicateClient": "errors",
    "ExitCode": "errors",
    "NewbiError": "errors",
    "ValidationFailed": "errors",
    "SellerSettings": "fiscal",
    "VatRegime": "fiscal",
    "vat_regime": "fiscal",
    "zone_of": "fiscal",
    "Address": "models",
    "Client": "models",
    "Discount": "models",
    "Kind": "models",
    "Note": "models",
    "PaymentMethod": "models",
    "Zone": "models",
    "ClientQuery": "search",
    "client_to_dict": "serialize",
    "ClientStore": "storage",
    "resolve_db_path": "storage",
}


def __getattr__(name: str) -> Any:
    import importlib

    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newbi_clients' has no attribute {name!r}")
    return getattr(importlib.import_module(f"newbi_clients.{home}"), name)


__version__ = "0.1.0"

__all__ = [
    "Address",
    "AmbiguousClient",
    "Built",
    "Client",
    "ClientNotFound",
    "ClientQuery",
    "ClientStore",
    "Discount",
    "DuplicateClient",
    "ExitCode",
    "Kind",
    "NewbiError",
    "Note",
    "PaymentMethod",
    "SellerSettings",
    "ValidationFailed",
    "VatRegime",
    "Zone",
    "__version__",
    "apply_changes",
    "build_client",
    "client_to_dict",
    "resolve_db_path",
    "vat_regime",
    "zone_of",
]
