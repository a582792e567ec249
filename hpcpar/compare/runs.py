"""The comparison itself: every backend x kernel x worker count, timed, results checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from logging import Logger

import numpy as np

from hpcpar.backends.processes import PROCESS_BACKENDS, process_overheads, run_process_pool
from hpcpar.backends.serial import run_serial
from hpcpar.backends.threads import numba_threads_available, run_numba_prange, run_thread_pool
from hpcpar.backends.workload import BackendRun, Workload
from hpcpar.compare.workloads import PRANGE_KERNEL, SERIAL_KERNELS, base_kernel


@dataclass(frozen=True)
class Case:
    """One row of the comparison: run ``backend`` with ``kernel`` on ``workers`` workers."""

    backend: str
    kernel: str
    workers: int


def plan_cases(workload: str, backends: tuple[str, ...], workers: tuple[int, ...],
               log: Logger | None = None) -> list[Case]:
    """The rows to run, serial ones first."""
    serial = SERIAL_KERNELS[workload]
    cases = [Case("serial", kernel, 1) for kernel in serial]
    counts = sorted(workers)
    if "threads" in backends:
        cases += [Case("threads", k, w) for k in serial for w in counts]
    prange = PRANGE_KERNEL.get(workload)
    if "numba-prange" in backends and prange:
        available = numba_threads_available()
        usable = [w for w in counts if w <= available]
        if log and len(usable) < len(counts):
            log.warning("numba-prange: NUMBA_NUM_THREADS = %d, skipping %s workers", available,
                        [w for w in counts if w > available])
        cases += [Case("numba-prange", prange, w) for w in usable]
    process_kernels = [k for k in serial if k != "numpy"]
    for backend in PROCESS_BACKENDS:
        if backend in backends:
            cases += [Case(backend, k, w) for k in process_kernels for w in counts]
    return cases


def run_case(case: Case, workloads: dict[str, Workload], chunksize: int,
             start_method: str) -> BackendRun:
    """Run one case once on the workload sized for its kernel."""
    workload = workloads[base_kernel(case.kernel)]
    if case.backend == "serial":
        return run_serial(workload, case.kernel)
    if case.backend == "threads":
        return run_thread_pool(workload, case.kernel, case.workers)
    if case.backend == "numba-prange":
        return run_numba_prange(workload, case.kernel, case.workers)
    return run_process_pool(workload, case.kernel, case.workers, case.backend, chunksize,
                            start_method)


def run_comparison(cases: list[Case], workloads: dict[str, Workload], *, repeat: int,
                   chunksize: int, start_method: str,
                   progress: Callable[[BackendRun], None] | None = None) -> list[BackendRun]:
    """Best of ``repeat`` runs of every case, in ``repeat`` rounds over all cases (so a burst
    of load from other programs spoils one round of a case rather than all its runs). Raises
    if any result differs from the serial numba run of the same workload: results must be
    identical whichever backend, kernel and worker count ran them."""
    workloads["numba"].warmup("numba")
    reference = {name: run_serial(w, "numba").result for name, w in workloads.items()}
    best: list[BackendRun | None] = [None] * len(cases)
    for round_ in range(repeat):
        for i, case in enumerate(cases):
            name = base_kernel(case.kernel)
            run = run_case(case, workloads, chunksize, start_method)
            if not np.array_equal(run.result, reference[name]):
                raise RuntimeError(f"{case.backend} with kernel {case.kernel} on {case.workers} "
                                   f"workers gave a different result on {workloads[name].name}")
            if best[i] is None or run.seconds < best[i].seconds:
                best[i] = run
            if progress and round_ == repeat - 1:
                progress(best[i])
    return best


def overheads(workload: Workload, workers: int, start_methods: tuple[str, ...]
              ) -> dict[str, dict[str, float]]:
    """Process start-up and per-task pickling round trip, per start method (numba kernel)."""
    return {method: process_overheads(workload, "numba", workers, method)
            for method in start_methods}
