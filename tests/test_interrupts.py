"""Ctrl-C, SIGTERM, SIGHUP and SIGKILL at random moments of long commands.

Each trial runs the real command in its own session (as a terminal would, with its
validation workers), signals the whole process group at a random moment, and checks: the
command exits within 2 s, with 130 (143, 129) and nothing written, or with 0, everything
written and its report printed; no traceback; no process of the session left behind.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

from newbi_clients import interrupts

ROWS = 50_000
HEADER = "Type;Nom;Prénom;Email;Téléphone;Adresse;Code postal;Ville;SIRET;Tags;Notes"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _write_rows(path: Path, rows: int, prefix: str = "client") -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            out.write(f"particulier;Nom{i};Prénom;{prefix}{i}@exemple.fr;;{i} rue;75002;Paris;;VIP;note {i}\n")  # fmt: skip
    return path


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float  # from the signal to the exit


def _session_left(sid: int) -> list[int]:
    """Processes still alive in the session ``sid`` (the command's workers, say)."""
    left = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            left.append(int(entry.name))
    return left


def _handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGTERM, which only newbi-clients' handler does: the
    earliest moment its own code runs, past the interpreter's start-up."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signal.SIGTERM - 1)))


def run_and_signal(
    args: Sequence[str], db: Path, after: float, signum: int, from_start: bool = False,
    after_line: str | None = None,
) -> Run:  # fmt: skip
    """Run the CLI, send ``signum`` to its process group ``after`` seconds in: counted from
    its signal handlers being in place when ``from_start``, from the first line of stderr
    holding ``after_line`` when given."""
    env = {**os.environ, "NEWBI_CLIENTS_DB": str(db), "COLUMNS": "120"}
    process = subprocess.Popen(
        [sys.executable, "-m", "newbi_clients", *args], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, start_new_session=True, text=True,
    )  # fmt: skip
    out: list[str] = []
    err: list[str] = []
    seen = threading.Event()

    def collect(stream: IO[str], into: list[str], mark: str | None) -> None:
        for line in stream:
            into.append(line)
            if mark and mark in line:
                seen.set()
        seen.set() if mark else None

    readers = [threading.Thread(target=collect, args=(process.stdout, out, None)),
               threading.Thread(target=collect, args=(process.stderr, err, after_line or "\0"))]  # fmt: skip
    for reader in readers:
        reader.start()
    if from_start:
        while not _handlers_installed(process.pid) and process.poll() is None:
            time.sleep(0.001)
    if after_line:
        seen.wait(120)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=after)
    sent = time.monotonic()
    if process.poll() is None:
        os.killpg(process.pid, signum)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:  # a hang: end it, and fail below
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    seconds = time.monotonic() - sent
    for reader in readers:
        reader.join()
    stdout, stderr = "".join(out), "".join(err)
    deadline = time.monotonic() + 1
    while (left := _session_left(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not left, f"processes left behind: {left}"
    return Run(process.returncode, stdout, stderr, seconds)


def _counts(db: Path) -> tuple[int, int, int]:
    conn = sqlite3.connect(db)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'clients'").fetchone():
            return (0, 0, 0)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return tuple(  # type: ignore[return-value]
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("clients", "notes", "client_tags")
        )
    finally:
        conn.close()


def _stopped_cleanly(run: Run, signum: int) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert "Error" not in run.stderr, run.stderr
    assert run.seconds < 2.0, f"exited {run.seconds:.2f} s after the signal"
    assert run.code in (0, 128 + signum), (run.code, run.stderr)
    if run.code:
        assert run.stderr.strip().splitlines()[-1] == "Interrompu.", run.stderr


@pytest.fixture(scope="session")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_rows(tmp_path_factory.mktemp("big") / "big.csv", ROWS)


@pytest.fixture(scope="session")
def big_book(tmp_path_factory: pytest.TempPathFactory, big_file: Path) -> tuple[Path, float]:
    """A book holding the 50,000 clients, and how long their import took uninterrupted."""
    db = tmp_path_factory.mktemp("book") / "book.db"
    start = time.monotonic()
    run = run_and_signal(["import", str(big_file), "--yes"], db, 600, signal.SIGINT)
    assert run.code == 0, run.stderr
    return db, time.monotonic() - start


def test_ctrl_c_at_random_moments_of_a_parallel_import(
    tmp_path: Path, big_file: Path, big_book: tuple[Path, float]
) -> None:
    rnd = random.Random(2026)
    outcomes = []
    for trial in range(30):
        db = tmp_path / f"trial{trial}.db"
        # a fifth of the trials in the first 0.1 s (start-up), a fifth while writing (after
        # the preview, commit included), the others while reading and validating
        early, writing = trial % 5 == 0, trial % 5 == 1
        after = (
            rnd.uniform(0, 0.1)
            if early
            else rnd.uniform(0, 2.5)
            if writing
            else rnd.uniform(0.1, 3)
        )
        run = run_and_signal(
            ["import", str(big_file), "--yes"], db, after, signal.SIGINT, early,
            "Aperçu" if writing else None,
        )  # fmt: skip
        _stopped_cleanly(run, signal.SIGINT)
        counts = _counts(db) if db.exists() else (0, 0, 0)
        if run.code == 0:
            assert counts == (ROWS, ROWS, ROWS), (after, counts)
            assert "Créés\t50000" in run.stdout, run.stdout
        else:
            assert counts == (0, 0, 0), (after, counts, run.stderr)
        outcomes.append(run.code)
    assert 130 in outcomes
    print(f"outcomes: {outcomes.count(130)} stopped, {outcomes.count(0)} finished")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_an_import_the_same_way(
    tmp_path: Path, big_file: Path, signum: int
) -> None:
    db = tmp_path / "term.db"
    run = run_and_signal(["import", str(big_file), "--yes"], db, 1.2, signum)
    _stopped_cleanly(run, signum)
    assert run.code == 128 + signum
    assert _counts(db) == (0, 0, 0)


def test_sigkill_at_random_moments_leaves_all_or_nothing(
    tmp_path: Path, big_file: Path, big_book: tuple[Path, float]
) -> None:
    rnd = random.Random(7)
    for trial in range(4):
        db = tmp_path / f"kill{trial}.db"
        run = run_and_signal(
            ["import", str(big_file), "--yes"], db, rnd.uniform(0, 2), signal.SIGKILL,
            after_line="Aperçu" if trial % 2 else None,
        )  # fmt: skip
        assert run.code in (0, -signal.SIGKILL)
        assert _counts(db) in {(0, 0, 0), (ROWS, ROWS, ROWS)}


def test_ctrl_c_during_an_export(tmp_path: Path, big_book: tuple[Path, float]) -> None:
    db, _ = big_book
    rnd = random.Random(3)
    for trial in range(5):
        out = tmp_path / f"export{trial}.csv"
        run = run_and_signal(["export", "-o", str(out)], db, rnd.uniform(0.05, 1.5), signal.SIGINT)
        _stopped_cleanly(run, signal.SIGINT)
        if run.code == 0:
            assert "50000 client(s) exporté(s)" in run.stderr


def test_ctrl_c_during_duplicates(tmp_path: Path, big_book: tuple[Path, float]) -> None:
    db, _ = big_book
    rnd = random.Random(4)
    for _ in range(4):
        run = run_and_signal(["duplicates"], db, rnd.uniform(0.05, 1.5), signal.SIGINT)
        _stopped_cleanly(run, signal.SIGINT)


def test_ctrl_c_during_a_merge(tmp_path: Path, big_book: tuple[Path, float]) -> None:
    """A merge of 300 clients into one: interrupted, nothing merged; finished, all merged."""
    source, _ = big_book
    rnd = random.Random(5)
    others = [str(i) for i in range(2, 302)]
    for trial in range(4):
        db = tmp_path / f"merge{trial}.db"
        shutil.copy(source, db)
        run = run_and_signal(
            ["merge", "1", *others, "--prefer", "keep", "--yes"], db, rnd.uniform(0.2, 2.5),
            signal.SIGINT,
        )  # fmt: skip
        _stopped_cleanly(run, signal.SIGINT)
        conn = sqlite3.connect(db)
        merged = conn.execute("SELECT count(*) FROM clients WHERE merged_into = 1").fetchone()[0]
        conn.close()
        assert merged == (300 if run.code == 0 else 0), (run.code, merged)


def test_a_signal_during_commit_is_noted_and_the_command_finishes() -> None:
    """Core: around COMMIT and after it, a signal no longer stops the command."""
    interrupts.reset()
    try:
        with interrupts.running():
            with interrupts.committing():
                interrupts._handle(signal.SIGINT, None)  # noted, not raised
            assert interrupts.committed()
            interrupts._handle(signal.SIGTERM, None)  # after the commit: still noted
        assert interrupts.stopping() is None
    finally:
        interrupts.reset()


def test_a_signal_while_running_raises_interrupted_with_the_shells_code() -> None:
    interrupts.reset()
    try:
        with interrupts.running(), pytest.raises(interrupts.Interrupted) as caught:
            interrupts._handle(signal.SIGTERM, None)
        assert caught.value.exit_code == 143
        assert interrupts.sqlite_progress() == 1  # a running statement is cut short
    finally:
        interrupts.reset()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signals_are_taken_over_as_soon_as_the_entry_module_is_loaded(signum: int) -> None:
    """The console script's first import puts the quiet handler in place, before the
    command line (Typer, Rich…) is loaded: a signal then gives one line, no traceback."""
    code = (
        "import os, signal, sys, time\n"
        "import newbi_clients.__main__\n"
        "assert 'typer' not in sys.modules and 'typing' not in sys.modules, sorted(sys.modules)\n"
        f"os.kill(os.getpid(), {int(signum)})\n"
        "time.sleep(5)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=20
    )
    assert done.returncode == 128 + signum, done.stderr
    assert done.stderr == "\nInterrompu.\n"
