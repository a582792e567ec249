"""``mpiexec -n P python -m hpcpar.heat2d [deck.toml] [--field value ...]``"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hpcpar.heat2d.config import Heat2DConfig
from hpcpar.heat2d.kernels import interior_count, warm_up
from hpcpar.heat2d.output import write_solution
from hpcpar.heat2d.solver import solve
from hpcpar.jit import compile_once
from hpcpar.runner import Context, Program, run

DESCRIPTION = """\
Heated plate on a 2D Cartesian process grid: steady state by Jacobi iteration to a global
residual tolerance (mode = steady), or time stepping by FTCS (mode = transient), with fixed
edge temperatures and optional heat sources. Writes temperature[y, x] to HDF5."""

EPILOG = """\
Fixed work for scaling studies: --check-every 0 runs exactly --max-iters Jacobi iterations
(or --steps FTCS steps) with no residual checks; --output '' skips the result file.
Example: mpiexec -n 2 python -m hpcpar.heat2d --nx 4096 --ny 4096 --check-every 0 \\
         --max-iters 100 --output '' --record runs.jsonl"""


def png_path(output: str) -> Path:
    """Where ``--plot`` puts the heat map: the output file with suffix ``.png``."""
    return Path(output).with_suffix(".png")


def main(cfg: Heat2DConfig, ctx: Context) -> dict[str, Any]:
    dims = cfg.grid_dims(ctx.size)
    compile_once(ctx.comm, warm_up)
    ctx.log.info("%s: %d x %d points on a %d x %d process grid (y x x)", cfg.mode, cfg.nx,
                 cfg.ny, *dims)
    sol = solve(cfg, ctx.comm, dims, ctx.timers, ctx.log)
    if cfg.mode == "steady" and cfg.check_every:
        verdict = "converged" if sol.converged else "did NOT converge (max_iters reached)"
        ctx.log.info("%s after %d iterations: %s residual %.3e K (tolerance %.3e K)", verdict,
                     sol.iterations, cfg.norm, sol.residual, cfg.tolerance)
    else:
        ctx.log.info("%d %s done%s; last %s change %.3e K", sol.iterations,
                     "iterations" if cfg.mode == "steady" else "steps",
                     f", t = {sol.time:.6g} s" if cfg.mode == "transient" else "", cfg.norm,
                     sol.residual)
    if cfg.output:
        with ctx.timers.region("io"), ctx.result_file(cfg.output) as out:
            write_solution(out, cfg, sol)
        ctx.log.info("wrote %s", cfg.output)
        if cfg.plot:
            with ctx.timers.region("io"):
                if ctx.rank == 0:
                    from hpcpar.heat2d.plot import plot_temperature

                    ctx.log.info("wrote %s", plot_temperature(cfg.output, png_path(cfg.output)))
                ctx.comm.Barrier()
    updates = interior_count(cfg.nx, cfg.ny) * sol.iterations
    return {"nx": cfg.nx, "ny": cfg.ny, "mode": cfg.mode, "process_grid": list(dims),
            "iterations": sol.iterations, "converged": sol.converged,
            "residual": sol.residual, "time": sol.time,
            "loop_seconds": sol.loop_seconds,
            "mlups": updates / sol.loop_seconds / 1e6 if sol.loop_seconds > 0 else 0.0}


PROGRAM = Program("heat2d", Heat2DConfig, main, DESCRIPTION, EPILOG)

if __name__ == "__main__":
    raise SystemExit(run(PROGRAM))
