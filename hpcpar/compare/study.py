"""The comparison as a program: plan, run, tabulate, write HDF5 and the bar chart."""

from __future__ import annotations

import os
from typing import Any

from hpcpar.backends.workload import BackendRun
from hpcpar.compare.config import CompareConfig
from hpcpar.compare.report import columns, format_table, make_rows, plot_rows
from hpcpar.compare.runs import overheads, plan_cases, run_comparison
from hpcpar.compare.workloads import make_workloads
from hpcpar.runner import Context


def main(cfg: CompareConfig, ctx: Context) -> dict[str, Any]:
    workloads = make_workloads(cfg)
    cases = plan_cases(cfg.workload, cfg.backends, cfg.workers, ctx.log)
    ctx.log.info("%s: %d cases on %d cores, best of %d; workloads: %s", cfg.workload,
                 len(cases), os.cpu_count() or 1, cfg.repeat,
                 ", ".join(f"{k}: {w.name}, {len(w.tasks)} tasks" for k, w in workloads.items()))
    process_backends = [b for b in cfg.backends if b.startswith(("pool", "process"))]
    costs = {}
    with ctx.timers.region("overheads"):
        if process_backends:
            costs = overheads(workloads["numba"], max(cfg.workers),
                              ("fork", "forkserver", "spawn"))
    for method, cost in costs.items():
        ctx.log.info("%s pool of %d: start-up %.3f s, round trip %.0f us per task "
                     "(task %d bytes, function %d bytes pickled)", method, max(cfg.workers),
                     cost["startup_s"], cost["roundtrip_us"], cost["task_bytes"],
                     cost["function_bytes"])

    def progress(run: BackendRun) -> None:
        ctx.log.info("  %-20s %-12s x%d  %.3f s", run.backend, run.kernel, run.workers,
                     run.seconds)

    with ctx.timers.region("compute"):
        runs = run_comparison(cases, workloads, repeat=cfg.repeat, chunksize=cfg.chunksize,
                              start_method=cfg.start_method, progress=progress)
    rows = make_rows(runs)
    units = workloads["numba"].units
    table = format_table(rows, units)
    print(table, flush=True)
    with ctx.timers.region("io"), ctx.result_file(cfg.output_path) as out:
        data = columns(rows)
        out.write_scale("run", list(range(len(rows))))
        for name, values in data.items():
            out.write(name, values, units={"seconds": "s", "rate": f"{units}/s",
                                           "work": units}.get(name, ""), dims=("run",))
        for method, cost in costs.items():
            for key, value in cost.items():
                out.set_attrs(**{f"{method}_{key}": value})
        out.set_attrs(workload=cfg.workload, units=units, cores=os.cpu_count() or 1,
                      repeat=cfg.repeat, chunksize=cfg.chunksize,
                      start_method=cfg.start_method)
    if cfg.plot_path:
        with ctx.timers.region("io"):
            plot_rows(cfg.plot_path, rows, f"{cfg.workload}: {os.cpu_count()} cores, "
                      f"best of {cfg.repeat}")
    ctx.log.info("wrote %s%s", cfg.output_path,
                 f" and {cfg.plot_path}" if cfg.plot_path else "")
    return {"rows": {row.label: {"seconds": row.run.seconds, "vs_python": row.vs_python,
                                 "vs_fastest": row.vs_fastest, "vs_same": row.vs_same}
                     for row in rows},
            "overheads": costs}
