"""The random-walk study as an SPMD program: tasks farmed over the ranks, statistics, fit,
HDF5 and PNG output on rank 0."""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from hpcpar.jit import compile_once
from hpcpar.randomwalk.analysis import crossing_stats, fit_power_law
from hpcpar.randomwalk.config import RandomWalkConfig
from hpcpar.randomwalk.kernels import warmup
from hpcpar.randomwalk.tasks import make_tasks, run_walk_task
from hpcpar.runner import Context
from hpcpar.taskfarm import run_tasks


def main(cfg: RandomWalkConfig, ctx: Context) -> dict[str, Any]:
    tasks = make_tasks(cfg.distances, cfg.walks, cfg.walks_per_task)
    compile_once(ctx.comm, partial(warmup, cfg.kernel))
    # most expensive first: the dynamic farm's last tasks are then short (smaller tail)
    order = sorted(range(len(tasks)), key=lambda i: (-tasks[i].cost, i))
    func = partial(run_walk_task, kernel=cfg.kernel, seed=cfg.seed, fail_task=cfg.fail_task)
    ctx.log.info("%d tasks (%d distances x %d walks, %d walks per task), kernel %s, "
                 "scheduler %s on %d ranks", len(tasks), len(cfg.distances), cfg.walks,
                 cfg.walks_per_task, cfg.kernel, cfg.scheduler, ctx.size)
    ctx.comm.Barrier()
    with ctx.timers.region("compute"):
        farm = run_tasks(ctx.comm, func, tasks, cfg.scheduler, order=order)
    summary: dict[str, Any] = {}
    stats = fit = None
    if ctx.rank == 0:
        stats = crossing_stats(cfg.distances, [t.index for t in tasks], farm.results)
        fit = fit_power_law(stats.distances, stats.mean, stats.stderr)
        _log_results(ctx, stats, fit, farm)
        summary = {"fit_prefactor": fit.prefactor, "fit_exponent": fit.exponent,
                   "busy_time": farm.busy.tolist(), "tasks_per_rank": farm.ntasks.tolist(),
                   "imbalance": farm.imbalance, "scheduler": cfg.scheduler}
    with ctx.timers.region("io"), ctx.result_file(cfg.output) as out:
        root = ctx.rank == 0
        out.write_scale("distance", stats.distances if root else None, units="step length")
        out.write("mean_steps", stats.mean if root else None, units="steps", dims=("distance",),
                  description="mean number of steps to first reach |y| >= Y")
        out.write("stderr_steps", stats.stderr if root else None, units="steps",
                  dims=("distance",), description="standard error of mean_steps")
        out.write("diffusion_estimate", stats.diffusion if root else None, units="steps",
                  dims=("distance",), description="3 Y^2 (step variance 1/3)")
        out.write("walks", stats.walks if root else None, dims=("distance",))
        out.write("longest_walk", stats.longest if root else None, units="steps",
                  dims=("distance",))
        out.write("task_total_steps", np.array([r[1] for r in farm.results], dtype=np.int64)
                  if root else None, units="steps", description="sum of steps per task id")
        out.write_scale("rank", np.arange(ctx.size))
        out.write("busy_time", farm.busy, units="s", dims=("rank",),
                  description="seconds each rank spent inside tasks")
        out.write("tasks_per_rank", farm.ntasks, dims=("rank",))
        out.set_attrs(**({"fit_prefactor": fit.prefactor, "fit_prefactor_err": fit.prefactor_err,
                          "fit_exponent": fit.exponent, "fit_exponent_err": fit.exponent_err,
                          "fit_chi2_per_dof": fit.chi2_per_dof, "scheduler": cfg.scheduler,
                          "kernel": cfg.kernel, "imbalance": farm.imbalance} if root else {}))
    if ctx.rank == 0 and cfg.plot is not None:
        from hpcpar.randomwalk.plot import plot_crossing

        with ctx.timers.region("io"):
            plot_crossing(cfg.plot, stats, fit)
        ctx.log.info("wrote %s and %s", cfg.output, cfg.plot)
    elif ctx.rank == 0:
        ctx.log.info("wrote %s", cfg.output)
    return summary


def _log_results(ctx: Context, stats, fit, farm) -> None:
    lines = ["     Y      T(Y)     s.e.   T/3Y^2"]
    for y, t, e, d in zip(stats.distances, stats.mean, stats.stderr, stats.diffusion,
                          strict=True):
        lines.append(f"{y:6g} {t:9.1f} {e:8.1f} {t / d:8.4f}")
    ctx.log.info("first-crossing times:\n%s", "\n".join(lines))
    ctx.log.info("fit T(Y) = a Y^b: a = %.4f +- %.4f, b = %.4f +- %.4f (chi2/dof %.2f); "
                 "diffusion: a = 3, b = 2", fit.prefactor, fit.prefactor_err, fit.exponent,
                 fit.exponent_err, fit.chi2_per_dof)
    busy = ", ".join(f"{b:.3f}" for b in farm.busy)
    ctx.log.info("%s scheduler: busy seconds per rank [%s], tasks per rank %s, "
                 "imbalance max/mean %.2f", farm.scheduler, busy, farm.ntasks.tolist(),
                 farm.imbalance)
