"""The heat2d iteration: Jacobi sweeps to a tolerance (steady) or FTCS steps (transient).

Each iteration updates the interior points of the local block from the old field into the
other buffer, then exchanges the new field's ghost layer; every ``check_every`` iterations
the global residual (change per iteration) is reduced over all ranks. Every rank takes the
same decisions from the same bits, so the iteration count does not depend on the grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from logging import Logger

import numpy as np
from mpi4py import MPI

from hpcpar.heat2d import kernels
from hpcpar.heat2d.config import Heat2DConfig
from hpcpar.heat2d.halo import CartesianGrid, HaloExchange, cartesian_grid
from hpcpar.heat2d.residual import GlobalResidual
from hpcpar.timing import Timers


@dataclass
class Solution:
    """What :func:`solve` returns on every rank."""

    grid: CartesianGrid
    field: np.ndarray            # local block with ghosts, shape grid.local_shape [K]
    x: np.ndarray                # global coordinates (nx,) [m]
    y: np.ndarray                # global coordinates (ny,) [m]
    iterations: int              # iterations (steady) or time steps (transient) done
    converged: bool              # steady: residual fell below the tolerance
    residual: float              # last residual computed [K] (nan if none)
    history_iterations: list[int] = field(default_factory=list)
    history_residuals: list[float] = field(default_factory=list)
    time: float = 0.0            # transient: simulated time reached [s]
    dt: float = 0.0              # transient: time step [s]
    loop_seconds: float = 0.0    # wall time of the iteration loop, max over ranks [s]

    @property
    def owned(self) -> np.ndarray:
        """This rank's points without ghosts (a view)."""
        return self.field[self.grid.owned]


def _step_kernel(cfg: Heat2DConfig, u: np.ndarray, x: np.ndarray, y: np.ndarray,
                 grid: CartesianGrid) -> tuple[object, tuple]:
    """The update kernel and its extra arguments (source term and weights) for this run."""
    rows, cols = grid.global_index
    q = np.zeros_like(u)
    q[grid.owned] = kernels.source_field(x[cols], y[rows], cfg.source_boxes())
    has_source = bool(cfg.sources)
    if cfg.mode == "steady":
        wx, wy, ws = kernels.jacobi_weights(cfg.dx, cfg.dy)
        if has_source:
            return kernels.jacobi_sweep_source, (q * (ws / cfg.alpha), wx, wy)
        return kernels.jacobi_sweep, (wx, wy)
    dt, _ = cfg.time_step()
    rx, ry = cfg.alpha * dt / cfg.dx**2, cfg.alpha * dt / cfg.dy**2
    if has_source:
        return kernels.ftcs_step_source, (q * dt, rx, ry)
    return kernels.ftcs_step, (rx, ry)


def solve(cfg: Heat2DConfig, comm: MPI.Intracomm, dims: tuple[int, int],
          timers: Timers | None = None, log: Logger | None = None) -> Solution:
    """Collective: run the steady or transient solver on the ``dims`` process grid.

    Timing regions (added to ``timers``): "compute" (stencil sweeps), "halo" (ghost
    exchange), "residual" (global residual checks).
    """
    timers = Timers() if timers is None else timers
    grid = cartesian_grid(comm, (cfg.ny, cfg.nx), dims)
    x = kernels.grid_coordinates(cfg.nx, cfg.lx)
    y = kernels.grid_coordinates(cfg.ny, cfg.ly)
    rows, cols = grid.global_index
    edges = {"left": cfg.t_left, "right": cfg.t_right, "bottom": cfg.t_bottom,
             "top": cfg.t_top}
    a = np.zeros(grid.local_shape)
    a[grid.owned] = kernels.initial_field(x, y, cols, rows, cfg.lx, cfg.ly, edges,
                                          cfg.edge_profile, cfg.t_initial, cfg.initial_profile)
    b = a.copy()  # boundary points are never updated: both buffers carry them
    step, args = _step_kernel(cfg, a, x, y, grid)
    box = grid.interior_box()
    steady = cfg.mode == "steady"
    dt, steps = (0.0, cfg.max_iters) if steady else cfg.time_step()
    residual = GlobalResidual(grid, cfg.norm)
    buffers = (a, b)
    history_it: list[int] = []
    history_res: list[float] = []
    converged, last = False, float("nan")
    next_log = 100
    t_compute = t_halo = t_residual = 0.0
    with HaloExchange(grid, buffers) as halo:
        halo.exchange(0)
        grid.cart.Barrier()
        start = MPI.Wtime()
        cur, it = 0, 0
        while it < steps:
            t0 = MPI.Wtime()
            step(buffers[cur], buffers[1 - cur], *args, *box)
            t1 = MPI.Wtime()
            halo.exchange(1 - cur)
            t2 = MPI.Wtime()
            t_compute += t1 - t0
            t_halo += t2 - t1
            it += 1
            cur = 1 - cur
            if cfg.check_every and it % cfg.check_every == 0:
                last = residual(buffers[1 - cur], buffers[cur])
                t_residual += MPI.Wtime() - t2
                history_it.append(it)
                history_res.append(last)
                if log is not None and len(history_it) == next_log:  # checks 100, 200, 400...
                    log.info("iteration %d: %s residual %.3e K", it, cfg.norm, last)
                    next_log *= 2
                if steady and last < cfg.tolerance:
                    converged = True
                    break
        loop = MPI.Wtime() - start
    if not history_it or history_it[-1] != it:  # report the last change too (not timed)
        last = residual(buffers[1 - cur], buffers[cur])
    residual.free()
    timers.add("compute", t_compute, it)
    timers.add("halo", t_halo, it)
    timers.add("residual", t_residual, len(history_it))
    loop = comm.allreduce(loop, op=MPI.MAX)
    return Solution(grid, buffers[cur], x, y, it, converged, last, history_it, history_res,
                    time=it * dt, dt=dt, loop_seconds=loop)
