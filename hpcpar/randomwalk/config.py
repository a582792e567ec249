"""Input deck of the random-walk first-crossing study."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from hpcpar.config import ConfigError, param
from hpcpar.randomwalk.kernels import KERNELS, WALKER_BITS
from hpcpar.taskfarm import SCHEDULERS


@dataclass(frozen=True)
class RandomWalkConfig:
    distances: tuple[float, ...] = param(
        (10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0, 130.0,
         140.0, 150.0),
        "distances Y to first reach (|y| >= Y), increasing", units="step length",
        above=0.0, maximum=1.0e4)
    walks: int = param(2000, "walks per distance", minimum=2, maximum=1 << WALKER_BITS)
    walks_per_task: int = param(250, "walks per task (the unit the schedulers hand out)",
                                minimum=1)
    seed: int = param(20261122, "random seed (with the walk's index it fixes every walk)",
                      minimum=0, maximum=2**63 - 1)
    kernel: str = param("numba", "walk kernel", choices=KERNELS)
    scheduler: str = param("dynamic", "how tasks are spread over the ranks",
                           choices=SCHEDULERS)
    output: str = param("outputs/randomwalk.h5", "HDF5 result file")
    plot: str | None = param("outputs/randomwalk.png", "PNG plot of T(Y) with the fit "
                             "(none: no plot)")
    fail_task: int | None = param(None, "for testing failure handling: this task id raises",
                                  minimum=0)

    def validate(self, nranks: int) -> None:
        ds = self.distances
        if not ds:
            raise ConfigError("field 'distances' = []: expected at least one distance")
        if any(b <= a for a, b in zip(ds, ds[1:], strict=False)):
            raise ConfigError(f"field 'distances' = {list(ds)}: expected strictly increasing "
                              "values")
        if len(ds) < 2:
            raise ConfigError(f"field 'distances' = {list(ds)}: expected at least two distances "
                              "for the fit of T(Y) = a Y^b")
        if self.walks_per_task > self.walks:
            raise ConfigError(f"field 'walks_per_task' = {self.walks_per_task}: expected at "
                              f"most walks = {self.walks}")
        if self.fail_task is not None and self.fail_task >= self.ntasks:
            raise ConfigError(f"field 'fail_task' = {self.fail_task}: expected a task id "
                              f"below {self.ntasks}")
        if self.plot is not None and importlib.util.find_spec("matplotlib") is None:
            raise ConfigError(f"field 'plot' = {self.plot!r}: matplotlib is not installed; "
                              "expected plot = \"none\" or `pip install hpcpar[plot]`")
        for name in ("output", "plot"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise ConfigError(f"field '{name}' = {value!r}: expected a file name")

    @property
    def tasks_per_distance(self) -> int:
        return -(-self.walks // self.walks_per_task)

    @property
    def ntasks(self) -> int:
        return len(self.distances) * self.tasks_per_distance
