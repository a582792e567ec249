"""The heat1d input deck: grid, physics, initial condition, output and restart fields.

Grids (``nx`` points on [0, L]):

* ``dirichlet``: vertices ``x_i = i L/(nx-1)``; the end points hold ``left_value`` and
  ``right_value`` and are never updated.
* ``neumann`` (insulated): cell centres ``x_i = (i + 1/2) L/nx`` with mirror ghosts, so the
  sum of ``u`` is conserved.
* ``periodic``: ``x_i = i L/nx``, point ``nx`` is point 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hpcpar.config import ConfigError, param

BOUNDARIES = ("dirichlet", "neumann", "periodic")
INITIAL_CONDITIONS = ("sine", "cosine", "gaussian", "step", "parabola", "file")
HALOS = ("isend", "sendrecv")
DEFAULT_R = 0.4
MAX_R = 0.5  # FTCS is stable for r = alpha dt / dx^2 <= 1/2


@dataclass(frozen=True)
class Heat1DConfig:
    """Input deck of ``python -m hpcpar.heat1d`` (flat TOML, every field optional)."""

    nx: int = param(1001, "number of grid points", minimum=3)
    length: float = param(1.0, "domain length L", units="m", above=0.0)
    alpha: float = param(1.0, "diffusivity", units="m^2/s", above=0.0)
    r: float | None = param(None, f"alpha dt / dx^2 (default {DEFAULT_R} unless dt is given)",
                            above=0.0)
    dt: float | None = param(None, "time step (default: from r)", units="s", above=0.0)
    steps: int = param(1000, "total time steps from t = 0 (also after a restart)", minimum=0)
    boundary: str = param("dirichlet", "boundary condition", choices=BOUNDARIES)
    left_value: float = param(0.0, "u(0) for dirichlet boundaries", units="K")
    right_value: float = param(0.0, "u(L) for dirichlet boundaries", units="K")
    ic: str = param("sine", "initial condition", choices=INITIAL_CONDITIONS)
    amplitude: float = param(1.0, "amplitude of the initial condition", units="K")
    mode: int = param(1, "sine/cosine mode number m (k = m pi/L, or 2 m pi/L periodic)",
                      minimum=1)
    center: float | None = param(None, "gaussian centre / step position (default L/2)",
                                 units="m")
    width: float | None = param(None, "gaussian standard deviation (default L/20)", units="m",
                                above=0.0)
    ic_file: str | None = param(None, "HDF5 file holding the initial field (ic = 'file')")
    ic_dataset: str = param("u_final", "dataset in ic_file (2D: the last row is used)")
    snapshot_every: int = param(0, "steps between snapshots of u (0: none)", minimum=0)
    checkpoint_every: int = param(0, "steps between checkpoints (0: none)", minimum=0)
    checkpoint_file: str = param("outputs/heat1d_checkpoint.h5", "checkpoint file")
    restart: str | None = param(None, "checkpoint file to restart from")
    output: str = param("outputs/heat1d.h5", "result file")
    halo: str = param("isend", "halo exchange: Isend/Irecv overlapped with the interior "
                      "update, or Sendrecv", choices=HALOS)
    ghost: int = param(0, "ghost width = steps per halo exchange (0: automatic)", minimum=0)
    progress_every: float = param(5.0, "seconds between progress lines", units="s",
                                  above=0.0)

    # -- derived quantities -------------------------------------------------------------
    @property
    def dx(self) -> float:
        """Grid spacing [m]."""
        if self.boundary == "dirichlet":
            return self.length / (self.nx - 1)
        return self.length / self.nx

    @property
    def x_offset(self) -> float:
        """``x_i = (i + x_offset) dx``: 0.5 on the cell-centred neumann grid, else 0."""
        return 0.5 if self.boundary == "neumann" else 0.0

    @property
    def r_effective(self) -> float:
        """The r = alpha dt / dx^2 the stencil uses."""
        if self.dt is not None:
            return self.alpha * self.dt / self.dx ** 2
        return DEFAULT_R if self.r is None else self.r

    @property
    def dt_effective(self) -> float:
        """Time step [s]."""
        if self.dt is not None:
            return self.dt
        return self.r_effective * self.dx ** 2 / self.alpha

    @property
    def center_effective(self) -> float:
        return self.length / 2 if self.center is None else self.center

    @property
    def width_effective(self) -> float:
        return self.length / 20 if self.width is None else self.width

    # -- checks across fields (rank 0, before anything runs) ----------------------------
    def validate(self, nranks: int) -> None:
        """Raise :class:`ConfigError` for inconsistent fields, too many ranks for ``nx``,
        an unreadable ``ic_file`` or a restart file that does not match this deck."""
        if self.nx < nranks:
            raise ConfigError(f"field 'nx' = {self.nx}: expected at least one grid point per "
                              f"rank ({nranks} ranks)")
        if self.r is not None and self.dt is not None:
            raise ConfigError(f"fields 'r' = {self.r} and 'dt' = {self.dt}: expected only one "
                              "of them (the other follows from r = alpha dt / dx^2)")
        r = self.r_effective
        if r > MAX_R:
            source = f"'r' = {r}" if self.dt is None else (
                f"'dt' = {self.dt} (r = alpha dt / dx^2 = {r:.6g})")
            raise ConfigError(f"field {source}: expected r <= {MAX_R}: explicit Euler (FTCS) "
                              "is unstable beyond it; lower dt or r, or use fewer points")
        if self.ic == "file":
            if self.ic_file is None:
                raise ConfigError("field 'ic' = 'file': expected 'ic_file' to name an HDF5 "
                                  "file")
            from hpcpar.heat1d.io import check_initial_file

            check_initial_file(self.ic_file, self.ic_dataset, self.nx)
        elif self.ic_file is not None:
            raise ConfigError(f"field 'ic_file' = {self.ic_file!r}: only used with ic = "
                              f"'file' (ic = {self.ic!r})")
        for name in ("checkpoint_file", "restart"):
            value = getattr(self, name)
            if value is not None and Path(value).resolve() == Path(self.output).resolve():
                raise ConfigError(f"field '{name}' = {value!r}: expected a file other than "
                                  f"the output {self.output!r}")
        if self.restart is not None:
            from hpcpar.heat1d.io import check_restart_file

            check_restart_file(self)
