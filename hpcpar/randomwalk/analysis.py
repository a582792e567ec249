"""Statistics of first-crossing times and the power-law fit T(Y) = a Y^b (no MPI).

For steps uniform in [-1, 1] (variance 1/3) diffusion gives T(Y) ~ Y^2 / (1/3) = 3 Y^2. Wald's
identity makes it exact up to the overshoot R = |y_T| - Y: E[T] = 3 E[(Y + R)^2] = 3 Y^2 +
6 Y E[R] + 3 E[R^2], so the measured T(Y)/(3 Y^2) tends to 1 from above as Y grows and a fit over
moderate Y gives an exponent slightly below 2 and a prefactor slightly above 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DIFFUSION_PREFACTOR = 3.0  # 1 / step variance, for steps uniform in [-1, 1]


@dataclass(frozen=True)
class CrossingStats:
    """Per distance: walks, mean steps T(Y), its standard error, and the longest walk."""

    distances: np.ndarray  # (ndist,)
    walks: np.ndarray  # (ndist,) int64
    mean: np.ndarray  # (ndist,) steps
    stderr: np.ndarray  # (ndist,) steps
    longest: np.ndarray  # (ndist,) int64 steps

    @property
    def diffusion(self) -> np.ndarray:
        """The diffusion estimate 3 Y^2."""
        return DIFFUSION_PREFACTOR * self.distances**2


@dataclass(frozen=True)
class PowerFit:
    """T(Y) = prefactor * Y^exponent from a weighted least-squares line in log-log space."""

    prefactor: float
    prefactor_err: float
    exponent: float
    exponent_err: float
    chi2_per_dof: float


def crossing_stats(distances: Sequence[float], task_index: Sequence[int],
                   task_values: Sequence[tuple[int, int, int, int]]) -> CrossingStats:
    """Combine task results ``(walks, sum, sum of squares, max)`` per distance index."""
    n = len(distances)
    walks, total, squares, longest = [0] * n, [0] * n, [0] * n, [0] * n
    for index, (w, s, q, m) in zip(task_index, task_values, strict=True):
        walks[index] += w
        total[index] += s
        squares[index] += q
        longest[index] = max(longest[index], m)
    mean = np.array([t / w for t, w in zip(total, walks, strict=True)])
    # unbiased variance from exact integer sums: (n sum q - s^2) / (n (n - 1))
    var = np.array([(w * q - t * t) / (w * (w - 1)) for w, t, q in
                    zip(walks, total, squares, strict=True)])
    walks_arr = np.array(walks, dtype=np.int64)
    return CrossingStats(np.asarray(distances, dtype=float), walks_arr, mean,
                         np.sqrt(var / walks_arr), np.array(longest, dtype=np.int64))


def fit_power_law(distances: np.ndarray, mean: np.ndarray, stderr: np.ndarray) -> PowerFit:
    """Fit log T = log a + b log Y, weighting each point by 1/sigma^2 with
    sigma = stderr / T (the error of log T). Returns a, b and their standard errors."""
    x = np.log(distances)
    y = np.log(mean)
    sigma = stderr / mean
    design = np.column_stack([np.ones_like(x), x]) / sigma[:, None]
    coef, *_ = np.linalg.lstsq(design, y / sigma, rcond=None)
    cov = np.linalg.inv(design.T @ design)
    dof = max(len(x) - 2, 1)
    chi2 = float(np.sum(((y - coef[0] - coef[1] * x) / sigma) ** 2)) / dof
    prefactor = float(np.exp(coef[0]))
    return PowerFit(prefactor, prefactor * float(np.sqrt(cov[0, 0])), float(coef[1]),
                    float(np.sqrt(cov[1, 1])), chi2)
