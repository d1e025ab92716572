"""Where the address book lives; its file is created by :func:`files.create_private`
(readable by its owner only, in folders created 0700)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "newbi-clients"


def default_db_path() -> Path:
    """``clients.db`` in the platform's user data folder for newbi-clients."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME) / "clients.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` if given, else ``$NEWBI_CLIENTS_DB``, else the default location."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("NEWBI_CLIENTS_DB")
    return Path(env).expanduser() if env else default_db_path()
