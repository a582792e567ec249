"""The workloads the comparison can run, sized per kernel (pure Python, numpy and numba differ
by factors of 10 to 300 in speed, so each gets a workload that takes it about a second);
speedups are then ratios of rates (work units per second)."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from hpcpar.backends.workload import Workload

WORKLOADS = ("randomwalk", "pi")

# kernels per workload: serial ones, and the one that runs on numba's prange threads
SERIAL_KERNELS = {"randomwalk": ("python", "numpy", "numba"), "pi": ("python", "numpy", "numba")}
PRANGE_KERNEL = {"randomwalk": "numba-prange"}


def base_kernel(kernel: str) -> str:
    """The serial kernel a kernel is a variant of (``numba-prange`` -> ``numba``)."""
    return kernel.split("-")[0]


# -- random walk ------------------------------------------------------------------------------
def _walk_function(kernel: str, seed: int) -> Any:
    from hpcpar.randomwalk.tasks import run_walk_task

    return partial(run_walk_task, kernel=kernel, seed=seed)


def _walk_combine(values: list[tuple[int, int, int, int]]) -> np.ndarray:
    """Per task: walks, total steps, longest walk (int64, shape (ntasks, 3))."""
    return np.array([(v[0], v[1], v[3]) for v in values], dtype=np.int64).reshape(-1, 3)


def _walk_work(values: list[tuple[int, int, int, int]]) -> float:
    return float(sum(v[1] for v in values))


def _walk_warmup(kernel: str) -> None:
    from hpcpar.randomwalk.kernels import warmup

    warmup(kernel)


def randomwalk_workload(distances: tuple[float, ...], walks: int, tasks_per_distance: int,
                        seed: int, label: str = "randomwalk") -> Workload:
    """``walks`` walks per distance in ``tasks_per_distance`` tasks each (sizes differ by at
    most one walk)."""
    from hpcpar.randomwalk.tasks import WalkTask

    tasks = []
    for index, distance in enumerate(distances):
        first = 0
        for part in range(tasks_per_distance):
            n = walks // tasks_per_distance + (1 if part < walks % tasks_per_distance else 0)
            if n:
                tasks.append(WalkTask(len(tasks), index, float(distance), first, n))
            first += n
    return Workload(label, tasks, partial(_walk_function, seed=seed), _walk_combine,
                    _walk_work, "steps", _walk_warmup,
                    preload=("numpy", "numba", "hpcpar.randomwalk.tasks"))


# -- π by Monte Carlo (kernels from hpcpar.pi.kernels) -----------------------------------------
def _pi_task(chunks: tuple[int, int], kernel: str, seed: int, nsamples: int) -> np.ndarray:
    from hpcpar.pi.kernels import montecarlo_hits

    return montecarlo_hits(kernel, seed, nsamples, *chunks)


def _pi_function(kernel: str, seed: int, nsamples: int) -> Any:
    return partial(_pi_task, kernel=kernel, seed=seed, nsamples=nsamples)


def _pi_combine(values: list[np.ndarray]) -> np.ndarray:
    """Hits per chunk, int64, shape (nchunks,)."""
    return np.concatenate(values).astype(np.int64)


def _pi_warmup(kernel: str) -> None:
    if kernel.startswith("numba"):
        from hpcpar.pi.kernels import warmup

        warmup()


def pi_workload(nsamples: int, chunks_per_task: int, seed: int, label: str = "pi") -> Workload:
    """Monte Carlo π: ``nsamples`` samples in chunks of ``hpcpar.pi.kernels.CHUNK_SIZE``,
    ``chunks_per_task`` chunks per task."""
    from hpcpar.pi.kernels import nchunks

    total = nchunks(nsamples)
    tasks = [(first, min(first + chunks_per_task, total))
             for first in range(0, total, chunks_per_task)]
    return Workload(label, tasks, partial(_pi_function, seed=seed, nsamples=nsamples),
                    _pi_combine, lambda values: float(nsamples), "samples", _pi_warmup,
                    preload=("numpy", "numba", "hpcpar.pi.kernels"))


def make_workloads(cfg: Any) -> dict[str, Workload]:
    """One workload of ``cfg.workload`` per serial kernel, sized for that kernel."""
    if cfg.workload == "randomwalk":
        walks = {"python": cfg.rw_python_walks, "numpy": cfg.rw_numpy_walks,
                 "numba": cfg.rw_walks}
        return {kernel: randomwalk_workload(cfg.rw_distances, n, cfg.rw_tasks_per_distance,
                                            cfg.seed, f"randomwalk ({n} walks per Y)")
                for kernel, n in walks.items()}
    if cfg.workload == "pi":
        from hpcpar.pi.kernels import CHUNK_SIZE

        chunks = {"python": cfg.pi_python_chunks, "numpy": cfg.pi_numpy_chunks,
                  "numba": cfg.pi_chunks}
        return {kernel: pi_workload(n * CHUNK_SIZE, cfg.pi_chunks_per_task, cfg.seed,
                                    f"pi ({n} x {CHUNK_SIZE} samples)")
                for kernel, n in chunks.items()}
    raise ValueError(f"unknown workload {cfg.workload!r}")
