"""Shared fixtures: every test gets its own database through NEWBI_CLIENTS_DB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newbi_clients.cli import app, state
from newbi_clients.storage import ClientStore

DATA = Path(__file__).parent / "data"


def pytest_sessionstart(session: pytest.Session) -> None:
    from purepython import stale_modules

    stale = stale_modules()
    if stale:
        pytest.exit(
            f"compiled before their source last changed: {', '.join(stale)};"
            " build them again with `pip install -e .`",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWBI_CLIENTS_DB", str(tmp_path / "clients.db"))
    ClientStore(tmp_path / "clients.db").close()  # an empty book, as after a first « add »
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("NEWBI_CLIENTS_NO_INPUT", raising=False)
    state.db = None
    state.debug = False


@pytest.fixture(scope="session")
def pure_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's plain Python source (see ``purepython``)."""
    from purepython import pure_source

    return pure_source(tmp_path_factory.mktemp("pure"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clients.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[ClientStore]:
    with ClientStore(db_path) as s:
        yield s


class Cli:
    """Runs the CLI in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int | None = 0) -> Any:
        result = self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"exit {result.exit_code} != {code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
            )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def cli() -> Cli:
    return Cli()
