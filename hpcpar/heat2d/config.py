"""The heat2d input deck.

The plate ``[0, lx] x [0, ly]`` carries ``nx x ny`` grid points, boundary points included
(``dx = lx / (nx - 1)``). The temperature obeys ``dT/dt = alpha * laplacian(T) + q`` with
fixed edge temperatures and heat sources ``q`` [K/s] on rectangles; steady mode solves
``alpha * laplacian(T) + q = 0``.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass

from hpcpar.config import ConfigError, param

#: Numbers per heat-source rectangle in ``sources``: x0, x1, y0, y1, rate.
SOURCE_FIELDS = 5


@dataclass(frozen=True)
class Heat2DConfig:
    nx: int = param(129, "grid points along x, boundary points included", minimum=3)
    ny: int = param(129, "grid points along y, boundary points included", minimum=3)
    lx: float = param(1.0, "plate length along x", units="m", above=0.0)
    ly: float = param(1.0, "plate length along y", units="m", above=0.0)
    t_left: float = param(0.0, "temperature of the edge x = 0", units="K")
    t_right: float = param(0.0, "temperature of the edge x = lx", units="K")
    t_bottom: float = param(0.0, "temperature of the edge y = 0", units="K")
    t_top: float = param(100.0, "temperature of the edge y = ly", units="K")
    edge_profile: str = param("uniform", "edge temperature along each edge: uniform, or "
                              "t_edge * sin(pi s / L) (zero at the corners)",
                              choices=("uniform", "sine"))
    t_initial: float = param(0.0, "initial interior temperature (steady: the first guess)",
                             units="K")
    initial_profile: str = param("uniform", "initial interior field: uniform t_initial, or "
                                 "t_initial * sin(pi x / lx) * sin(pi y / ly)",
                                 choices=("uniform", "sine"))
    sources: tuple[float, ...] = param((), "heat sources, 5 numbers each: x0, x1, y0, y1 [m] "
                                       "of a rectangle and its heating rate q [K/s]")
    alpha: float = param(1.0, "thermal diffusivity", units="m^2/s", above=0.0)
    mode: str = param("steady", "steady: Jacobi iteration to the tolerance; transient: FTCS",
                      choices=("steady", "transient"))
    tolerance: float = param(1e-6, "steady: stop when the residual norm falls below this",
                             units="K", above=0.0)
    norm: str = param("max", "residual norm: max |change|, or l2 (root mean square over "
                      "interior points)", choices=("max", "l2"))
    check_every: int = param(10, "iterations between global residual checks; 0: no checks, "
                             "run exactly max_iters (steady) or steps (transient)", minimum=0)
    max_iters: int = param(200000, "steady: iteration limit", minimum=1)
    steps: int = param(1000, "transient: number of time steps (unless t_end is set)",
                       minimum=1)
    t_end: float | None = param(None, "transient: end time; sets steps = ceil(t_end / dt) and "
                                "shortens dt to land on t_end", units="s", above=0.0)
    r: float = param(0.25, "transient: diffusion number alpha*dt*(1/dx^2 + 1/dy^2), stable "
                     "for r <= 0.5; sets dt unless dt is given", above=0.0)
    dt: float | None = param(None, "transient: time step (overrides r)", units="s", above=0.0)
    process_grid: tuple[int, ...] = param((), "ranks along y and x, e.g. [2, 3]; 0 or empty: "
                                          "chosen by MPI_Dims_create", minimum=0)
    output: str = param("outputs/heat2d.h5", "HDF5 result file; empty: write nothing")
    plot: bool = param(False, "also write a PNG heat map beside the output file")

    # -- derived quantities -----------------------------------------------------------------
    @property
    def dx(self) -> float:
        """Grid spacing along x [m]."""
        return self.lx / (self.nx - 1)

    @property
    def dy(self) -> float:
        """Grid spacing along y [m]."""
        return self.ly / (self.ny - 1)

    @property
    def stability_limit_dt(self) -> float:
        """Largest stable FTCS time step [s]: ``alpha * dt * (1/dx^2 + 1/dy^2) <= 1/2``."""
        return 0.5 / (self.alpha * (1.0 / self.dx**2 + 1.0 / self.dy**2))

    def time_step(self) -> tuple[float, int]:
        """Transient: the time step [s] and the number of steps."""
        dt = self.dt if self.dt is not None else 2.0 * self.r * self.stability_limit_dt
        if self.t_end is None:
            return dt, self.steps
        steps = max(1, math.ceil(self.t_end / dt * (1.0 - 1e-12)))
        return self.t_end / steps, steps

    def source_boxes(self) -> list[tuple[float, float, float, float, float]]:
        """The heat sources as ``(x0, x1, y0, y1, rate)`` tuples."""
        s = self.sources
        return [tuple(s[k:k + SOURCE_FIELDS]) for k in range(0, len(s), SOURCE_FIELDS)]

    def grid_dims(self, nranks: int) -> tuple[int, int]:
        """Process grid ``(ranks along y, ranks along x)`` for ``nranks`` ranks."""
        from mpi4py import MPI

        given = list(self.process_grid) if self.process_grid else [0, 0]
        return tuple(MPI.Compute_dims(nranks, given))

    # -- checks across fields -------------------------------------------------------------
    def validate(self, nranks: int) -> None:
        """Checks across fields and against the number of ranks (rank 0, before main)."""
        self._validate_sources()
        self._validate_process_grid(nranks)
        if self.mode == "transient":
            if self.r > 0.5 and self.dt is None:
                raise ConfigError(f"field 'r' = {self.r!r}: FTCS is unstable; expected "
                                  "r <= 0.5")
            limit = self.stability_limit_dt
            if self.dt is not None and self.dt > limit:
                raise ConfigError(
                    f"field 'dt' = {self.dt!r}: FTCS is unstable; expected dt <= {limit:.6g} s "
                    f"(alpha*dt*(1/dx^2 + 1/dy^2) <= 1/2 with dx = {self.dx:.6g} m, "
                    f"dy = {self.dy:.6g} m)")
        if self.plot:
            if not self.output:
                raise ConfigError("field 'plot' = true: expected an 'output' file to plot "
                                  "from (output is empty)")
            if importlib.util.find_spec("matplotlib") is None:
                raise ConfigError("field 'plot' = true: matplotlib is not installed; expected "
                                  "pip install 'hpcpar[plot]'")

    def _validate_sources(self) -> None:
        if len(self.sources) % SOURCE_FIELDS:
            raise ConfigError(f"field 'sources' = {list(self.sources)}: expected groups of "
                              f"{SOURCE_FIELDS} numbers (x0, x1, y0, y1, rate), got "
                              f"{len(self.sources)} numbers")
        for x0, x1, y0, y1, _ in self.source_boxes():
            if not (0.0 <= x0 <= x1 <= self.lx and 0.0 <= y0 <= y1 <= self.ly):
                raise ConfigError(f"field 'sources' = {list(self.sources)}: rectangle "
                                  f"x {x0:g}..{x1:g}, y {y0:g}..{y1:g}: expected 0 <= x0 <= x1 "
                                  f"<= lx = {self.lx:g} and 0 <= y0 <= y1 <= ly = {self.ly:g}")

    def _validate_process_grid(self, nranks: int) -> None:
        given = self.process_grid
        if given:
            fixed = math.prod(p for p in given if p)
            if len(given) != 2 or nranks % max(fixed, 1) or (all(given) and fixed != nranks):
                raise ConfigError(f"field 'process_grid' = {list(given)}: expected two "
                                  f"numbers (ranks along y, x; 0 = free) whose product is the "
                                  f"number of ranks, {nranks}")
        py, px = self.grid_dims(nranks)
        if py > self.ny or px > self.nx:
            raise ConfigError(f"field 'nx' = {self.nx}, 'ny' = {self.ny}: expected at least one "
                              f"grid point per rank on the {py} x {px} process grid "
                              f"({nranks} ranks)")
