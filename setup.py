"""Build: the modules that validate each imported row are compiled to C by mypyc.

Compiled, they run the same code about a third faster (see the README, « Performance »).
Without a C compiler and Python's headers, or with ``NEWBI_CLIENTS_PURE_PYTHON=1`` in
the environment, the package installs as plain Python, with the same results.
"""

import os
import shutil
import sysconfig

from setuptools import setup

# the modules of the per-row work of an import's validation (src/newbi_clients/...)
COMPILED = [
    "builder.py",
    "collector.py",
    "validation.py",
    "fastpaths.py",
    "rows.py",
    "hygiene.py",
    "text.py",
    "identifiers.py",
    "conditions.py",
    "transfer/semantics.py",
    "transfer/cells.py",
    "transfer/validate.py",
]


def can_compile() -> bool:
    """Whether this machine has the C compiler Python was built with, and its headers."""
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    header = os.path.join(sysconfig.get_paths()["include"], "Python.h")
    return shutil.which(compiler) is not None and os.path.exists(header)


def ext_modules() -> list:
    if os.environ.get("NEWBI_CLIENTS_PURE_PYTHON") or not can_compile():
        return []
    from mypyc.build import mypycify

    # the build environment holds none of the dependencies: their types are unknown (Any)
    # to mypyc, which calls them as Python does; the type check itself is mypy's (strict)
    options = ["--ignore-missing-imports", "--follow-imports=silent"]
    return mypycify([*options, *(f"src/newbi_clients/{name}" for name in COMPILED)])


setup(ext_modules=ext_modules())
