"""Collective solve: one communication pattern over the kernels, timed, then the statistics."""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from hpcpar.pi.estimate import Estimate, estimate_pi
from hpcpar.pi.patterns import PATTERNS, Problem
from hpcpar.timing import Timers


def solve(comm: MPI.Comm, problem: Problem, pattern: str, timers: Timers
          ) -> tuple[Estimate, np.ndarray] | None:
    """Collective: run ``problem`` with communication ``pattern``; the estimate and the
    per-chunk partials on rank 0 (on every rank for ``allreduce``), None elsewhere.

    Adds the kernel time to region "compute" and the rest of the pattern to "comm".
    """
    def compute(problem: Problem, first: int, stop: int) -> np.ndarray:
        with timers.region("compute"):
            return problem.partials(first, stop)

    compute_before = timers.seconds("compute")
    t0 = MPI.Wtime()
    partials = PATTERNS[pattern](comm, problem, compute)
    elapsed = MPI.Wtime() - t0
    timers.add("comm", elapsed - (timers.seconds("compute") - compute_before))
    if partials is None:
        return None
    return estimate_pi(problem.method, partials, problem.samples), partials
