"""Every command has French help with an example, and an example in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from newbi_clients.cli import app

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, ...]]:
    group = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub:
            found.extend((name, child) for child in sub)
        else:
            found.append((name,))
    return found


COMMANDS = _commands()


def test_every_spec_command_exists() -> None:
    names = {" ".join(c) for c in COMMANDS}
    for expected in (
        "add", "edit", "show", "list", "search", "tag add", "tag remove", "tag list",
        "tag rename", "archive", "unarchive", "note", "template", "import", "export",
        "duplicates", "merge", "unmerge", "history add", "history pay", "history list",
        "history import", "stats", "pick", "config set", "config get", "config list", "log",
    ):  # fmt: skip
        assert expected in names, expected


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_has_an_example(cli, command: tuple[str, ...]) -> None:
    text = cli(*command, "--help").stdout
    assert "Exemple" in text
    assert f"newbi-clients {' '.join(command)}" in " ".join(text.split())


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_readme_has_an_example(command: tuple[str, ...]) -> None:
    pattern = rf"^\S*newbi-clients(?: --db \S+)? {re.escape(' '.join(command))}\b"
    assert (
        re.search(pattern, README, re.MULTILINE) or f"$(newbi-clients {' '.join(command)}" in README
    )
