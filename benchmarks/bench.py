"""Benchmarks of newbi-clients, each figure beside a peer measured in the same run.

The targets are ratios (listed in the README's Performance section): absolute times drift from
run to run on a shared 2-core machine, so every scenario runs our command and its peer
interleaved in the same rounds (the order alternates from one round to the next) and
compares medians.

Usage::

    python benchmarks/bench.py all [--rounds N] [--rebuild] [--profile-phases]
    python benchmarks/bench.py SCENARIO [SCENARIO …], among import-csv, import-csv-1m,
        import-xlsx, search-inprocess, commands, export, duplicates, sort-revenue,
        import-merge

``--profile-phases`` runs our imports with ``--debug`` and adds to each import scenario
the median wall time of every phase that ``import --debug`` prints (read, validation per
worker, staging, duplicates, insert, indexes, search index, commit…).

Run it with the project's interpreter (``.venv/bin/python``): ``search-inprocess`` imports
``newbi_clients``, and the commands are looked up beside that interpreter first
(``newbi-clients``, ``sqlite-utils``) then on ``PATH``. khard, the peer of the cold-start
scenarios, lives in its own virtual environment, ``benchmarks/work/peer-venv``, created
(``pip install khard``) when missing.

Data: the files written by ``gen_data.py`` into ``benchmarks/work/`` (see README.md). The
1M-client book, ``benchmarks/work/book_1m.db``, is built once from ``clients_1m.csv`` with
our own importer (about 3 minutes) and reused; ``--rebuild`` builds it again.

Measures: wall time of the whole process (``time.perf_counter`` around
``subprocess.Popen``/``wait``); peak memory as ``/usr/bin/time -f %M`` reports it (the
largest resident set of the process and of the children it waited for, in KB), and the
peak of the summed PSS of the whole process tree (sampled every 50 ms from
``/proc/PID/smaps_rollup``), which also counts worker processes. Child processes run with
bytecode caching on (``PYTHONDONTWRITEBYTECODE`` removed) and their cache in
``benchmarks/work/pycache`` (``PYTHONPYCACHEPREFIX``), filled before the first scenario, so
that no command pays for compiling its modules, as none would once installed.

Results: a Markdown table per scenario on stdout (progress on stderr), and
``benchmarks/work/results.json`` (scenarios of earlier runs are kept, those just run
replaced).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
RESULTS = WORK / "results.json"
PYCACHE = WORK / "pycache"
PEER_VENV = WORK / "peer-venv"
BOOK = WORK / "book_1m.db"
DUPS_BOOK = WORK / "book_1m_dups.db"
CLIENTS_1M = WORK / "clients_1m.csv"
PLANTED_1M = WORK / "clients_1m.planted.csv"
IMPORT_CSV = WORK / "import_100k.csv"
IMPORT_XLSX = WORK / "import_100k.xlsx"
GNU_TIME = "/usr/bin/time"

OPENPYXL_READ = (
    "import sys, openpyxl; f = sys.argv[1]; "
    "wb = openpyxl.load_workbook(f, read_only=True, data_only=True); "
    "[r for r in wb.active.iter_rows(values_only=True)]"
)
CALAMINE_READ = (
    "import sys; from python_calamine import CalamineWorkbook; "
    "wb = CalamineWorkbook.from_path(sys.argv[1]); "
    "[r for r in wb.get_sheet_by_index(0).iter_rows()]"
)
# `search` on the command line: a short common prefix (the README's « dup » example), a
# full surname, and two words as one types to find one client.
SEARCHES = ("dup", "dupont", "boulangerie martel")
SAMPLE_SEED = 2026

# Default rounds: at least 3 for the slow scenarios, at least 7 for the fast ones.
DEFAULT_ROUNDS = {
    "import-csv": 5,
    "import-csv-1m": 3,
    "import-xlsx": 3,
    "commands": 9,
    "export": 3,
    "duplicates": 3,
    "sort-revenue": 9,
    "import-merge": 3,
}
MIN_ROUNDS = {"commands": 7, "sort-revenue": 7}

# ---------------------------------------------------------------- measuring


class CommandFailed(Exception):
    """One of the measured commands failed (or ran past --timeout)."""

    def __init__(self, cmd: Sequence[str], returncode: int | None, stderr: str) -> None:
        self.cmd = list(cmd)
        self.returncode = returncode
        self.stderr = stderr
        status = "timed out" if returncode is None else f"exit status {returncode}"
        super().__init__(f"{shell_line(cmd)}: {status}")


@dataclass(slots=True)
class Sample:
    seconds: float
    rss_kb: int | None  # /usr/bin/time %M: the largest resident set, in KB
    tree_pss_kb: int | None = None  # peak of the summed PSS of the process tree, in KB
    phases: dict[str, float] | None = None  # import --debug: seconds of each phase


class TreeSampler:
    """Peak of the summed PSS of a process and its descendants, sampled in a thread."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        self.root = root
        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb

    def _loop(self) -> None:
        while not self._stop.is_set():
            total = sum(_pss_kb(pid) for pid in _descendants(self.root))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)


def _descendants(root: int) -> list[int]:
    """The processes below ``root`` (``root`` itself, /usr/bin/time, excluded)."""
    found: list[int] = []
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            tids = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tids:
            try:
                text = Path(f"/proc/{pid}/task/{tid}/children").read_text()
            except OSError:
                continue
            children = [int(c) for c in text.split()]
            found += children
            pending += children
    return found


def _pss_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else 0


