"""Thread backends: a ``ThreadPoolExecutor`` over tasks, and numba's ``prange`` threads.

Threads share one interpreter, so pure-Python tasks take turns holding the GIL and run no
faster on two threads than on one. numba kernels compiled with ``nogil=True`` release the GIL
for their whole run, so tasks on different threads really run at the same time; numpy
releases it inside large array operations only, so it gains a little.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from hpcpar.backends.workload import BackendRun, Workload


def run_thread_pool(workload: Workload, kernel: str, workers: int) -> BackendRun:
    """``ThreadPoolExecutor(workers).map`` over the tasks; results in task order."""
    func = workload.task_function(kernel)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        values = list(pool.map(func, workload.tasks))
    result = workload.combine(values)
    return BackendRun("threads", kernel, workers, time.perf_counter() - t0, result,
                      workload.work(values))


def numba_threads_available() -> int:
    """The most threads numba may use in this process (``NUMBA_NUM_THREADS``)."""
    import numba

    return int(numba.config.NUMBA_NUM_THREADS)


def run_numba_prange(workload: Workload, kernel: str, workers: int) -> BackendRun:
    """Tasks one after another, each spread over ``workers`` numba threads by ``prange``
    (``kernel`` must be a ``parallel=True`` kernel such as ``"numba-prange"``)."""
    import numba

    if workers > numba_threads_available():
        raise ValueError(f"{workers} numba threads requested, NUMBA_NUM_THREADS = "
                         f"{numba_threads_available()}")
    func = workload.task_function(kernel)
    previous = numba.get_num_threads()
    numba.set_num_threads(workers)
    try:
        t0 = time.perf_counter()
        values = [func(task) for task in workload.tasks]
        result = workload.combine(values)
        seconds = time.perf_counter() - t0
    finally:
        numba.set_num_threads(previous)
    return BackendRun("numba-prange", kernel, workers, seconds, result, workload.work(values))
