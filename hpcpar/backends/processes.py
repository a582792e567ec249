"""Process backends: ``multiprocessing.Pool`` and ``concurrent.futures.ProcessPoolExecutor``.

Each worker is a separate interpreter with its own GIL, so pure-Python tasks do run in
parallel, at two costs the timings include: starting the workers (a ``spawn``ed worker starts
a fresh interpreter and imports numpy and numba; ``forkserver`` forks them from a server that
has imported the workload's modules once; numba kernels are then loaded from numba's on-disk
cache in every worker) and pickling every task and result through a pipe. Tasks are handed
out in chunks (``chunksize``) to amortise the pickling; ``imap_unordered`` and
``apply_async`` let results come back in any order, so they are tagged with the task id.
"""

from __future__ import annotations

import multiprocessing
import pickle
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from hpcpar.backends.workload import BackendRun, Workload

START_METHODS = ("fork", "forkserver", "spawn")


def _context(workload: Workload, start_method: str) -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context(start_method)
    if start_method == "forkserver" and workload.preload:
        ctx.set_forkserver_preload(list(workload.preload))
    return ctx


def _indexed(func: Callable[[Any], Any], item: tuple[int, Any]) -> tuple[int, Any]:
    task_id, task = item
    return task_id, func(task)


def _run(backend: str, workload: Workload, kernel: str, workers: int, chunksize: int,
         start_method: str) -> tuple[list[Any], float]:
    func = workload.task_function(kernel)
    ctx = _context(workload, start_method)
    init = partial(workload.warmup, kernel)
    tasks = workload.tasks
    t0 = time.perf_counter()
    if backend == "process-futures":
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=init) as pool:
            values = list(pool.map(func, tasks, chunksize=chunksize))
        return values, time.perf_counter() - t0
    with ctx.Pool(workers, initializer=init) as pool:
        if backend == "pool-map":
            values = pool.map(func, tasks, chunksize=chunksize)
        elif backend == "pool-imap_unordered":
            values = [None] * len(tasks)
            for task_id, value in pool.imap_unordered(partial(_indexed, func),
                                                      enumerate(tasks), chunksize=chunksize):
                values[task_id] = value
        elif backend == "pool-apply_async":
            pending = [pool.apply_async(func, (task,)) for task in tasks]
            values = [p.get() for p in pending]
        else:
            raise ValueError(f"unknown process backend {backend!r}")
    return values, time.perf_counter() - t0


PROCESS_BACKENDS = ("pool-map", "pool-imap_unordered", "pool-apply_async", "process-futures")


def run_process_pool(workload: Workload, kernel: str, workers: int, backend: str = "pool-map",
                     chunksize: int = 1, start_method: str = "forkserver") -> BackendRun:
    """Run the tasks on a fresh pool of ``workers`` processes (start-up included in the time).

    ``backend``: one of :data:`PROCESS_BACKENDS`. ``apply_async`` submits one task at a time
    (no chunking).
    """
    values, seconds = _run(backend, workload, kernel, workers, chunksize, start_method)
    t0 = time.perf_counter()
    result = workload.combine(values)
    seconds += time.perf_counter() - t0
    note = f"{start_method}" + (f", chunksize {chunksize}" if backend != "pool-apply_async"
                                else "")
    return BackendRun(backend, kernel, workers, seconds, result, workload.work(values), note)


def _noop(x: Any) -> Any:
    return x


def process_overheads(workload: Workload, kernel: str, workers: int, start_method: str,
                      rounds: int = 200) -> dict[str, float]:
    """What process parallelism costs before any work is done.

    Returns ``startup_s`` (create a pool of ``workers`` and get ``workers`` trivial results
    back, warm-up of ``kernel`` included), ``roundtrip_us`` (one task and its result through
    a warm pool, chunksize 1) and the pickled sizes of a task and of its function.
    """
    ctx = _context(workload, start_method)
    t0 = time.perf_counter()
    with ctx.Pool(workers, initializer=partial(workload.warmup, kernel)) as pool:
        pool.map(_noop, range(workers), chunksize=1)
        startup = time.perf_counter() - t0
        task = workload.tasks[-1]
        t0 = time.perf_counter()
        pool.map(_noop, [task] * rounds, chunksize=1)
        roundtrip = (time.perf_counter() - t0) / rounds
    return {"startup_s": startup, "roundtrip_us": roundtrip * 1e6,
            "task_bytes": float(len(pickle.dumps(task))),
            "function_bytes": float(len(pickle.dumps(workload.task_function(kernel))))}
