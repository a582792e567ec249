"""Grid coordinates, initial conditions and exact solutions of u_t = alpha u_xx (numpy).

Exact solutions exist for

* ``sine``: ``A exp(-alpha k^2 t) sin(k x)`` with dirichlet u = 0 ends (k = m pi/L) or periodic
  boundaries (k = 2 m pi/L);
* ``cosine``: ``A exp(-alpha k^2 t) cos(k x)`` with neumann (k = m pi/L) or periodic ends;
* ``parabola``: ``A x (L - x)`` with dirichlet u = 0 ends, whose sine series
  ``A sum_{n odd} 8 L^2/(pi^3 n^3) exp(-alpha (n pi/L)^2 t) sin(n pi x/L)`` relaxes to the
  slowest mode: on [0, pi] the classic f'' = -f, f(0) = f(pi) = 0, i.e. sin x.
"""

from __future__ import annotations

import math

import numpy as np

from hpcpar.heat1d.config import Heat1DConfig

MAX_SERIES_TERMS = 5000
ALIGN = 64  # initial_block evaluates on ranges starting at multiples of this


def grid_x(cfg: Heat1DConfig, start: int, stop: int) -> np.ndarray:
    """Coordinates [m] of global points ``start .. stop-1``, shape (stop - start,)."""
    return (np.arange(start, stop, dtype=np.float64) + cfg.x_offset) * cfg.dx


def wavenumber(cfg: Heat1DConfig) -> float:
    """k [1/m] of the sine/cosine initial condition."""
    period = 2.0 if cfg.boundary == "periodic" else 1.0
    return period * cfg.mode * math.pi / cfg.length


def initial_field(cfg: Heat1DConfig, x: np.ndarray) -> np.ndarray:
    """u(t = 0) [K] at ``x`` for the analytic initial conditions (not ``ic = 'file'``)."""
    a = cfg.amplitude
    if cfg.ic == "sine":
        return a * np.sin(wavenumber(cfg) * x)
    if cfg.ic == "cosine":
        return a * np.cos(wavenumber(cfg) * x)
    if cfg.ic == "gaussian":
        return a * np.exp(-0.5 * ((x - cfg.center_effective) / cfg.width_effective) ** 2)
    if cfg.ic == "step":
        return np.where(x < cfg.center_effective, a, 0.0)
    if cfg.ic == "parabola":
        return a * x * (cfg.length - x)
    raise ValueError(f"no closed-form initial condition {cfg.ic!r}")


def initial_block(cfg: Heat1DConfig, start: int, stop: int) -> np.ndarray:
    """u(t = 0) at global points ``start .. stop-1``, identical bit for bit however the grid is
    split: numpy's vectorised sin/exp may treat an array's tail differently from its body, so
    the field is evaluated on a range aligned to ``ALIGN`` points and then cut."""
    lo = start - start % ALIGN
    hi = stop + (-stop) % ALIGN
    return initial_field(cfg, grid_x(cfg, lo, hi))[start - lo:stop - lo].copy()


def has_exact_solution(cfg: Heat1DConfig) -> bool:
    """Whether :func:`exact_solution` knows u(t, x) for this deck."""
    zero_ends = cfg.left_value == 0.0 and cfg.right_value == 0.0
    if cfg.ic == "sine":
        return cfg.boundary == "periodic" or (cfg.boundary == "dirichlet" and zero_ends)
    if cfg.ic == "cosine":
        return cfg.boundary in ("neumann", "periodic")
    if cfg.ic == "parabola":
        return cfg.boundary == "dirichlet" and zero_ends
    return False


def exact_solution(cfg: Heat1DConfig, x: np.ndarray, t: float) -> np.ndarray:
    """u(t, x) [K] of the continuous problem (see :func:`has_exact_solution`)."""
    if not has_exact_solution(cfg):
        raise ValueError(f"no exact solution for ic = {cfg.ic!r}, boundary = {cfg.boundary!r}")
    if cfg.ic in ("sine", "cosine"):
        k = wavenumber(cfg)
        return math.exp(-cfg.alpha * k * k * t) * initial_field(cfg, x)
    if t == 0.0:
        return initial_field(cfg, x)
    # parabola: odd sine modes, summed until the damped coefficients are below round-off
    length, u = cfg.length, np.zeros_like(x)
    for n in range(1, 2 * MAX_SERIES_TERMS, 2):
        k = n * math.pi / length
        coefficient = 8.0 * length ** 2 / (math.pi ** 3 * n ** 3) * math.exp(-cfg.alpha * k * k * t)
        if coefficient < 1e-18 * length ** 2:
            break
        u += coefficient * np.sin(k * x)
    return cfg.amplitude * u
