"""The modules that the build compiles (``setup.py``), as the tests see them.

With a C compiler, ``pip install -e .`` compiles the per-row validation modules with mypyc
and puts them beside their source, where Python prefers them. Two consequences for tests:

- a module compiled before its source last changed would test old code: the session
  stops with the command that builds it again (:func:`stale_modules`);
- a compiled module calls the functions of the others directly, so that replacing one
  with ``monkeypatch`` does not reach them: such a test runs again in a child process on
  a copy of the plain Python source (:func:`run_in_pure_python`).
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
SRC = ROOT / "src"
PURE_ENV = "NEWBI_CLIENTS_TEST_PURE_PYTHON"


def compiled_names() -> list[str]:
    """The modules that ``setup.py`` compiles (read from its ``COMPILED`` list)."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "COMPILED":
            paths = ast.literal_eval(node.value)
            return ["newbi_clients." + p.removesuffix(".py").replace("/", ".") for p in paths]
    raise AssertionError("setup.py has no COMPILED list")


def is_compiled(name: str) -> bool:
    return not str(importlib.import_module(name).__file__).endswith(".py")


def any_compiled() -> bool:
    return any(is_compiled(name) for name in compiled_names())


def stale_modules() -> list[str]:
    """Compiled modules older than their source."""
    stale = []
    for name in compiled_names():
        module = importlib.import_module(name)
        binary = Path(str(module.__file__))
        source = binary.parent / (name.rsplit(".", 1)[1] + ".py")
        if binary.suffix != ".py" and source.stat().st_mtime > binary.stat().st_mtime:
            stale.append(name)
    return stale


def pure_source(target: Path) -> Path:
    """A copy of the package's source without its compiled modules."""
    if not (target / "newbi_clients").exists():
        shutil.copytree(
            SRC / "newbi_clients",
            target / "newbi_clients",
            ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"),
        )
    return target


def pure_env(copy: Path) -> dict[str, str]:
    """The environment of a child process that imports the plain Python source."""
    return {**os.environ, PURE_ENV: "1", "PYTHONPATH": str(pure_source(copy))}


def run_in_pure_python(test_id: str, copy: Path) -> subprocess.CompletedProcess[str]:
    """Run one test (``path::name[param]``) in a child process on plain Python source."""
    env = pure_env(copy)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", test_id],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
