"""``mpiexec -n P python -m hpcpar.pi [deck.toml] [--field value ...]``: estimate π.

Every rank computes the per-chunk partials of its chunks with the chosen kernel
(:mod:`~hpcpar.pi.kernels`), the chosen communication pattern (:mod:`~hpcpar.pi.patterns`)
brings them together (:mod:`~hpcpar.pi.solver`), rank 0 derives the estimate and its error
(:mod:`~hpcpar.pi.estimate`), writes ``output`` (:mod:`~hpcpar.pi.io`) and prints one
summary line.
"""

from __future__ import annotations

from mpi4py import MPI

from hpcpar.jit import compile_once
from hpcpar.pi import kernels
from hpcpar.pi.config import PiConfig
from hpcpar.pi.io import write_result
from hpcpar.pi.patterns import PATTERNS, Problem
from hpcpar.pi.solver import solve
from hpcpar.runner import Context, Program, run


def main(cfg: PiConfig, ctx: Context) -> dict:
    """SPMD driver: compile, solve, write, report (the summary is significant on rank 0)."""
    problem = Problem(cfg.method, cfg.kernel, cfg.seed, cfg.samples)
    if cfg.kernel == "numba":
        with ctx.timers.region("jit"):
            compile_once(ctx.comm, kernels.warmup)
    ctx.comm.Barrier()
    t0 = MPI.Wtime()
    result, partials = solve(ctx.comm, problem, cfg.comm, ctx.timers) or (None, None)
    wall = ctx.comm.allreduce(MPI.Wtime() - t0, op=MPI.MAX)
    throughput = cfg.samples / wall
    write_result(ctx, cfg, result, partials, throughput)
    if ctx.rank != 0:
        return {}
    error = (f"± {result.error:.3g} (standard error)" if cfg.method == "montecarlo" else
             f"|error| {result.error:.3g} (bound {result.error_bound:.3g})")
    print(f"pi: {cfg.method} N={cfg.samples} estimate {result.estimate!r} {error}; "
          f"comm={cfg.comm} kernel={cfg.kernel} ranks={ctx.size} {wall:.3g} s "
          f"({throughput:.3g} samples/s) -> {cfg.output}", flush=True)
    return {"samples": cfg.samples, "estimate": result.estimate, "error": result.error,
            "abs_error": result.abs_error, "method": cfg.method, "kernel": cfg.kernel,
            "comm": cfg.comm, "seed": cfg.seed, "wall_s": wall, "throughput": throughput}


PROGRAM = Program(
    "pi", PiConfig, main,
    description="Estimate pi by Monte Carlo or the midpoint rule, over any of eight MPI "
                "communication patterns; the answer does not depend on the rank count.",
    epilog="patterns: " + ", ".join(PATTERNS))

if __name__ == "__main__":
    raise SystemExit(run(PROGRAM))
