"""Every command speaks French: its help, and every usage error Click or Typer can raise."""

from __future__ import annotations

import re

import pytest
import typer

from newbi_clients.cli import app
from newbi_clients.cli.french import translate

# what Click and Typer write in English when nobody translates them
ENGLISH = re.compile(
    r"Usage:|Error:|\bTry '|for help|Options:|Commands:|Arguments:|\bMissing\b|No such"
    r"|Did you mean|Invalid value|is not (one of|a valid|in the range)|\[required\]|\bdefault:"
    r"|Show this message|[Cc]ompletion for|Got unexpected|requires an? |does not take"
    r"|Possible options|Aborted|<str>|<int|<integer|<path>|<float>|\bx[<>]=?\d|env var"
    r"|COMMAND \[ARGS\]|Choose from|Could not open|is not a valid"
)


def _tree() -> list[tuple[tuple[str, ...], object]]:
    """Every command and group, with its path, found by walking the command tree."""
    found: list[tuple[tuple[str, ...], object]] = []

    def walk(path: tuple[str, ...], command: object) -> None:
        found.append((path, command))
        for name, child in getattr(command, "commands", {}).items():
            walk((*path, name), child)

    walk((), typer.main.get_command(app))
    return found


TREE = _tree()
IDS = [" ".join(path) or "(main)" for path, _ in TREE]


def _english(text: str) -> list[str]:
    return [m.group(0) for m in ENGLISH.finditer(text)]


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_help_is_french(cli, path: tuple[str, ...], command: object) -> None:
    result = cli(*path, "--help")
    assert result.stdout.startswith("Utilisation : ")
    assert not _english(result.stdout), result.stdout
    # an id is written « 12 »: « show #12 » is a comment in a shell
    assert not re.search(r"#\d", result.stdout), result.stdout


def _usage_errors(path: tuple[str, ...], command: object) -> list[list[str]]:
    """Arguments that make Click or Typer refuse this command, one mistake each."""
    attempts = [[*path, "--pas-une-option"]]
    if getattr(command, "commands", None):
        name = next(iter(command.commands))  # type: ignore[attr-defined]
        attempts += [[*path, "zzz"], [*path, name[:-1]]]  # unknown, and close to a real one
        return attempts
    params = getattr(command, "params", [])
    required = [p for p in params if p.param_type_name == "argument" and p.required]
    variadic = any(p.param_type_name == "argument" and p.nargs == -1 for p in params)
    if required:
        attempts.append(list(path))  # missing argument
    elif not variadic:  # (any number of arguments is fine for a variadic one)
        attempts.append([*path, "en", "trop", "d'arguments"])
    for param in params:
        if param.param_type_name != "option" or getattr(param, "is_flag", False):
            continue
        opt = param.opts[0]
        attempts.append([*path, opt])  # the option's value is missing
        if hasattr(param.type, "choices"):
            attempts.append([*path, opt, "zzz"])
        elif param.type.name in ("int range", "integer", "int"):
            attempts.append([*path, opt, "abc"])
            attempts.append([*path, opt, "-5"])
    return attempts


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_usage_errors_are_french(cli, path: tuple[str, ...], command: object) -> None:
    for args in _usage_errors(path, command):
        result = cli(*args, code=None)
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert "Erreur :" in result.stderr or "Utilisation :" in result.stderr, args
        assert not _english(result.stderr), (args, result.stderr)


def test_messages_read_well(cli) -> None:
    err = cli("lst", code=2).stderr
    assert "Commande inconnue : « lst ». Vouliez-vous dire « list » ?" in err
    assert "-h » pour l'aide." in err
    err = cli("list", "--sort", "foo", code=2).stderr
    assert "« foo » n'est pas une valeur possible (« name », « created », « revenue »)" in err
    assert "Argument manquant : « CLIENT »" in cli("show", code=2).stderr
    assert "L'option « --limit » attend une valeur" in cli("list", "--limit", code=2).stderr
    help_text = cli("list", "--help").stdout
    assert "-n, --limit ENTIER" in help_text and "[0 ou plus]" in help_text
    assert "--tag TEXTE" in help_text and "[défaut : table]" in help_text


def test_translate_leaves_other_text_alone() -> None:
    assert translate("Client introuvable") == "Client introuvable"
    assert translate("x>=0") == "0 ou plus"
    assert translate("0<=x<=100") == "de 0 à 100"


@pytest.mark.parametrize("group", [(), ("tag",), ("history",), ("config",)], ids=" ".join)
def test_groups_and_main_help_have_an_example(cli, group: tuple[str, ...]) -> None:
    text = " ".join(cli(*group, "--help").stdout.split())
    assert "Exemple : newbi-clients " + " ".join(group) in text


def test_help_spells_metavars_with_accents(cli) -> None:
    assert "NUMÉRO" in cli("history", "pay", "--help").stdout
    assert "CLÉ" in cli("config", "set", "--help").stdout
    export_help = " ".join(cli("export", "--help").stdout.split())
    assert "tableau" not in export_help and "clients exportés" in export_help


def test_codes_are_shown_as_french_labels(cli) -> None:
    cli("add", "--name", "ACME SAS", "--kind", "business", "--no-input")
    cli("history", "add", "1", "--number", "F1", "--date", "01/01/2026", "--amount-ht", "100",
        "--vat-rate", "20")  # fmt: skip
    cli("history", "pay", "1", "F1", "--amount", "50", "--date", "02/01/2026")
    log = cli("log", "1").stdout
    assert "type : Facture" in log and "statut : envoyé → payé en partie" in log
    assert "invoice" not in log and "partially_paid" not in log
    fiche = cli("show", "1").stdout
    assert "Régime de TVA : TVA française\n" in fiche and "french_vat" not in fiche
    data = cli.json("show", "1")
    assert data["vat_regime"]["code"] == "french_vat"  # JSON keeps the codes
    assert data["history"][0]["status"] == "partially_paid"


@pytest.mark.parametrize(("path", "command"), TREE, ids=IDS)
def test_yes_no_options_are_flags(path: tuple[str, ...], command: object) -> None:
    for param in getattr(command, "params", []):
        if param.param_type_name == "option" and param.type.name == "boolean":
            assert param.is_flag, f"{' '.join(path)} {param.opts[0]} takes a value: make it a flag"


def test_install_completion_speaks_french(cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    monkeypatch.setenv("SHELL", "/bin/bash")
    result = cli("--install-completion", "bash")
    assert "Complétion bash installée dans" in result.stdout
    assert "installed" not in result.stdout and "restart" not in result.stdout
    assert (tmp_path / ".bashrc").exists()


def test_click_s_path_checks_are_french() -> None:
    from newbi_clients.cli.french import translate

    assert translate("Path 'clients.csv' is not readable.") == (
        "« clients.csv » n'est pas lisible (permission refusée)."
    )
    for english in ("Directory 'out' is not writable.", "Path 'x' is a file."):
        assert translate(english) != english
