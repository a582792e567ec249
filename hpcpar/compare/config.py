"""Input deck of the backend comparison."""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

from hpcpar.backends.processes import PROCESS_BACKENDS, START_METHODS
from hpcpar.compare.workloads import WORKLOADS
from hpcpar.config import ConfigError, param

BACKENDS = ("serial", "threads", "numba-prange", *PROCESS_BACKENDS)


@dataclass(frozen=True)
class CompareConfig:
    workload: str = param("randomwalk", "what to run", choices=WORKLOADS)
    workers: tuple[int, ...] = param((1, 2), "worker counts to try (threads or processes)",
                                     minimum=1, maximum=256)
    backends: tuple[str, ...] = param(BACKENDS, "backends to run (serial always runs)",
                                      choices=BACKENDS)
    repeat: int = param(1, "runs per case; the fastest counts", minimum=1, maximum=20)
    chunksize: int = param(2, "tasks per message for map, imap_unordered and process-futures",
                           minimum=1)
    start_method: str = param("forkserver", "how worker processes start", choices=START_METHODS)
    seed: int = param(20261122, "random seed", minimum=0, maximum=2**63 - 1)
    rw_distances: tuple[float, ...] = param((10.0, 30.0, 50.0, 70.0, 90.0, 110.0, 130.0, 150.0),
                                            "random walk: distances Y", units="step length",
                                            above=0.0, maximum=1.0e4)
    rw_walks: int = param(4000, "random walk: walks per distance for the numba kernels",
                          minimum=1)
    rw_numpy_walks: int = param(400, "random walk: walks per distance for the numpy kernel",
                                minimum=1)
    rw_python_walks: int = param(16, "random walk: walks per distance for the python kernel",
                                 minimum=1)
    rw_tasks_per_distance: int = param(8, "random walk: tasks per distance", minimum=1)
    pi_chunks: int = param(1024, "pi: chunks of 2^20 samples for the numba kernels", minimum=1)
    pi_numpy_chunks: int = param(64, "pi: chunks of 2^20 samples for the numpy kernel",
                                 minimum=1)
    pi_python_chunks: int = param(4, "pi: chunks of 2^20 samples for the python kernel",
                                  minimum=1)
    pi_chunks_per_task: int = param(1, "pi: chunks per task", minimum=1)
    output: str | None = param(None, "HDF5 table (default outputs/compare-<workload>.h5)")
    plot: str | None = param(None, "PNG bar chart (default outputs/compare-<workload>.png)")
    chart: bool = param(True, "write the PNG bar chart (--no-chart: skip it)")

    def validate(self, nranks: int) -> None:
        if nranks != 1:
            raise ConfigError(f"the comparison runs on 1 rank and starts its own workers; the "
                              f"job has {nranks} ranks (run it without mpiexec or with -n 1)")
        if self.chart and importlib.util.find_spec("matplotlib") is None:
            raise ConfigError("field 'chart' = true: matplotlib is not installed; expected "
                              "--no-chart or `pip install hpcpar[plot]`")
        fewest = min(self.rw_walks, self.rw_numpy_walks, self.rw_python_walks)
        if self.rw_tasks_per_distance > fewest:
            raise ConfigError(f"field 'rw_tasks_per_distance' = {self.rw_tasks_per_distance}: "
                              f"expected at most {fewest}, the fewest walks per distance "
                              "(rw_walks, rw_numpy_walks, rw_python_walks): every task needs "
                              "a walk")
        ds = self.rw_distances
        if any(b <= a for a, b in zip(ds, ds[1:], strict=False)):
            raise ConfigError(f"field 'rw_distances' = {list(ds)}: expected increasing values")
        if len(set(self.workers)) != len(self.workers):
            raise ConfigError(f"field 'workers' = {list(self.workers)}: expected distinct "
                              "counts")
        cores = os.cpu_count() or 1
        if max(self.workers) > 4 * cores:
            raise ConfigError(f"field 'workers' = {list(self.workers)}: expected at most "
                              f"{4 * cores} (4 x {cores} cores)")

    @property
    def output_path(self) -> str:
        return self.output or f"outputs/compare-{self.workload}.h5"

    @property
    def plot_path(self) -> str | None:
        if not self.chart:
            return None
        return self.plot or f"outputs/compare-{self.workload}.png"
