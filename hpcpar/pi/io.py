"""The π solver's HDF5 result file."""

from __future__ import annotations

import numpy as np

from hpcpar.pi import kernels
from hpcpar.pi.config import PiConfig
from hpcpar.pi.estimate import Estimate
from hpcpar.runner import Context


def write_result(ctx: Context, cfg: PiConfig, result: Estimate | None,
                 partials: np.ndarray | None, throughput: float) -> None:
    """Collective: the HDF5 result file (datasets significant on rank 0)."""
    stats = ctx.timers.reduce(ctx.comm)
    with ctx.timers.region("io"), ctx.result_file(cfg.output) as out:
        out.set_attrs(method=cfg.method, pattern=cfg.comm, kernel=cfg.kernel, seed=cfg.seed,
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
