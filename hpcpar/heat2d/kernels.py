"""5-point stencil kernels (numba) and field set-up (numpy); no MPI here.

Fields are 2D C-ordered arrays ``u[j, i]`` with ``j`` along y (rows) and ``i`` along x
(columns), holding one rank's block plus one ghost layer on every side. A kernel updates the
local index box ``rows = j0..j1-1``, ``cols = i0..i1-1`` and reads one point beyond it.

Every point is computed by the same expression in the same order whatever the block, so the
fields are bitwise identical for every decomposition. The residual kernels accumulate in a
fixed order too (see :mod:`hpcpar.heat2d.residual`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numba import njit


def jacobi_weights(dx: float, dy: float) -> tuple[float, float, float]:
    """Weights of the Jacobi update for Laplace/Poisson on a ``dx x dy`` grid.

    ``T_new = wx * (T_W + T_E) + wy * (T_S + T_N) + ws * q / alpha``.
    """
    denom = 2.0 * (dx * dx + dy * dy)
    return dy * dy / denom, dx * dx / denom, dx * dx * dy * dy / denom


# The loops run over row views with a zero-based column counter: numba then knows no index
# is negative, drops its wraparound checks and LLVM vectorises the inner loop.

@njit(cache=True)
def jacobi_sweep(u: np.ndarray, out: np.ndarray, wx: float, wy: float,
                 j0: int, j1: int, i0: int, i1: int) -> None:
    """One Jacobi sweep of Laplace's equation: ``out`` from ``u`` on the box."""
    m = i1 - i0
    for j in range(j0, j1):
        west, south, north = u[j, i0 - 1:i1 - 1], u[j - 1, i0:i1], u[j + 1, i0:i1]
        east, new = u[j, i0 + 1:i1 + 1], out[j, i0:i1]
        for k in range(m):
            new[k] = wx * (west[k] + east[k]) + wy * (south[k] + north[k])


@njit(cache=True)
def jacobi_sweep_source(u: np.ndarray, out: np.ndarray, b: np.ndarray, wx: float, wy: float,
                        j0: int, j1: int, i0: int, i1: int) -> None:
    """One Jacobi sweep of Poisson's equation; ``b = ws * q / alpha`` [K], shaped like ``u``."""
    m = i1 - i0
    for j in range(j0, j1):
        west, south, north = u[j, i0 - 1:i1 - 1], u[j - 1, i0:i1], u[j + 1, i0:i1]
        east, new, src = u[j, i0 + 1:i1 + 1], out[j, i0:i1], b[j, i0:i1]
        for k in range(m):
            new[k] = wx * (west[k] + east[k]) + wy * (south[k] + north[k]) + src[k]


@njit(cache=True)
def ftcs_step(u: np.ndarray, out: np.ndarray, rx: float, ry: float,
              j0: int, j1: int, i0: int, i1: int) -> None:
    """One explicit (FTCS) step; ``rx = alpha dt / dx^2``, ``ry = alpha dt / dy^2``."""
    m = i1 - i0
    for j in range(j0, j1):
        west, south, north = u[j, i0 - 1:i1 - 1], u[j - 1, i0:i1], u[j + 1, i0:i1]
        east, centre, new = u[j, i0 + 1:i1 + 1], u[j, i0:i1], out[j, i0:i1]
        for k in range(m):
            c = centre[k]
            new[k] = (c + rx * (west[k] - 2.0 * c + east[k])
                      + ry * (south[k] - 2.0 * c + north[k]))


@njit(cache=True)
def ftcs_step_source(u: np.ndarray, out: np.ndarray, b: np.ndarray, rx: float, ry: float,
                     j0: int, j1: int, i0: int, i1: int) -> None:
    """One FTCS step with heating; ``b = dt * q`` [K], shaped like ``u``."""
    m = i1 - i0
    for j in range(j0, j1):
        west, south, north = u[j, i0 - 1:i1 - 1], u[j - 1, i0:i1], u[j + 1, i0:i1]
        east, centre, new = u[j, i0 + 1:i1 + 1], u[j, i0:i1], out[j, i0:i1]
        src = b[j, i0:i1]
        for k in range(m):
            c = centre[k]
            new[k] = (c + rx * (west[k] - 2.0 * c + east[k])
                      + ry * (south[k] - 2.0 * c + north[k]) + src[k])


@njit(cache=True)
def max_abs_change(old: np.ndarray, new: np.ndarray, j0: int, j1: int, i0: int,
                   i1: int) -> float:
    """``max |new - old|`` over the box [K] (0 for an empty box)."""
    m = 0.0
    n = i1 - i0
    for j in range(j0, j1):
        a, b = old[j, i0:i1], new[j, i0:i1]
        for k in range(n):
            m = max(m, abs(b[k] - a[k]))
    return m


