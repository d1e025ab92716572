"""Where the address book lives, and how its file is created (readable by its owner only)."""

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


def create_private(path: Path) -> None:
    """Create an empty file readable by its owner only (it holds personal data)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)
