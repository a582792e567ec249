"""Named wall-clock regions timed with ``MPI.Wtime`` and reduced over ranks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from mpi4py import MPI


@dataclass(frozen=True)
class RegionStats:
    """Seconds spent in one region, over the ranks of a communicator."""

    min: float
    mean: float
    median: float
    max: float
    per_rank: tuple[float, ...]

    def as_dict(self) -> dict[str, float | list[float]]:
        return {"min": self.min, "mean": self.mean, "median": self.median, "max": self.max,
                "per_rank": list(self.per_rank)}


class Timers:
    """Accumulates wall-clock seconds per named region on one rank.

    >>> timers = Timers()
    >>> with timers.region("update"):
    ...     pass
    """

    def __init__(self) -> None:
        self._seconds: dict[str, float] = {}
        self._calls: dict[str, int] = {}

    @contextmanager
    def region(self, name: str) -> Iterator[None]:
        """Time the body of a ``with`` block and add it to ``name``."""
        t0 = MPI.Wtime()
        try:
            yield
        finally:
            self.add(name, MPI.Wtime() - t0)

    def add(self, name: str, seconds: float, calls: int = 1) -> None:
        """Add ``seconds`` measured elsewhere to region ``name``."""
        self._seconds[name] = self._seconds.get(name, 0.0) + seconds
        self._calls[name] = self._calls.get(name, 0) + calls

    def seconds(self, name: str) -> float:
        """This rank's total for ``name`` (0 if never entered)."""
        return self._seconds.get(name, 0.0)

    def calls(self, name: str) -> int:
        """How often region ``name`` was entered on this rank."""
        return self._calls.get(name, 0)

    def reduce(self, comm: MPI.Comm) -> dict[str, RegionStats]:
        """Collective: min/mean/median/max of every region over the ranks of ``comm``.

        A region some ranks never entered counts as 0 s on those ranks.
        """
        everyone = comm.allgather(self._seconds)
        names = sorted({name for table in everyone for name in table})
        stats = {}
        for name in names:
            per_rank = np.array([table.get(name, 0.0) for table in everyone])
            stats[name] = RegionStats(float(per_rank.min()), float(per_rank.mean()),
                                      float(np.median(per_rank)), float(per_rank.max()),
                                      tuple(float(s) for s in per_rank))
        return stats
