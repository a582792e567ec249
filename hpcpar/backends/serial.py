"""The serial backend: every task in turn, in this thread."""

from __future__ import annotations

import time

from hpcpar.backends.workload import BackendRun, Workload


def run_serial(workload: Workload, kernel: str, workers: int = 1) -> BackendRun:
    """Run every task of ``workload`` with ``kernel`` in this thread (``workers`` must be 1)."""
    if workers != 1:
        raise ValueError("the serial backend has exactly one worker")
    func = workload.task_function(kernel)
    t0 = time.perf_counter()
    values = [func(task) for task in workload.tasks]
    result = workload.combine(values)
    return BackendRun("serial", kernel, 1, time.perf_counter() - t0, result,
                      workload.work(values))
