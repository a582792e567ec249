"""A task-farm program on the common runner, for testing failure handling in every scheduler.

Task ``i`` sleeps ``delay`` seconds and returns ``i * i``; with ``fail_on_rank = r`` the first
task that runs on rank ``r`` raises (with ``futures``, ranks are the pool's worker ranks).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

from mpi4py import MPI

from hpcpar.config import param
from hpcpar.runner import Context, Program, run
from hpcpar.taskfarm import SCHEDULERS, run_tasks


@dataclass(frozen=True)
class FarmConfig:
    scheduler: str = param("dynamic", "scheduler", choices=SCHEDULERS)
    ntasks: int = param(20, "number of tasks", minimum=1)
    delay: float = param(0.01, "seconds per task", units="s", minimum=0.0)
    fail_on_rank: int | None = param(None, "rank whose first task raises", minimum=0)


def square(task: int, delay: float, fail_on_rank: int | None) -> int:
    time.sleep(delay)
    if MPI.COMM_WORLD.rank == fail_on_rank:
        raise ValueError(f"deliberate failure on rank {fail_on_rank}")
    return task * task


def main(cfg: FarmConfig, ctx: Context) -> dict:
    func = partial(square, delay=cfg.delay, fail_on_rank=cfg.fail_on_rank)
    farm = run_tasks(ctx.comm, func, list(range(cfg.ntasks)), cfg.scheduler)
    if ctx.rank == 0:
        print(f"farm: results {farm.results}", flush=True)
        print(f"farm: tasks per rank {farm.ntasks.tolist()}", flush=True)
    return {}


if __name__ == "__main__":
    raise SystemExit(run(Program("farm", FarmConfig, main, "task farm test program")))
