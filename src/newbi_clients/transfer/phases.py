"""Where an import spends its time: wall time of each phase, shown by ``import --debug``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# French labels of the phases, in the order of the pipeline
LABELS = {
    "open": "ouverture et en-têtes",
    "read": "lecture des lignes",
    "validate": "validation, processus {n}",
    "wait": "attente des processus de validation",
    "stage": "mise en table de travail",
    "classify": "doublons (aperçu)",
    "prepare_merge": "fusions calculées avant le verrou",
    "reclassify": "doublons (dans la transaction)",
    "insert": "insertion des clients",
    "index": "index des clients",
    "fts": "index de recherche (FTS)",
    "extras": "étiquettes, notes et journal",
    "merge": "fusion des doublons",
    "commit": "validation de la transaction (commit)",
    "lock": "verrou d'écriture tenu (de BEGIN à COMMIT)",
}


class PhaseTimes:
    """Seconds spent in each phase; worker phases are kept per worker process."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.workers: dict[int, float] = {}

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Time a block of the main process."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)

    def add(self, name: str, seconds: float) -> None:
        """Add time to a phase of the main process."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def add_worker(self, pid: int, seconds: float) -> None:
        """Add validation time of one worker process (or of the main process)."""
        self.workers[pid] = self.workers.get(pid, 0.0) + seconds

    def rows(self) -> list[tuple[str, float]]:
        """(French label, seconds) for every phase that ran, in pipeline order."""
        out: list[tuple[str, float]] = []
        for name, label in LABELS.items():
            if name == "validate":
                for n, pid in enumerate(sorted(self.workers), 1):
                    out.append((label.format(n=n), self.workers[pid]))
            elif name in self.seconds:
                out.append((label, self.seconds[name]))
        return out
