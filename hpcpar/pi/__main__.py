"""``mpiexec -n P python -m hpcpar.pi [deck.toml] [--field value ...]``: estimate π.

Every rank computes the per-chunk partials of its chunks with the chosen kernel, the chosen
communication pattern brings them together, rank 0 derives the estimate and its error,
writes ``output`` (HDF5) and prints one summary line.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

from hpcpar.jit import compile_once
from hpcpar.pi import kernels
from hpcpar.pi.config import PiConfig
from hpcpar.pi.estimate import Estimate, estimate_pi
from hpcpar.pi.patterns import PATTERNS, Problem
from hpcpar.runner import Context, Program, run
from hpcpar.timing import Timers


def solve(comm: MPI.Comm, problem: Problem, pattern: str, timers: Timers
          ) -> tuple[Estimate, np.ndarray] | None:
    """Collective: run ``problem`` with communication ``pattern``; the estimate and the
    per-chunk partials on rank 0 (on every rank for ``allreduce``), None elsewhere.

    Adds the kernel time to region "compute" and the rest of the pattern to "comm".
    """
    def compute(problem: Problem, first: int, stop: int) -> np.ndarray:
        with timers.region("compute"):
            return problem.partials(first, stop)

    compute_before = timers.seconds("compute")
    t0 = MPI.Wtime()
    partials = PATTERNS[pattern](comm, problem, compute)
    elapsed = MPI.Wtime() - t0
    timers.add("comm", elapsed - (timers.seconds("compute") - compute_before))
    if partials is None:
        return None
    return estimate_pi(problem.method, partials, problem.samples), partials


def write_result(ctx: Context, cfg: PiConfig, result: Estimate | None,
                 partials: np.ndarray | None, throughput: float) -> None:
    """Collective: the HDF5 result file (datasets significant on rank 0)."""
    stats = ctx.timers.reduce(ctx.comm)
    with ctx.timers.region("io"), ctx.result_file(cfg.output) as out:
        out.set_attrs(method=cfg.method, comm=cfg.comm, kernel=cfg.kernel, seed=cfg.seed,
                      chunk_size=kernels.CHUNK_SIZE)
        root = ctx.rank == 0
        out.write("estimate", result.estimate if root else None,
                  description="estimate of pi")
        out.write("error", result.error if root else None,
                  description="standard error (montecarlo) or |estimate - pi| (midpoint)")
        out.write("abs_error", result.abs_error if root else None,
                  description="|estimate - pi|")
        out.write("error_bound", result.error_bound if root else None,
                  description="analytic error bound of the midpoint rule (NaN for montecarlo)")
        out.write("samples", np.int64(cfg.samples), units="1",
                  description="Monte Carlo points or midpoint intervals N")
        out.write("nchunks", np.int64(result.nchunks if root else 0), units="1",
                  description=f"chunks of {kernels.CHUNK_SIZE} samples")
        out.write("partials", partials, units="1",
                  description="per-chunk hits (montecarlo) or sums of f(x_i) (midpoint)")
        out.write("throughput", throughput, units="1/s",
                  description="samples per second of wall time (compute and communication)")
        out.write_scale("rank", np.arange(ctx.size), units="1")
        for region in ("compute", "comm"):
            out.write(f"{region}_time", np.array(stats[region].per_rank), units="s",
                      dims=("rank",), description=f"seconds in region '{region}', per rank")


def main(cfg: PiConfig, ctx: Context) -> dict:
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
