"""The workloads the comparison can run, sized per kernel (pure Python, numpy and numba differ
by factors of 10 to 300 in speed, so each gets a workload that takes it about a second);
speedups are then ratios of rates (work units per second)."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from hpcpar.backends.workload import Workload

WORKLOADS = ("randomwalk",)

# kernels per workload: serial ones, and the one that runs on numba's prange threads
SERIAL_KERNELS = {"randomwalk": ("python", "numpy", "numba")}
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


def make_workloads(cfg: Any) -> dict[str, Workload]:
    """One workload of ``cfg.workload`` per serial kernel, sized for that kernel."""
    if cfg.workload == "randomwalk":
        walks = {"python": cfg.rw_python_walks, "numpy": cfg.rw_numpy_walks,
                 "numba": cfg.rw_walks}
        return {kernel: randomwalk_workload(cfg.rw_distances, n, cfg.rw_tasks_per_distance,
                                            cfg.seed, f"randomwalk ({n} walks per Y)")
                for kernel, n in walks.items()}
    raise ValueError(f"unknown workload {cfg.workload!r}")
