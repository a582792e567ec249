"""π kernels: Monte Carlo hit counts and midpoint-rule sums (pure computation, no MPI).

Every kernel exists three times, selected by name: ``"python"`` (the plain loop textbooks
start from), ``"numpy"`` (vectorised over one chunk at a time, so memory stays bounded for any
N) and ``"numba"`` (compiled with ``nogil=True, cache=True``, so threads can run different
chunk ranges concurrently and MPI ranks load the compiled code from disk).

Monte Carlo. Sample ``i`` (0-based, ``i < nsamples``) is output ``i`` of the SplitMix64
stream of ``seed`` (:mod:`hpcpar.pi.rng`): its high 32 bits ``a`` and low 32 bits ``b`` are the
cell of a 2**32 x 2**32 grid on the unit square, and the point is that cell's centre
``((a + 1/2) / 2**32, (b + 1/2) / 2**32)``. It lies inside the quarter circle iff
``(2a + 1)**2 + (2b + 1)**2 < 2**66``, i.e. iff ``a(a + 1) + b(b + 1) < 2**64``: an exact
integer test, so all kernels count bitwise the same hits (no floating point, no rounding).
Samples are grouped in chunks of :data:`CHUNK_SIZE`; chunk ``c`` covers samples
``[c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, nsamples))``. The lattice of cell centres
differs from the continuous square by O(2**-32) at most (a relative bias far below 1e-9),
invisible next to the statistical error of any feasible N.

Midpoint. ``sum f(x_i)`` over intervals ``i`` with ``x_i = (i + 1/2) / n`` and
``f(x) = 4 / (1 + x**2)``; the caller multiplies by ``h = 1/n``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from hpcpar.pi.rng import GAMMA, MASK64, mix64, mix64_python, splitmix64, weyl_state

CHUNK_SIZE: int = 1 << 20
"""Samples (or midpoint intervals) per chunk. Fixed: results depend only on (seed, N)."""

KERNELS = ("python", "numpy", "numba")
METHODS = ("montecarlo", "midpoint")

_GAMMA = np.uint64(GAMMA)
_LOW32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def nchunks(nsamples: int) -> int:
    """Number of chunks of ``nsamples`` samples (the last one may be short)."""
    return -(-nsamples // CHUNK_SIZE)


def chunk_bounds(chunk: int, nsamples: int) -> tuple[int, int]:
    """Half-open sample range ``[start, stop)`` of chunk ``chunk``."""
    start = chunk * CHUNK_SIZE
    return start, min(start + CHUNK_SIZE, nsamples)


def _check_chunks(nsamples: int, first_chunk: int, stop_chunk: int) -> None:
    if not 0 <= first_chunk <= stop_chunk <= nchunks(nsamples):
        raise ValueError(f"chunk range [{first_chunk}, {stop_chunk}) outside "
                         f"[0, {nchunks(nsamples)}) for {nsamples} samples")


# --- Monte Carlo --------------------------------------------------------------------------

def _hits_python(seed: int, start: int, stop: int) -> int:
    """Hits among samples ``start .. stop - 1``: the textbook loop, one point at a time."""
    hits = 0
    state = weyl_state(seed, start)
    for _ in range(stop - start):
        state = (state + GAMMA) & MASK64
        z = mix64_python(state)
        a, b = z >> 32, z & 0xFFFFFFFF  # the point ((a + 1/2) / 2**32, (b + 1/2) / 2**32)
        if (2 * a + 1) ** 2 + (2 * b + 1) ** 2 < 1 << 66:  # x**2 + y**2 < 1, times 4**33
            hits += 1
    return hits


def _hits_numpy(seed: int, start: int, stop: int) -> int:
    """Hits among samples ``start .. stop - 1`` (at most one chunk), vectorised in place."""
    z = splitmix64(seed, start, stop - start)
    a = z >> _S32
    b = np.bitwise_and(z, _LOW32, out=z)
    aa = a * a
    aa += a  # a(a + 1) < 2**64: no wrap-around
    total = np.multiply(b, b, out=a)
    total += b
    total += aa  # wraps (total < aa) exactly when a(a+1) + b(b+1) >= 2**64
    return int(np.count_nonzero(total >= aa))


@njit(nogil=True, cache=True, error_model="numpy")
def _hits_numba(seed: np.uint64, start: int, stop: int) -> int:
    """Hits among samples ``start .. stop - 1``; the same test as :func:`_hits_numpy`."""
    state = seed + np.uint64(start) * _GAMMA
    hits = 0
    for _ in range(stop - start):
        state += _GAMMA
        z = mix64(state)
        a = z >> _S32
        b = z & _LOW32
        aa = a * a + a
        total = aa + (b * b + b)
        hits += total >= aa
    return hits


@njit(nogil=True, cache=True, error_model="numpy")
def _montecarlo_hits_numba(seed: np.uint64, nsamples: int, first_chunk: int,
                           stop_chunk: int, chunk_size: int) -> np.ndarray:
    hits = np.empty(stop_chunk - first_chunk, dtype=np.int64)
    for chunk in range(first_chunk, stop_chunk):
        start = chunk * chunk_size
        stop = min(start + chunk_size, nsamples)
        hits[chunk - first_chunk] = _hits_numba(seed, start, stop)
    return hits


def montecarlo_hits(kernel: str, seed: int, nsamples: int, first_chunk: int,
                    stop_chunk: int) -> np.ndarray:
    """Hits inside the quarter circle per chunk, for chunks ``[first_chunk, stop_chunk)``.

    Parameters
    ----------
    kernel : ``"python"``, ``"numpy"`` or ``"numba"`` (bitwise the same result).
    seed : stream seed, ``0 <= seed < 2**64``.
    nsamples : total samples N of the run (fixes the length of the last chunk).

    Returns
    -------
    int64 array of shape ``(stop_chunk - first_chunk,)``.
    """
    _check_chunks(nsamples, first_chunk, stop_chunk)
    if kernel == "numba":
        return _montecarlo_hits_numba(np.uint64(seed), nsamples, first_chunk, stop_chunk,
                                      CHUNK_SIZE)
    count = {"python": _hits_python, "numpy": _hits_numpy}[kernel]
    return np.array([count(seed, *chunk_bounds(c, nsamples))
                     for c in range(first_chunk, stop_chunk)], dtype=np.int64)


# --- midpoint rule ------------------------------------------------------------------------

def _midpoint_python(n: int, start: int, stop: int) -> float:
    h = 1.0 / n
    total = 0.0
    for i in range(start, stop):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


def _midpoint_numpy(n: int, start: int, stop: int) -> float:
    """Vectorised over blocks of at most CHUNK_SIZE intervals, summed in block order."""
    h = 1.0 / n
    total = 0.0
    for lo in range(start, stop, CHUNK_SIZE):
        x = (np.arange(lo, min(lo + CHUNK_SIZE, stop), dtype=np.float64) + 0.5) * h
        total += float(np.sum(4.0 / (1.0 + x * x)))
    return total


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def _midpoint_numba(n: int, start: int, stop: int) -> float:
    """The loop in a shape LLVM vectorises (4 doubles per AVX2 instruction):

    * ``error_model="numpy"``: the default ("python") puts a ZeroDivisionError test on every
      ``/``, a branch that keeps the loop scalar;
    * ``fastmath=True``: lets LLVM reorder the sum into one partial sum per vector lane;
    * a float counter ``t = i + 0.5`` (exact below 2**53) instead of converting the int64
      index every step: AVX2 has no int64 -> double vector conversion (that needs AVX-512DQ).
    """
    h = 1.0 / n
    total = 0.0
    t = start + 0.5
    for _ in range(stop - start):
        x = t * h
        total += 4.0 / (1.0 + x * x)
        t += 1.0
    return total


@njit(nogil=True, cache=True, fastmath=True, error_model="numpy")
def _midpoint_chunk_sums_numba(n: int, first_chunk: int, stop_chunk: int,
                               chunk_size: int) -> np.ndarray:
    sums = np.empty(stop_chunk - first_chunk, dtype=np.float64)
    for chunk in range(first_chunk, stop_chunk):
        start = chunk * chunk_size
        sums[chunk - first_chunk] = _midpoint_numba(n, start, min(start + chunk_size, n))
    return sums


def midpoint_sum(kernel: str, n: int, start: int, stop: int) -> float:
    """``sum(f(x_i) for i in range(start, stop))``, ``x_i = (i + 1/2)/n``, ``f = 4/(1 + x**2)``.

    The midpoint estimate of π over intervals ``start .. stop - 1`` is this times ``1/n``.
    """
    if not 0 <= start <= stop <= n:
        raise ValueError(f"interval range [{start}, {stop}) outside [0, {n})")
    return float({"python": _midpoint_python, "numpy": _midpoint_numpy,
                  "numba": _midpoint_numba}[kernel](n, start, stop))


def midpoint_chunk_sums(kernel: str, n: int, first_chunk: int, stop_chunk: int) -> np.ndarray:
    """:func:`midpoint_sum` of every chunk ``[first_chunk, stop_chunk)`` of ``n`` intervals.

    Returns a float64 array of shape ``(stop_chunk - first_chunk,)``; chunk ``c`` covers
    intervals ``[c * CHUNK_SIZE, min((c + 1) * CHUNK_SIZE, n))``.
    """
    _check_chunks(n, first_chunk, stop_chunk)
    if kernel == "numba":
        return _midpoint_chunk_sums_numba(n, first_chunk, stop_chunk, CHUNK_SIZE)
    return np.array([midpoint_sum(kernel, n, *chunk_bounds(c, n))
                     for c in range(first_chunk, stop_chunk)], dtype=np.float64)


def chunk_partials(method: str, kernel: str, seed: int, nsamples: int, first_chunk: int,
                   stop_chunk: int) -> np.ndarray:
    """Per-chunk partial results of ``method``: int64 hits or float64 midpoint sums."""
    if method == "montecarlo":
        return montecarlo_hits(kernel, seed, nsamples, first_chunk, stop_chunk)
    return midpoint_chunk_sums(kernel, nsamples, first_chunk, stop_chunk)


def warmup() -> None:
    """Compile (or load from numba's cache) every numba kernel with the run-time types."""
    _montecarlo_hits_numba(np.uint64(1), 3, 0, 1, CHUNK_SIZE)
    _midpoint_chunk_sums_numba(3, 0, 1, CHUNK_SIZE)
    _midpoint_numba(3, 0, 3)
