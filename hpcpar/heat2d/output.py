"""Writing a heat2d solution to HDF5 without gathering the field on one rank."""

from __future__ import annotations

import numpy as np

from hpcpar.h5io import ResultFile
from hpcpar.heat2d.config import Heat2DConfig
from hpcpar.heat2d.solver import Solution


def write_solution(out: ResultFile, cfg: Heat2DConfig, sol: Solution) -> None:
    """Collective: the field ``temperature[y, x]`` with its ``x``, ``y`` scales, the residual
    history ``residual[check]`` against ``iteration[check]``, and run attributes.

    The field goes block by block (``write_block``); no rank holds the whole of it.
    """
    out.write_scale("x", sol.x, units="m", description="x coordinate of the grid points")
    out.write_scale("y", sol.y, units="m", description="y coordinate of the grid points")
    out.create("temperature", (cfg.ny, cfg.nx), np.float64, units="K", dims=("y", "x"),
               description="temperature at the grid points")
    out.write_block("temperature", sol.owned, sol.grid.global_index)
    out.write_scale("iteration", np.asarray(sol.history_iterations, dtype=np.int64),
                    description="iteration (steady) or time step (transient) of each check")
    out.write("residual", np.asarray(sol.history_residuals, dtype=np.float64), units="K",
              dims=("iteration",),
              description=f"{cfg.norm} norm of the change of the field in one iteration")
    out.set_attrs(mode=cfg.mode, iterations=sol.iterations, converged=sol.converged,
                  norm=cfg.norm, tolerance=cfg.tolerance, final_residual=sol.residual,
                  process_grid=np.asarray(sol.grid.dims, dtype=np.int64),
                  time=sol.time, dt=sol.dt)