def shell_line(cmd: Sequence[str | os.PathLike[str]]) -> str:
    import shlex

    return " ".join(shlex.quote(str(c)) for c in cmd)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p90(values: Sequence[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- results


@dataclass(slots=True)
class Row:
    measure: str
    ours: float | None
    peer: float | None
    unit: str  # "s", "ms" or "MB"
    target: str
    ok: bool | None  # None: informative, no target
    ratio: float | None = None


@dataclass
class Result:
    name: str
    title: str
    status: str = "ok"  # ok | not available | failed
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    samples: dict[str, list[float]] = field(default_factory=dict)
    commands: dict[str, str] = field(default_factory=dict)
    rounds: int | None = None
    source: dict[str, Any] = field(default_factory=dict)  # when, and which code, measured
    phases: str = ""  # --profile-phases: Markdown table of the import phases (medians)

    def ratio_row(
        self,
        measure: str,
        ours: float,
        peer: float,
        limit: float | None,
        unit: str = "s",
        stretch: float | None = None,
    ) -> None:
        ratio = ours / peer if peer else math.inf
        target = "—" if limit is None else f"≤ {limit:.2f}×"
        if stretch is not None:
            target += f" (stretch {stretch:.2f}×)"
        ok = None if limit is None else ratio <= limit
        self.rows.append(Row(measure, ours, peer, unit, target, ok, ratio))

    def limit_row(
        self, measure: str, ours: float, limit: float | None, unit: str, peer: float | None = None
    ) -> None:
        ratio = ours / peer if peer else None
        target = "—" if limit is None else f"≤ {limit:g} {unit}"
        ok = None if limit is None else ours <= limit
        self.rows.append(Row(measure, ours, peer, unit, target, ok, ratio))

    def paired_note(self, peer: str, ours: Sequence[float], theirs: Sequence[float]) -> None:
        """Each round's ratio to the peer timed beside it, and their median: on a noisy
        machine, a slow minute slows both imports of a round, so that the paired ratios
        spread less than the two medians of the whole run."""
        ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b]
        if ratios:
            shown = ", ".join(f"{r:.3f}" for r in ratios)
            self.notes.append(
                f"paired ratios to {peer}, round by round: {shown} (median {median(ratios):.3f}×)"
            )

    def add_samples(self, label: str, values: Sequence[float], unit: str = "s") -> None:
        self.samples[f"{label} ({unit})"] = [round(v, 4) for v in values]


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "pairs":
        return f"{value:,.0f}"
    return f"{value:g} {unit}"


def markdown(result: Result) -> str:
    lines = [f"### {result.name} — {result.title}", ""]
    if result.status != "ok":
        lines.append(f"**{result.status}**")
        lines += [f"- {note}" for note in result.notes]
        return "\n".join(lines) + "\n"
    lines.append("| scenario | ours (median) | peer (median) | ratio | target | result |")
    lines.append("|---|---:|---:|---:|---|---|")
    for row in result.rows:
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        verdict = {True: "pass", False: "**FAIL**", None: "info"}[row.ok]
        lines.append(
            f"| {row.measure} | {fmt_value(row.ours, row.unit)} | {fmt_value(row.peer, row.unit)}"
            f" | {ratio} | {row.target} | {verdict} |"
        )
    lines.append("")
    if result.rounds is not None:
        lines.append(f"- rounds: {result.rounds} (ours and peer interleaved, order alternating)")
    lines += [f"- {note}" for note in result.notes]
    for label, values in result.samples.items():
        lines.append(f"- samples, {label}: {', '.join(f'{v:g}' for v in values)}")
    if result.phases:
        lines += ["", "Import phases (`import --debug`, wall time, medians):", "", result.phases]
    return "\n".join(lines) + "\n"


def save(results: Sequence[Result], meta: dict[str, Any]) -> None:
    data: dict[str, Any] = {"meta": meta, "scenarios": {}}
    if RESULTS.exists():
        with contextlib.suppress(ValueError, OSError):
            old = json.loads(RESULTS.read_text(encoding="utf-8"))
            data["scenarios"] = old.get("scenarios", {})
    for result in results:
        data["scenarios"][result.name] = asdict(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- context


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    return shutil.which(name)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NEWBI_CLIENTS_DB", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


@dataclass
class Context:
    rounds: int | None
    rebuild: bool
    timeout: float
    queries: int
    scratch: Path
    profile_phases: bool = False
    env: dict[str, str] = field(default_factory=child_env)
    python: str = sys.executable
    newbi: str = ""
    sqlite_utils: str = ""
    _khard: str | None = None
    _book_ready: bool = False

    def __post_init__(self) -> None:
        newbi, sqlite_utils = _tool("newbi-clients"), _tool("sqlite-utils")
        if newbi is None or sqlite_utils is None:
            sys.exit("newbi-clients and sqlite-utils must be installed (run with .venv/bin/python)")
        self.newbi, self.sqlite_utils = newbi, sqlite_utils

    def n(self, scenario: str) -> int:
        rounds = self.rounds or DEFAULT_ROUNDS[scenario]
        minimum = MIN_ROUNDS.get(scenario, 3)
        if rounds < minimum:
            log(f"  note: {rounds} round(s) for {scenario}, fewer than the {minimum} it deserves")
        return rounds

    def run(
        self,
        cmd: Sequence[str | os.PathLike[str]],
        stdout: Path | None = None,
        sample_tree: bool = False,
    ) -> Sample:
        """Run a command once (stdin and, by default, stdout on /dev/null) and time it."""
        args = [str(c) for c in cmd]
        time_file, err_file = self.scratch / "time.txt", self.scratch / "stderr.txt"
        with contextlib.ExitStack() as files:
            out = files.enter_context(stdout.open("wb")) if stdout else subprocess.DEVNULL
            err = files.enter_context(err_file.open("wb"))
            start = time.perf_counter()
            proc = subprocess.Popen(
                [GNU_TIME, "-f", "%M", "-o", str(time_file), *args],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.env,
                start_new_session=True,
            )
            sampler = TreeSampler(proc.pid) if sample_tree else None
            # A blocking wait: Popen.wait(timeout) polls, in steps of up to 50 ms.
            expired = threading.Event()
            killer = threading.Timer(self.timeout, _kill_group, (proc.pid, expired))
            killer.start()
            returncode: int | None = proc.wait()
            elapsed = time.perf_counter() - start
            killer.cancel()
            if expired.is_set():
                returncode = None
            tree = sampler.stop() if sampler else None
        stderr = err_file.read_text(encoding="utf-8", errors="replace")
        if returncode != 0:
            raise CommandFailed(args, returncode, stderr[-4000:])
        lines = time_file.read_text().split()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else None
        return Sample(elapsed, rss, tree, parse_phases(stderr))

    def newbi_cmd(self, *args: str | os.PathLike[str]) -> list[str | os.PathLike[str]]:
        """A newbi-clients command; with --profile-phases, run with --debug."""
        return [self.newbi, *(["--debug"] if self.profile_phases else []), *args]

    @property
    def khard(self) -> str:
        if self._khard is None:
            khard = PEER_VENV / "bin" / "khard"
            if not khard.exists():
                log(f"installing khard into {PEER_VENV} …")
                subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
                pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "khard"]
                subprocess.run(pip, check=True)
            self._khard = str(khard)
        return self._khard

    def ensure_book(self) -> Path:
        if self._book_ready:
            return BOOK
        if self.rebuild:
            remove_db(BOOK)
            remove_db(DUPS_BOOK)
        if not BOOK.exists():
            build_book(self)
        migrate_book(self, BOOK)
        self._book_ready = True
        return BOOK


def _kill_group(pid: int, expired: threading.Event) -> None:
    expired.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def fresh_import(
    ctx: Context, cmd: Sequence[str | os.PathLike[str]], db: Path, counts: list[int] | None, r: int
) -> Sample:
    """Run ``cmd`` into a new database ``db``, removed after; the first round counts its clients."""
    remove_db(db)
    sample = ctx.run(cmd, sample_tree=True)
    if counts is not None and r == 0:
        counts.append(count_clients(db))
    remove_db(db)
    return sample


def checkpoint(path: Path) -> None:
    """Fold the WAL into the file so that a plain copy of it is the whole book."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    leftovers = [s for s in ("-wal", "-shm") if Path(f"{path}{s}").exists()]
    if leftovers:
        sys.exit(f"{path}: {', '.join(leftovers)} left after the checkpoint")


def count_clients(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM clients").fetchone()[0])
    finally:
        conn.close()


def copy_book(source: Path, target: Path) -> None:
    """A private copy of a book, flushed to disk so that its writeback is not timed."""
    remove_db(target)
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def ticking(label: str, every: float = 30.0) -> Iterator[None]:
    """Print the elapsed time of a long step every ``every`` seconds."""
    stop = threading.Event()
    start = time.perf_counter()

    def tick() -> None:
        while not stop.wait(every):
            log(f"  … {label}: {time.perf_counter() - start:.0f} s")

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def build_book(ctx: Context) -> None:
    need(CLIENTS_1M)
    cmd = [ctx.newbi, "--db", BOOK, "import", CLIENTS_1M, "--yes", "--on-duplicate", "create"]
    log(f"building the 1M-client book (a few minutes): {shell_line(cmd)}")
    remove_db(BOOK)
    with ticking("building the book"):
        sample = ctx.run(cmd)
    checkpoint(BOOK)
    log(
        f"  built {BOOK.name}: {count_clients(BOOK):,} clients, "
        f"{BOOK.stat().st_size / 1e6:,.0f} MB, in {sample.seconds:.0f} s, "
        f"peak {(sample.rss_kb or 0) / 1024:,.0f} MB"
    )


def migrate_book(ctx: Context, path: Path) -> None:
    """Bring a book built by an earlier release to the current schema, once and untimed
    (any command migrates it on opening; the copy it keeps beside it is removed), so that
    no timed command of the run pays for the migration."""
    subprocess.run(
        [ctx.newbi, "--db", path, "list", "--limit", "1"],
        env=ctx.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    for copy in path.parent.glob(f"{path.name}.avant-migration-schema-*"):
        log(f"  {path.name} migrated to the current schema (copy {copy.name} removed)")
        copy.unlink()
    checkpoint(path)


def need(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        sys.exit(f"missing {', '.join(missing)}: generate it first (see benchmarks/README.md)")


def warm_bytecode(ctx: Context) -> None:
    """Compile the modules the commands import into the bytecode cache (fast when done)."""
    paths = sysconfig.get_paths()
    dirs = [ROOT / "src", Path(paths["purelib"]), Path(paths["stdlib"])]
    dirs += sorted((PEER_VENV / "lib").glob("python3*/site-packages"))
    log(f"bytecode cache: {PYCACHE}")
    start = time.perf_counter()
    subprocess.run(
        [ctx.python, "-m", "compileall", "-q", "-j", "0", "-x", r"/(tests?|idlelib|lib2to3)/"]
        + [str(d) for d in dirs],
        env=ctx.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    log(f"  up to date in {time.perf_counter() - start:.1f} s")


def interleave(
    rounds: int, contenders: dict[str, Callable[[int], Sample]], label: str = ""
) -> dict[str, list[Sample]]:
    """Run every contender once a round; the order rotates from one round to the next."""
    names = list(contenders)
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        order = names[shift:] + names[:shift]
        for name in order:
            samples[name].append(contenders[name](r))
        done = ", ".join(f"{name} {samples[name][-1].seconds:.3f} s" for name in names)
        log(f"  {label}round {r + 1}/{rounds}: {done}")
    return samples


def seconds(samples: Sequence[Sample]) -> list[float]:
    return [s.seconds for s in samples]


PHASE_LINE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+) s$", re.MULTILINE)


def parse_phases(stderr: str) -> dict[str, float] | None:
    """The phase times that ``import --debug`` prints on stderr (None when absent)."""
    if "Durée de chaque phase" not in stderr:
        return None
    return {label: float(value) for label, value in PHASE_LINE.findall(stderr)}


def phase_table(result: Result, runs: dict[str, Sequence[Sample]]) -> None:
    """With --profile-phases: the median wall time of each import phase, one column a run."""
    columns = {name: [s.phases for s in samples if s.phases] for name, samples in runs.items()}
    columns = {name: phases for name, phases in columns.items() if phases}
    if not columns:
        return
    labels = list(dict.fromkeys(label for ps in columns.values() for p in ps for label in p))
    head = " | ".join(f"{name} (median s)" for name in columns)
    lines = [f"| phase | {head} |", "|---|" + "---:|" * len(columns)]
    for label in labels:
        cells = []
        for phases in columns.values():
            values = [p[label] for p in phases if label in p]
            cells.append(f"{median(values):.2f}" if values else "—")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    result.phases = "\n".join(lines)


def peak_mb(samples: Sequence[Sample], attr: str = "rss_kb") -> float | None:
    values = [getattr(s, attr) for s in samples if getattr(s, attr) is not None]
    return max(values) / 1024 if values else None


def memory_rows(
    result: Result,
    label: str,
    ours: Sequence[Sample],
    peer: Sequence[Sample] | None,
    limit: float | None,
) -> None:
    """Peak memory of our runs (the largest of them) against ``limit`` MB (None: no target)."""
    for attr, what in (("rss_kb", "largest process, %M"), ("tree_pss_kb", "process tree, PSS")):
        value = peak_mb(ours, attr)
        if value is not None:
            other = peak_mb(peer, attr) if peer else None
            result.limit_row(f"{label}: peak memory ({what})", value, limit, "MB", other)


# ---------------------------------------------------------------- 1. import-csv


def bench_import_csv(ctx: Context) -> Result:
    need(IMPORT_CSV)
    result = Result("import-csv", "import of 100k CSV rows into an empty book")
    rounds = result.rounds = ctx.n("import-csv")
    ours_db, peer_db = ctx.scratch / "ours.db", ctx.scratch / "peer.db"
    ours_cmd = ctx.newbi_cmd("--db", ours_db, "import", IMPORT_CSV, "--yes")
    peer_cmd = [ctx.sqlite_utils, "insert", peer_db, "clients", IMPORT_CSV, "--csv"]
    peer_cmd.append("--no-detect-types")
    result.commands = {"ours": shell_line(ours_cmd), "peer": shell_line(peer_cmd)}
    imported: list[int] = []
    ours = partial(fresh_import, ctx, ours_cmd, ours_db, imported)
    peer = partial(fresh_import, ctx, peer_cmd, peer_db, None)
    samples = interleave(rounds, {"ours": ours, "sqlite-utils": peer})
    mine, theirs = seconds(samples["ours"]), seconds(samples["sqlite-utils"])
    result.ratio_row(
        "import 100k CSV, empty book vs `sqlite-utils insert --csv --no-detect-types`",
        median(mine),
        median(theirs),
        1.0,
        stretch=0.75,
    )
    result.paired_note("sqlite-utils", mine, theirs)
    memory_rows(result, "import 100k CSV", samples["ours"], samples["sqlite-utils"], 200)
    result.notes.append(f"clients in the book after our import: {imported[0]:,} (100,000 rows)")
    result.add_samples("ours", mine)
    result.add_samples("sqlite-utils", theirs)
    phase_table(result, {"ours": samples["ours"]})
    return result


# ---------------------------------------------------------------- 2. import-csv-1m


def bench_import_csv_1m(ctx: Context) -> Result:
    need(IMPORT_CSV)
    book = ctx.ensure_book()
    result = Result("import-csv-1m", "import of 100k CSV rows into a 1M-client book")
    rounds = result.rounds = ctx.n("import-csv-1m")
    full_db, empty_db = ctx.scratch / "book_copy.db", ctx.scratch / "empty.db"
    full_cmd = ctx.newbi_cmd("--db", full_db, "import", IMPORT_CSV, "--yes")
    empty_cmd = ctx.newbi_cmd("--db", empty_db, "import", IMPORT_CSV, "--yes")
    result.commands = {
        "ours": f"cp {book} {full_db} && {shell_line(full_cmd)}",
        "peer": shell_line(empty_cmd),
    }
    before = count_clients(book)
    after: list[int] = []

    def into_book(r: int) -> Sample:
        copy_book(book, full_db)
        sample = ctx.run(full_cmd, sample_tree=True)
        if r == 0:
            after.append(count_clients(full_db))
        remove_db(full_db)
        return sample

    # the same book whose last 500,000 clients are in five recent tiers of its indexes, as
    # five imports of 100,000 into 500,000 settled clients leave them: the sixth import
    # builds the indexes again, settling every client (one import in six of that size)
    recent_book, recent_db = ctx.scratch / "book_recent.db", ctx.scratch / "recent_copy.db"
    recent_cmd = ctx.newbi_cmd("--db", recent_db, "import", IMPORT_CSV, "--yes")
    copy_book(book, recent_book)
    with contextlib.closing(sqlite3.connect(recent_book)) as conn:
        (last,) = conn.execute("SELECT max(id) FROM clients").fetchone()
        conn.execute(
            "UPDATE clients SET tier = 1 + (id - ? - 1) / 100000 WHERE id > ?",
            [last - 500_000, last - 500_000],
        )
        conn.commit()
    checkpoint(recent_book)

    def into_recent(r: int) -> Sample:
        copy_book(recent_book, recent_db)
        sample = ctx.run(recent_cmd, sample_tree=True)
        remove_db(recent_db)
        return sample

    into_empty = partial(fresh_import, ctx, empty_cmd, empty_db, None)
    samples = interleave(
        rounds, {"1M book": into_book, "empty book": into_empty, "1M, settling": into_recent}
    )
    remove_db(recent_book)
    full, empty = seconds(samples["1M book"]), seconds(samples["empty book"])
    result.ratio_row(
        "import 100k CSV into the 1M book vs into an empty book", median(full), median(empty), 1.15
    )
    result.paired_note("the empty-book import", full, empty)
    settling = seconds(samples["1M, settling"])
    result.ratio_row(
        "the same, when the import settles 500k recent clients (one import in six)",
        median(settling),
        median(empty),
        None,
    )
    memory_rows(result, "import 100k CSV into 1M", samples["1M book"], samples["empty book"], 200)
    result.notes.append(
        f"clients: {before:,} before, {after[0]:,} after (+{after[0] - before:,}); the copy of"
        " the book (cp + fsync) is not timed"
    )
    result.add_samples("into the 1M book", full)
    result.add_samples("into an empty book", empty)
    result.add_samples("into the 1M book, settling 500k", settling)
    phase_table(result, samples)
    return result


# ---------------------------------------------------------------- 3. import-xlsx


def bench_import_xlsx(ctx: Context) -> Result:
    need(IMPORT_XLSX)
    result = Result("import-xlsx", "import of a 100k-row XLSX file into an empty book")
    rounds = result.rounds = ctx.n("import-xlsx")
    db = ctx.scratch / "ours.db"
    ours_cmd = ctx.newbi_cmd("--db", db, "import", IMPORT_XLSX, "--yes")
    openpyxl_cmd = [ctx.python, "-c", OPENPYXL_READ, IMPORT_XLSX]
    calamine_cmd = [ctx.python, "-c", CALAMINE_READ, IMPORT_XLSX]
    result.commands = {
        "ours": shell_line(ours_cmd),
        "peer": shell_line(openpyxl_cmd),
        "floor": shell_line(calamine_cmd),
    }
    imported: list[int] = []
    ours = partial(fresh_import, ctx, ours_cmd, db, imported)

    samples = interleave(
        rounds,
        {
            "ours": ours,
            "openpyxl": lambda r: ctx.run(openpyxl_cmd, sample_tree=True),
            "calamine": lambda r: ctx.run(calamine_cmd),
        },
    )
    mine, peer, floor = (seconds(samples[k]) for k in ("ours", "openpyxl", "calamine"))
    result.ratio_row(
        "import 100k XLSX vs openpyxl read-only iteration alone",
        median(mine),
        median(peer),
        0.35,
        stretch=0.25,
    )
    result.ratio_row(
        "import 100k XLSX vs python-calamine iteration alone (floor)",
        median(mine),
        median(floor),
        None,
    )
    result.paired_note("openpyxl", mine, peer)
    memory_rows(result, "import 100k XLSX", samples["ours"], samples["openpyxl"], 200)
    result.notes.append(f"clients in the book after our import: {imported[0]:,} (100,000 rows)")
    result.add_samples("ours", mine)
    result.add_samples("openpyxl", peer)
    result.add_samples("python-calamine", floor)
    phase_table(result, {"ours": samples["ours"]})
    return result


# ---------------------------------------------------------------- 4. search-inprocess


def _spaced_siret(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def sample_search_terms(conn: sqlite3.Connection, count: int) -> dict[str, list[tuple[str, int]]]:
    """(query text, id of the client it was taken from) for each kind of search."""
    rnd = random.Random(SAMPLE_SEED)
    low, high = conn.execute("SELECT min(id), max(id) FROM clients").fetchone()
    ids = rnd.sample(range(low, high + 1), min(high - low + 1, 8 * count))
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT id, name, email, siret FROM clients WHERE id IN ({marks})", ids
    ).fetchall()
    order = {client_id: i for i, client_id in enumerate(ids)}
    rows.sort(key=lambda row: order[row[0]])
    names: list[tuple[str, int]] = []
    seen: set[str] = set()
    for client_id, name, _, _ in rows:
        word = next((w for w in re.findall(r"[^\W\d_]+", name) if len(w) >= 4), None)
        if word is None:
            continue
        prefix = word[: 3 + len(names) % 2].lower()
        if prefix not in seen and len(names) < count:
            seen.add(prefix)
            names.append((prefix, client_id))
    emails = [(email, client_id) for client_id, _, email, _ in rows if email][:count]
    sirets = [(siret, client_id) for client_id, _, _, siret in rows if siret][:count]
    sirets = [(_spaced_siret(s) if i % 2 else s, cid) for i, (s, cid) in enumerate(sirets)]
    return {"name prefix": names, "email": emails, "SIRET": sirets}


def fts_floor_expression(kind: str, text: str) -> str:
    """The FTS5 expression a search of this kind comes down to."""
    if kind == "email":
        return 'email : "' + text.replace('"', '""') + '"*'
    if kind == "SIRET":
        return f'search_ids : "{text.replace(" ", "")}"*'
    return '"' + text.replace('"', '""') + '"*'


def bench_search_inprocess(ctx: Context) -> Result:
    try:
        from newbi_clients.search import ClientQuery
        from newbi_clients.storage import ClientStore
    except ImportError as exc:
        sys.exit(f"search-inprocess imports newbi_clients: run with .venv/bin/python ({exc})")
    book = ctx.ensure_book()
    result = Result("search-inprocess", "search on 1M clients, in process (LIMIT 50)")
    store = ClientStore(book)
    raw = sqlite3.connect(book)
    try:
        terms = sample_search_terms(raw, ctx.queries)
        floor_sql = "SELECT rowid FROM clients_fts WHERE clients_fts MATCH ? LIMIT 50"
        ranked_sql = (
            "SELECT rowid FROM clients_fts WHERE clients_fts MATCH ? ORDER BY rank LIMIT 50"
        )
        like_sql = "SELECT id FROM clients WHERE name LIKE ?"
        result.commands = {
            "ours": "ClientStore(book).iter_clients(ClientQuery(text=TERM, limit=50))",
            "peer": f"{floor_sql} (raw sqlite3 connection)",
            "ranked floor": ranked_sql,
            "LIKE floor": f"{like_sql}, '%TERM%', all matches",
        }

        def ours(text: str) -> tuple[float, list[int]]:
            start = time.perf_counter()
            found = list(store.iter_clients(ClientQuery(text=text, limit=50)))
            return time.perf_counter() - start, [c.id for c in found if c.id is not None]

        def floor(expr: str) -> float:
            start = time.perf_counter()
            raw.execute(floor_sql, [expr]).fetchall()
            return time.perf_counter() - start

        for kind, queries in terms.items():  # warm-up, not timed
            for text, _ in queries[:5]:
                ours(text)
                floor(fts_floor_expression(kind, text))
        for kind, queries in terms.items():
            mine: list[float] = []
            peer: list[float] = []
            hits = 0
            counts: list[int] = []
            for i, (text, client_id) in enumerate(queries):
                expr = fts_floor_expression(kind, text)
                if i % 2:
                    peer.append(floor(expr))
                    elapsed, ids = ours(text)
                else:
                    elapsed, ids = ours(text)
                    peer.append(floor(expr))
                mine.append(elapsed)
                counts.append(len(ids))
                hits += client_id in ids
            mine_ms, peer_ms = [t * 1000 for t in mine], [t * 1000 for t in peer]
            label = f"{kind} ({len(queries)} queries)"
            result.ratio_row(f"{label}: median", median(mine_ms), median(peer_ms), None, "ms")
            result.rows[-1].target, result.rows[-1].ok = "≤ 20 ms", median(mine_ms) <= 20
            result.ratio_row(f"{label}: p90", p90(mine_ms), p90(peer_ms), None, "ms")
            result.rows[-1].target, result.rows[-1].ok = "≤ 60 ms", p90(mine_ms) <= 60
            if kind == "name prefix":
                result.notes.append(
                    f"name prefixes: {', '.join(t for t, _ in queries[:12])}, …; results per"
                    f" query: median {median(counts):g}, min {min(counts)}"
                )
            else:
                result.notes.append(
                    f"{kind}: the sampled client is among the results for {hits}/{len(queries)}"
                    " queries"
                )
            result.add_samples(f"ours, {kind}", mine_ms, "ms")
            result.add_samples(f"FTS5 floor, {kind}", peer_ms, "ms")
            log(f"  {kind}: ours median {median(mine_ms):.2f} ms, floor {median(peer_ms):.2f} ms")
        names = terms["name prefix"]
        mine_names = result.samples["ours, name prefix (ms)"]
        ranked_ms: list[float] = []
        for text, _ in names:
            start = time.perf_counter()
            raw.execute(ranked_sql, [fts_floor_expression("name prefix", text)]).fetchall()
            ranked_ms.append((time.perf_counter() - start) * 1000)
        for what, pick in (("median", median), ("p90", p90)):
            result.ratio_row(
                f"name prefix vs FTS5 *ranked* LIMIT 50: {what}",
                pick(mine_names),
                pick(ranked_ms),
                None,
                "ms",
            )
        result.add_samples("FTS5 ranked floor, name prefix", ranked_ms, "ms")
        like_ms: list[float] = []
        matches: list[int] = []
        for text, _ in names:
            start = time.perf_counter()
            matches.append(len(raw.execute(like_sql, [f"%{text}%"]).fetchall()))
            like_ms.append((time.perf_counter() - start) * 1000)
        result.ratio_row(
            "name prefix vs `LIKE '%term%'` on the name, all matches: median",
            median(mine_names),
            median(like_ms),
            None,
            "ms",
        )
        result.notes.append(
            f"LIKE '%term%': median {median(matches):,.0f} matches a query, p90"
            f" {p90(like_ms):.0f} ms"
        )
        result.add_samples("LIKE floor, name", like_ms, "ms")
        result.notes.append(
            "peer column: FTS5 unranked LIMIT 50 on a raw sqlite3 connection, same terms"
            ' (email: `email : "…"*`, SIRET: `search_ids : "…"*`); half of the SIRETs are'
            " typed with spaces (« 732 829 320 00074 »)"
        )
    finally:
        store.close()
        raw.close()
    return result


# ---------------------------------------------------------------- 5. commands


def bench_commands(ctx: Context) -> Result:
    book = ctx.ensure_book()
    result = Result("commands", "whole-process commands on the 1M book, beside `khard --help`")
    rounds = result.rounds = ctx.n("commands")
    conn = sqlite3.connect(book)
    total = count_clients(book)
    show_id = conn.execute("SELECT id FROM clients ORDER BY id LIMIT 1 OFFSET ?", [total // 2])
    client_id = show_id.fetchone()[0]
    conn.close()
    khard = [ctx.khard, "--help"]
    db = [ctx.newbi, "--db", book]
    commands: list[tuple[str, list[str | os.PathLike[str]], float]] = [
        *((f"search {q!r}", [*db, "search", q], 2.5) for q in SEARCHES),
        ("list --limit 50", [*db, "list", "--limit", "50"], 2.0),
        (f"show {client_id}", [*db, "show", str(client_id)], 2.0),
        ("--help", [ctx.newbi, "--help"], 1.0),
    ]
    result.commands = {label: shell_line(cmd) for label, cmd, _ in commands}
    result.commands["peer"] = shell_line(khard)
    out = ctx.scratch / "out.txt"
    lines: dict[str, int] = {}
    for label, cmd, _ in commands:  # warm-up, not timed; counts the output lines
        ctx.run(cmd, stdout=out)
        lines[label] = len(out.read_bytes().splitlines())
    ctx.run(khard)
    all_khard: list[float] = []
    for label, cmd, limit in commands:
        samples = interleave(
            rounds,
            {"ours": lambda r, cmd=cmd: ctx.run(cmd), "khard": lambda r: ctx.run(khard)},
            f"{label}: ",
        )
        mine, theirs = seconds(samples["ours"]), seconds(samples["khard"])
        all_khard += theirs
        result.ratio_row(f"`{label}`", median(mine), median(theirs), limit)
        result.notes.append(
            f"`{label}`: p90 {fmt_value(p90(mine), 's')} (khard {fmt_value(p90(theirs), 's')}),"
            f" {lines[label]:,} output lines, peak {peak_mb(samples['ours']):.0f} MB"
        )
        result.add_samples(f"ours, {label}", mine)
        result.add_samples(f"khard --help, beside {label}", theirs)
    result.notes.append(
        f"`khard --help` over all rounds: median {fmt_value(median(all_khard), 's')},"
        f" p90 {fmt_value(p90(all_khard), 's')} ({len(all_khard)} runs; no config file needed)"
    )
    result.notes.append(
        "output goes to /dev/null (plain output: stdout is not a terminal); the output lines"
        " are counted on a warm-up run, not timed"
    )
    return result


# ---------------------------------------------------------------- 6. export


def bench_export(ctx: Context) -> Result:
    book = ctx.ensure_book()
    result = Result("export", "export of the 1M book to CSV")
    rounds = result.rounds = ctx.n("export")
    ours_cmd = [ctx.newbi, "--db", book, "export"]
    peer_cmd = [ctx.sqlite_utils, "rows", book, "clients", "--csv"]
    result.commands = {"ours": shell_line(ours_cmd) + " > /dev/null"}
    result.commands["peer"] = shell_line(peer_cmd) + " > /dev/null"
    out = ctx.scratch / "export.csv"
    log("  checking the export (not timed) …")
    ctx.run(ours_cmd, stdout=out)
    with out.open(encoding="utf-8-sig", newline="") as f:
        exported = sum(1 for _ in csv.reader(f)) - 1
    size = out.stat().st_size
    out.unlink()
    samples = interleave(
        rounds,
        {
            "ours": lambda r: ctx.run(ours_cmd, sample_tree=True),
            "sqlite-utils": lambda r: ctx.run(peer_cmd, sample_tree=True),
        },
    )
    mine, theirs = seconds(samples["ours"]), seconds(samples["sqlite-utils"])
    result.ratio_row(
        "export 1M to CSV vs `sqlite-utils rows --csv`", median(mine), median(theirs), 1.0
    )
    memory_rows(result, "export 1M", samples["ours"], samples["sqlite-utils"], 64)
    result.notes.append(f"our export: {exported:,} clients, {size / 1e6:,.0f} MB of CSV")
    result.add_samples("ours", mine)
    result.add_samples("sqlite-utils", theirs)
    phase_table(result, {"ours": samples["ours"]})
    return result


# ---------------------------------------------------------------- 7. duplicates


def available(ctx: Context, *command: str) -> bool:
    try:
        ctx.run([ctx.newbi, *command, "--help"])
    except CommandFailed:
        return False
    return True


def client_ids_by_row(book: Path, source: Path) -> dict[int, int]:
    """Spreadsheet row number of ``source`` (header = 1) → id of the client made from it.

    The importer creates clients in file order, so the clients sorted by id follow the
    rows; a rejected row has no client, and is recognised because its email (compared
    case-insensitively) is not the next client's.
    """
    conn = sqlite3.connect(book)
    try:
        clients = conn.execute("SELECT id, email FROM clients ORDER BY id")
        mapping: dict[int, int] = {}
        current = next(clients, None)
        with source.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            column = next(reader).index("Email")
            for number, row in enumerate(reader, start=2):
                if current is None:
                    break
                if (current[1] or "").casefold() == row[column].strip().casefold():
                    mapping[number] = current[0]
                    current = next(clients, None)
    finally:
        conn.close()
    return mapping


def bench_duplicates(ctx: Context) -> Result:
    result = Result("duplicates", "`duplicates` on the 1M book with 1 % planted duplicates")
    if not available(ctx, "duplicates"):
        result.status = "not available"
        result.notes.append("`newbi-clients duplicates --help` fails: no such command yet")
        return result
    need(CLIENTS_1M, PLANTED_1M)
    book = ctx.ensure_book()
    if not DUPS_BOOK.exists():
        # The same import as the main book (clients_1m.csv, --on-duplicate create), so a
        # copy of it; kept apart in case the command records anything in its book.
        log(f"  making {DUPS_BOOK.name} (a copy of {book.name}) …")
        copy_book(book, DUPS_BOOK)
        checkpoint(DUPS_BOOK)
    migrate_book(ctx, DUPS_BOOK)
    rounds = result.rounds = ctx.n("duplicates")
    out = ctx.scratch / "duplicates.json"
    ours_cmd = [ctx.newbi, "--db", DUPS_BOOK, "duplicates", "--format", "json"]
    peer_cmd = [ctx.newbi, "--db", DUPS_BOOK, "list", "--limit", "50"]
    result.commands = {"ours": shell_line(ours_cmd) + f" > {out}", "peer": shell_line(peer_cmd)}
    samples = interleave(
        rounds,
        {
            "ours": lambda r: ctx.run(ours_cmd, stdout=out, sample_tree=True),
            "list": lambda r: ctx.run(peer_cmd),
        },
    )
    mine, theirs = seconds(samples["ours"]), seconds(samples["list"])
    result.ratio_row(
        "`duplicates --format json` vs `list --limit 50`", median(mine), median(theirs), 20.0
    )
    memory_rows(result, "duplicates", samples["ours"], None, None)
    groups = json.loads(out.read_text(encoding="utf-8"))
    membership: dict[int, set[int]] = {}
    for g, group in enumerate(groups):
        for client in group.get("clients", []):
            client_id = client["id"] if isinstance(client, dict) else int(client)
            membership.setdefault(client_id, set()).add(g)
    ids = client_ids_by_row(DUPS_BOOK, CLIENTS_1M)
    found: dict[str, list[int]] = {}
    with PLANTED_1M.open(encoding="utf-8", newline="") as f:
        for rec in csv.DictReader(f):
            a, b = ids.get(int(rec["row"])), ids.get(int(rec["original_row"]))
            together = a is not None and b is not None
            together = together and bool(membership.get(a, set()) & membership.get(b, set()))
            tally = found.setdefault(rec["kind"], [0, 0])
            tally[0] += together
            tally[1] += 1
    got, planted = sum(t[0] for t in found.values()), sum(t[1] for t in found.values())
    result.rows.append(
        Row(
            "planted pairs found in one group (ours) / planted (peer column)",
            got,
            planted,
            "pairs",
            "all",
            got == planted,
        )
    )
    result.notes.append(
        f"{len(groups):,} groups; planted pairs found by kind: "
        + ", ".join(f"{kind} {n:,}/{total:,}" for kind, (n, total) in sorted(found.items()))
    )
    result.add_samples("ours", mine)
    result.add_samples("list --limit 50", theirs)
    return result


# ---------------------------------------------------------------- 8. sort-revenue


DOCS_BOOK = WORK / "book_1m_docs.db"
DOCUMENTS = 3_000_000


def build_docs_book(book: Path) -> None:
    """A copy of the 1M book with 3M history documents (85 % invoices, 10 % quotes, 5 %
    credit notes), written in bulk SQL: the revenue triggers are set aside while the
    documents go in, and each client's revenue is then computed once, as they would have.
    """
    from newbi_clients.schema import REVENUE_SQL

    copy_book(book, DOCS_BOOK)
    conn = sqlite3.connect(DOCS_BOOK)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        (max_id,) = conn.execute("SELECT max(id) FROM clients").fetchone()
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'documents'"
        ).fetchall()
        with conn:
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            conn.execute(
                f"""
                WITH RECURSIVE n(i) AS
                    (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {DOCUMENTS})
                INSERT INTO documents (client_id, type, number, date, due_date, amount_ht,
                                       amount_ttc, currency, status, created_at)
                SELECT 1 + abs(random()) % {max_id},
                       CASE WHEN i % 20 = 0 THEN 'credit_note' WHEN i % 10 = 1 THEN 'quote'
                            ELSE 'invoice' END,
                       'D-' || i, date('2024-01-01', '+' || (abs(random()) % 1000) || ' days'),
                       NULL, amt, amt * 6 / 5, 'EUR',
                       CASE abs(random()) % 5 WHEN 0 THEN 'draft' WHEN 1 THEN 'paid'
                            WHEN 2 THEN 'partially_paid' ELSE 'sent' END,
                       '2026-01-01T00:00:00+00:00'
                FROM (SELECT i, 1000 + abs(random()) % 500000 AS amt FROM n)
                """
            )
            conn.execute(
                f"UPDATE clients SET revenue_cents = {REVENUE_SQL.format(id='clients.id')}"
            )
            for _, sql in triggers:
                conn.execute(sql)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def bench_sort_revenue(ctx: Context) -> Result:
    """`list --sort revenue --limit 20` vs `list --sort name --limit 20` on 1M clients with
    3M documents (target ≤ 3×)."""
    result = Result("sort-revenue", "`list --sort revenue --limit 20` on 1M clients, 3M documents")
    if not available(ctx, "history"):
        result.status = "not available"
        result.notes.append("`newbi-clients history --help` fails: no such command yet")
        return result
    book = ctx.ensure_book()
    if not DOCS_BOOK.exists():
        log(f"  making {DOCS_BOOK.name}: {DOCUMENTS:,} documents on a copy of {book.name} …")
        with ticking("documents"):
            build_docs_book(book)
    rounds = result.rounds = ctx.n("sort-revenue")
    db = [ctx.newbi, "--db", DOCS_BOOK, "list", "--limit", "20"]
    ours_cmd, peer_cmd = [*db, "--sort", "revenue"], [*db, "--sort", "name"]
    result.commands = {"ours": shell_line(ours_cmd), "peer": shell_line(peer_cmd)}
    out = ctx.scratch / "revenue.txt"
    ctx.run([*ours_cmd, "--format", "json"], stdout=out)  # warm-up, and a check of the order
    top = json.loads(out.read_text(encoding="utf-8"))
    conn = sqlite3.connect(DOCS_BOOK)
    best = [r[0] for r in conn.execute(
        "SELECT id FROM clients WHERE archived_at IS NULL AND merged_into IS NULL"
        " ORDER BY revenue_cents DESC, sort_name, id LIMIT 20"
    )]  # fmt: skip
    (documents,) = conn.execute("SELECT count(*) FROM documents").fetchone()
    conn.close()
    samples = interleave(
        rounds, {"ours": lambda r: ctx.run(ours_cmd), "name": lambda r: ctx.run(peer_cmd)}
    )
    mine, theirs = seconds(samples["ours"]), seconds(samples["name"])
    result.ratio_row(
        "`list --sort revenue --limit 20` vs `list --sort name --limit 20`",
        median(mine), median(theirs), 3.0,
    )  # fmt: skip
    same = [c["id"] for c in top] == best
    result.notes.append(
        "the 20 clients listed are the 20 largest revenues, in order: " + ("yes" if same else "NO")
    )
    result.notes.append(f"{documents:,} documents in the book")
    result.add_samples("ours", mine)
    result.add_samples("list --sort name", theirs)
    return result


# ---------------------------------------------------------------- 9. import-merge

MERGE_BOOK_ROWS = 40_000  # clients of the book (the first rows of import_100k.csv)
MERGE_ROWS = 20_000  # rows of the file, each a duplicate of one of them
LOCK_LABEL = "verrou d'écriture tenu (de BEGIN à COMMIT)"


def merge_files(book_csv: Path, dup_csv: Path) -> None:
    """The book's rows without phone, segment, tags and payment method; the file's rows, the
    first of them again with those values, a note each, a city changed in a quarter of them
    (a conflict kept as a note) and a tag added in a third."""
    with IMPORT_CSV.open(newline="", encoding="utf-8") as src:
        reader = csv.reader(src)
        header = next(reader)
        rows = [next(reader) for _ in range(MERGE_BOOK_ROWS)]
    col = {name: i for i, name in enumerate(header)}
    blank = {col[c] for c in ("Téléphone", "Segment", "Tags", "Mode de paiement")}
    with book_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if i in blank else cell for i, cell in enumerate(row)])
    with dup_csv.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for i, original in enumerate(rows[:MERGE_ROWS]):
            row = list(original)
            row[col["Notes"]] = f"Relancé pour la campagne {i % 7}"
            if i % 4 == 0:
                row[col["Ville"]] += " Cedex"
            if i % 3 == 0:
                row[col["Tags"]] = ", ".join(filter(None, (row[col["Tags"]], "Salon 2026")))
            writer.writerow(row)


def bench_import_merge(ctx: Context) -> Result:
    need(IMPORT_CSV)
    result = Result(
        "import-merge",
        f"import of {MERGE_ROWS:,} rows merged into the {MERGE_ROWS:,} clients they duplicate"
        f" (book of {MERGE_BOOK_ROWS:,}): how long the write lock is held",
    )
    rounds = result.rounds = ctx.n("import-merge")
    book_csv, dup_csv = ctx.scratch / "merge_book.csv", ctx.scratch / "merge_rows.csv"
    book, copy = ctx.scratch / "merge_book.db", ctx.scratch / "merge_copy.db"
    merge_files(book_csv, dup_csv)
    log(f"  building the {MERGE_BOOK_ROWS:,}-client book")
    remove_db(book)
    ctx.run([ctx.newbi, "--db", book, "import", book_csv, "--yes"])
    checkpoint(book)
    # --debug prints the phases, among them the time the write lock was held
    cmd = [ctx.newbi, "--db", copy, "--debug", "import", dup_csv, "--yes", "--on-duplicate",
           "merge"]  # fmt: skip
    result.commands = {"ours": f"cp {book.name} {copy.name} && {shell_line(cmd)}"}
    merged: list[int] = []

    def once(r: int) -> Sample:
        copy_book(book, copy)
        sample = ctx.run(cmd, sample_tree=True)
        if r == 0:
            conn = sqlite3.connect(copy)
            sql = "SELECT count(*) FROM audit WHERE action = 'import_merge'"
            merged.append(conn.execute(sql).fetchone()[0])
            conn.close()
        remove_db(copy)
        return sample

    samples = interleave(rounds, {"merge": once})["merge"]
    locks = [s.phases[LOCK_LABEL] for s in samples if s.phases and LOCK_LABEL in s.phases]
    totals = seconds(samples)
    result.limit_row(f"write lock held, {MERGE_ROWS:,} merges", median(locks), 3.0, "s")
    result.limit_row(f"whole import, {MERGE_ROWS:,} merges", median(totals), None, "s")
    memory_rows(result, "import with merges", samples, None, 300)
    result.notes.append(
        f"merges recorded in the audit log after the first round: {merged[0]:,};"
        " the copy of the book (cp + fsync) is not timed"
    )
    result.add_samples("write lock", locks)
    result.add_samples("whole import", totals)
    phase_table(result, {"merge": samples})
    return result


# ---------------------------------------------------------------- CLI

SCENARIOS: dict[str, tuple[Callable[[Context], Result], str]] = {
    "import-csv": (bench_import_csv, "import 100k CSV rows vs sqlite-utils insert"),
    "import-xlsx": (bench_import_xlsx, "import 100k XLSX rows vs an openpyxl read"),
    "commands": (bench_commands, "search, list, show, --help on 1M vs khard --help"),
    "search-inprocess": (bench_search_inprocess, "in-process searches on 1M vs FTS5 floor"),
    "export": (bench_export, "export 1M clients vs sqlite-utils rows --csv"),
    "import-csv-1m": (bench_import_csv_1m, "import 100k CSV rows into 1M vs into empty"),
    "duplicates": (bench_duplicates, "duplicates on 1M (1 %% planted) vs list --limit 50"),
    "sort-revenue": (
        bench_sort_revenue,
        "list --sort revenue vs --sort name, 1M clients, 3M documents",
    ),
    "import-merge": (bench_import_merge, "write lock held by an import merging 20,000 rows"),
}


def _version(cmd: Sequence[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except OSError as exc:
        return f"unavailable ({exc})"
    return (done.stdout or done.stderr).strip().splitlines()[-1] if done.returncode == 0 else "?"


def source_state() -> dict[str, Any]:
    """The time, the commit and whether src/ differs from it (read-only git queries)."""
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, check=False
    )
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit.stdout.strip(),
        "src_modified": bool(dirty.stdout.strip()),
    }


def metadata(ctx: Context, names: Sequence[str]) -> dict[str, Any]:
    meta = {
        **source_state(),
        "scenarios_run": list(names),
        "rounds": ctx.rounds,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "newbi-clients": _version([ctx.newbi, "--version"]),
        "sqlite-utils": _version([ctx.sqlite_utils, "--version"]),
    }
    if "commands" in names:
        meta["khard"] = _version([ctx.khard, "--version"])
    return meta


def main(argv: Sequence[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--rounds",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="rounds for every scenario (default: 3 to 5 for slow scenarios, 9 for commands)",
    )
    common.add_argument(
        "--rebuild",
        action="store_true",
        default=argparse.SUPPRESS,
        help="build the 1M-client book again",
    )
    common.add_argument(
        "--queries",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="queries of each kind for search-inprocess (default 50)",
    )
    common.add_argument(
        "--timeout",
        type=float,
        default=argparse.SUPPRESS,
        metavar="S",
        help="kill a command running longer than S seconds (default 1800)",
    )
    common.add_argument(
        "--profile-phases",
        action="store_true",
        default=argparse.SUPPRESS,
        help="run our imports with --debug and show the median time of each import phase",
    )
    choices = ["all", *SCENARIOS]
    summaries = "; ".join(f"{name}: {s.replace('%%', '%')}" for name, (_, s) in SCENARIOS.items())
    parser = argparse.ArgumentParser(
        description="Benchmarks of newbi-clients against peers measured in the same run.",
        parents=[common],
        epilog=f"Scenarios — all: every scenario, in this order; {summaries}. Results:"
        " Markdown tables on stdout, JSON in benchmarks/work/results.json.",
    )
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO", help=", ".join(choices))
    args = parser.parse_intermixed_args(argv)
    unknown = [name for name in args.scenarios if name not in choices]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; choose from {', '.join(choices)}")
    rounds = getattr(args, "rounds", None)
    if rounds is not None and rounds < 1:
        parser.error("--rounds must be at least 1")
    names = list(SCENARIOS) if "all" in args.scenarios else list(dict.fromkeys(args.scenarios))
    WORK.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=WORK))
    ctx = Context(
        rounds=rounds,
        rebuild=getattr(args, "rebuild", False),
        timeout=getattr(args, "timeout", 1800.0),
        queries=getattr(args, "queries", 50),
        scratch=scratch,
        profile_phases=getattr(args, "profile_phases", False),
    )
    results: list[Result] = []
    try:
        if "commands" in names:
            ctx.khard  # noqa: B018 -- installs khard before the bytecode cache is filled
        warm_bytecode(ctx)
        meta = metadata(ctx, names)
        for name in names:
            log(f"== {name}")
            bench, _ = SCENARIOS[name]
            start = time.perf_counter()
            state = source_state()
            try:
                result = bench(ctx)
            except CommandFailed as exc:
                result = Result(name, "failed", status="failed")
                result.notes.append(f"command: `{shell_line(exc.cmd)}`")
                result.notes.append(
                    "exit status: "
                    + ("timed out" if exc.returncode is None else str(exc.returncode))
                )
                result.notes.append("stderr (end):\n\n```\n" + exc.stderr.strip() + "\n```")
            log(f"   {name}: {time.perf_counter() - start:.0f} s")
            result.source = state
            results.append(result)
            print(markdown(result), flush=True)
            save(results, meta)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    failed = [r.name for r in results if r.status == "failed" or any(x.ok is False for x in r.rows)]
    if failed:
        log(f"targets missed or commands failed: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
