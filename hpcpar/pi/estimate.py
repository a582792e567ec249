"""π estimates and their errors from per-chunk partial results (pure arithmetic, no MPI).

Both functions take the complete per-chunk array in chunk order, so every rank count and
every communication pattern, which all deliver that same array, get bitwise the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hpcpar.pi.kernels import CHUNK_SIZE


@dataclass(frozen=True)
class Estimate:
    """One π estimate.

    ``error`` is the method's own error measure: the standard error (Monte Carlo) or the
    true error ``|estimate - π|`` (midpoint). ``error_bound`` is the midpoint rule's analytic
    bound (NaN for Monte Carlo).
    """

    method: str
    samples: int
    estimate: float
    error: float
    abs_error: float
    error_bound: float
    nchunks: int


def chunk_lengths(nsamples: int, nchunks: int) -> np.ndarray:
    """Samples per chunk: ``CHUNK_SIZE`` each, the last one possibly shorter (int64)."""
    lengths = np.full(nchunks, CHUNK_SIZE, dtype=np.int64)
    lengths[-1] = nsamples - (nchunks - 1) * CHUNK_SIZE
    return lengths


def montecarlo_estimate(chunk_hits: np.ndarray, nsamples: int) -> Estimate:
    """π ≈ 4 M / N from per-chunk hit counts, with its standard error.

    The standard error comes from the spread of the per-chunk estimates ``p_c = m_c / n_c``:
    ``s² = Σ n_c (p_c - p)² / (K - 1)`` estimates the per-sample variance of a hit, and
    ``SE = 4 sqrt(s² / N)``. With a single chunk (N <= CHUNK_SIZE) there is no spread to use and
    the binomial formula ``4 sqrt(p (1 - p) / N)`` is reported instead.
    """
    hits = int(np.sum(chunk_hits))  # exact: int64 sum of at most N <= 10**12
    p = hits / nsamples
    k = len(chunk_hits)
    if k > 1:
        n_c = chunk_lengths(nsamples, k).astype(np.float64)
        variance = float(np.sum(n_c * (chunk_hits / n_c - p) ** 2)) / (k - 1)
    else:
        variance = p * (1.0 - p)
    estimate = 4 * hits / nsamples  # one correctly rounded division of exact integers
    return Estimate("montecarlo", nsamples, estimate, 4.0 * math.sqrt(variance / nsamples),
                    abs(estimate - math.pi), math.nan, k)


def midpoint_error_bound(n: int) -> float:
    """Analytic bound of the composite midpoint rule on ∫₀¹ 4/(1+x²) dx with n intervals:
    ``|E| <= (b - a) h² max|f''| / 24 = h² / 3``, since ``f''(x) = 8 (3x² - 1) / (1 + x²)³``
    has its largest magnitude, 8, at x = 0. (The actual error is ``h²/12`` to leading order.)
    """
    return 1.0 / (3.0 * n * n)


def midpoint_estimate(chunk_sums: np.ndarray, n: int) -> Estimate:
    """π ≈ h Σ f(x_i) from per-chunk sums, added exactly (``math.fsum``) then divided by n."""
    estimate = math.fsum(chunk_sums.tolist()) / n
    error = abs(estimate - math.pi)
    return Estimate("midpoint", n, estimate, error, error, midpoint_error_bound(n),
                    len(chunk_sums))


def estimate_pi(method: str, partials: np.ndarray, nsamples: int) -> Estimate:
    """The estimate of ``method`` from its per-chunk partials (see ``kernels.chunk_partials``)."""
    if method == "montecarlo":
        return montecarlo_estimate(partials, nsamples)
    return midpoint_estimate(partials, nsamples)