@njit(cache=True)
def row_sums_of_squares(old: np.ndarray, new: np.ndarray, j0: int, j1: int, i0: int, i1: int,
                        sums: np.ndarray) -> None:
    """``sums[j] += (new - old)^2`` over the row's box points, strictly left to right.

    Starting from a left neighbour's partial sums, this continues the same sequence of
    additions that one rank owning the whole row would make (no reassociation: numba does
    not reorder floating-point additions without fastmath).
    """
    n = i1 - i0
    for j in range(j0, j1):
        a, b = old[j, i0:i1], new[j, i0:i1]
        s = sums[j]
        for k in range(n):
            d = b[k] - a[k]
            s += d * d
        sums[j] = s


def warm_up() -> None:
    """Call every kernel once on tiny arrays (compiles, or loads numba's cache)."""
    a = np.zeros((4, 4))
    b = np.ones((4, 4))
    jacobi_sweep(a, b, 0.25, 0.25, 1, 3, 1, 3)
    jacobi_sweep_source(a, b, a, 0.25, 0.25, 1, 3, 1, 3)
    ftcs_step(a, b, 0.1, 0.1, 1, 3, 1, 3)
    ftcs_step_source(a, b, a, 0.1, 0.1, 1, 3, 1, 3)
    max_abs_change(a, b, 1, 3, 1, 3)
    row_sums_of_squares(a, b, 1, 3, 1, 3, np.zeros(4))


# -- field set-up (numpy) -----------------------------------------------------------------------

def edge_values(s: np.ndarray, length: float, t_edge: float, profile: str) -> np.ndarray:
    """Temperatures [K] at positions ``s`` [m] along an edge of ``length`` [m]."""
    if profile == "sine":
        return t_edge * np.sin(np.pi * s / length)
    return np.full(s.shape, float(t_edge))


def initial_field(x: np.ndarray, y: np.ndarray, xs: slice, ys: slice, lx: float, ly: float,
                  edges: dict[str, float], edge_profile: str, t_initial: float,
                  initial_profile: str) -> np.ndarray:
    """Initial temperature [K] of the block ``[ys, xs]`` of the global grid, shape
    ``(len(y[ys]), len(x[xs]))``.

    ``x`` (nx,), ``y`` (ny,) are the GLOBAL coordinates [m]: profiles are evaluated on the
    whole axis and then sliced, so each point gets the same bits on every decomposition.
    Boundary points take the edge temperatures ``edges = {"left", "right", "bottom", "top"}``
    [K]; with the uniform profile a corner takes the mean of its two edges (the 5-point
    stencil never reads corners).
    """
    nx, ny = x.size, y.size
    if initial_profile == "sine":
        field = t_initial * np.outer(np.sin(np.pi * y / ly)[ys], np.sin(np.pi * x / lx)[xs])
    else:
        field = np.full((len(range(ny)[ys]), len(range(nx)[xs])), float(t_initial))
    ix, iy = np.arange(nx)[xs], np.arange(ny)[ys]
    left, right = ix == 0, ix == nx - 1
    bottom, top = iy == 0, iy == ny - 1
    field[:, left] = edge_values(y, ly, edges["left"], edge_profile)[ys, None]
    field[:, right] = edge_values(y, ly, edges["right"], edge_profile)[ys, None]
    field[bottom, :] = edge_values(x, lx, edges["bottom"], edge_profile)[None, xs]
    field[top, :] = edge_values(x, lx, edges["top"], edge_profile)[None, xs]
    if edge_profile == "uniform":
        for rows, cols, a, b in ((bottom, left, "bottom", "left"),
                                 (bottom, right, "bottom", "right"),
                                 (top, left, "top", "left"), (top, right, "top", "right")):
            field[np.ix_(rows, cols)] = 0.5 * (edges[a] + edges[b])
    return field


def source_field(x: np.ndarray, y: np.ndarray,
                 boxes: Sequence[tuple[float, float, float, float, float]]) -> np.ndarray:
    """Heating rate q [K/s] at the block's points, shape ``(len(y), len(x))``.

    Rectangles ``(x0, x1, y0, y1, rate)`` include their edges; overlapping rates add.
    """
    q = np.zeros((y.size, x.size))
    for x0, x1, y0, y1, rate in boxes:
        inside = np.outer((y >= y0) & (y <= y1), (x >= x0) & (x <= x1))
        q[inside] += rate
    return q


def grid_coordinates(n: int, length: float) -> np.ndarray:
    """The ``n`` coordinates [m] of an axis of ``length`` [m]: ``length * k / (n - 1)``."""
    return length * np.arange(n, dtype=np.float64) / (n - 1)


def interior_count(nx: int, ny: int) -> int:
    """Number of updated (interior) points."""
    return (nx - 2) * (ny - 2)
