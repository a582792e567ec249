"""Random-walk first-crossing kernels (no MPI): pure Python, numpy over walkers, numba.

A walk starts at y = 0 and takes steps uniform in [-1, 1) until |y| >= Y; a kernel returns the
number of steps each walk took. Every walker has its own random stream, SplitMix64 started
from a state that depends only on ``(seed, distance_index, walker)``, so a walk's result does
not depend on which kernel, task, thread, process or rank computes it: all kernels return
bitwise-identical step counts (same integer arithmetic, same IEEE double operations).

Stream of walker ``w``: ``state_0 = mix(mix(seed) ^ (distance_index << 40 | w))``, then
``state_k = state_{k-1} + GOLDEN`` and ``u_k = (mix(state_k) >> 11) * 2**-53`` in [0, 1);
the step is ``2 u_k - 1``. ``mix`` is SplitMix64's finaliser (a bijection of 64-bit words), so
distinct walkers start at distinct states.
"""

from __future__ import annotations

import numba
import numpy as np

KERNELS = ("python", "numpy", "numba")

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
WALKER_BITS = 40  # walker index bits in the stream key; the distance index sits above
TWO_M53 = 1.0 / 9007199254740992.0  # 2**-53


# -- pure Python ----------------------------------------------------------------------------
def _mix_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


def _start_state_py(seed: int, distance_index: int, walker: int) -> int:
    return _mix_py(_mix_py(seed & MASK64) ^ ((distance_index << WALKER_BITS) | walker))


def steps_python(distance: float, seed: int, distance_index: int, first_walker: int,
                 nwalkers: int) -> np.ndarray:
    """Steps to first reach ``|y| >= distance`` for walkers ``first_walker ..+nwalkers``.

    Returns an int64 array of shape (nwalkers,). One walker at a time, in plain Python.
    """
    steps = np.empty(nwalkers, dtype=np.int64)
    for i in range(nwalkers):
        state = _start_state_py(seed, distance_index, first_walker + i)
        y, n = 0.0, 0
        while abs(y) < distance:
            state = (state + GOLDEN) & MASK64
            u = (_mix_py(state) >> 11) * TWO_M53
            y += 2.0 * u - 1.0
            n += 1
        steps[i] = n
    return steps


# -- numpy: loop interchange, all live walkers advanced a block of steps at a time -----------
def _mix_np(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


def steps_numpy(distance: float, seed: int, distance_index: int, first_walker: int,
                nwalkers: int, block: int | None = None) -> np.ndarray:
    """As :func:`steps_python`, vectorised: the walker loop is moved inside the step loop
    (loop interchange) and every live walker takes ``block`` steps per iteration, as a
    (walkers, block) array; walkers that have crossed are dropped.

    Positions are a running sum (``np.cumsum`` adds strictly left to right) started from the
    current position, so they are bitwise the positions the scalar loop visits. Steps past a
    walker's crossing inside its last block are computed and thrown away; ``block`` (default
    about Y^2 / 4, 8..512) trades that waste against Python overhead per iteration.
    """
    if block is None:
        block = int(min(512, max(8, distance * distance / 4)))
    key = np.uint64(_mix_py(seed & MASK64))
    walkers = np.arange(first_walker, first_walker + nwalkers, dtype=np.uint64)
    state = _mix_np(key ^ ((np.uint64(distance_index) << np.uint64(WALKER_BITS)) | walkers))
    offsets = np.arange(1, block + 1, dtype=np.uint64) * np.uint64(GOLDEN)  # wraps mod 2^64
    live = np.arange(nwalkers)  # output positions of the walkers still walking
    y = np.zeros(nwalkers)
    steps = np.zeros(nwalkers, dtype=np.int64)
    taken = 0
    path = np.empty((nwalkers, block + 1))
    while live.size:
        u = (_mix_np(state[:, None] + offsets) >> np.uint64(11)) * TWO_M53
        walk = path[:live.size]
        walk[:, 0] = y
        walk[:, 1:] = 2.0 * u - 1.0
        np.cumsum(walk, axis=1, out=walk)
        crossed = np.abs(walk[:, 1:]) >= distance
        done = crossed.any(axis=1)
        steps[live[done]] = taken + 1 + crossed[done].argmax(axis=1)
        keep = ~done
        live, y = live[keep], walk[keep, -1]
        state = state[keep] + offsets[-1]
        taken += block
    return steps


# -- numba ----------------------------------------------------------------------------------
@numba.njit(cache=True, inline="always")
def _mix_nb(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


@numba.njit(cache=True, nogil=True, inline="always")
def _walk_nb(distance: float, start: np.uint64) -> np.int64:
    state = start
    y = 0.0
    n = 0
    while abs(y) < distance:
        state += np.uint64(GOLDEN)
        u = np.float64(_mix_nb(state) >> np.uint64(11)) * TWO_M53
        y += 2.0 * u - 1.0
        n += 1
    return n


@numba.njit(cache=True, nogil=True)
def _steps_nb(distance: float, key: np.uint64, distance_index: np.uint64, first_walker: np.int64,
              nwalkers: np.int64) -> np.ndarray:
    steps = np.empty(nwalkers, dtype=np.int64)
    high = distance_index << np.uint64(WALKER_BITS)
    for i in range(nwalkers):
        start = _mix_nb(key ^ (high | np.uint64(first_walker + i)))
        steps[i] = _walk_nb(distance, start)
    return steps


@numba.njit(cache=True, nogil=True, parallel=True)
def _steps_nb_prange(distance: float, key: np.uint64, distance_index: np.uint64,
                     first_walker: np.int64, nwalkers: np.int64) -> np.ndarray:
    steps = np.empty(nwalkers, dtype=np.int64)
    high = distance_index << np.uint64(WALKER_BITS)
    for i in numba.prange(nwalkers):
        start = _mix_nb(key ^ (high | np.uint64(first_walker + i)))
        steps[i] = _walk_nb(distance, start)
    return steps


def steps_numba(distance: float, seed: int, distance_index: int, first_walker: int,
                nwalkers: int) -> np.ndarray:
    """As :func:`steps_python`, compiled by numba (``nogil``: threads can run it in parallel)."""
    return _steps_nb(float(distance), np.uint64(_mix_py(seed & MASK64)),
                     np.uint64(distance_index), first_walker, nwalkers)


def steps_numba_prange(distance: float, seed: int, distance_index: int, first_walker: int,
                       nwalkers: int) -> np.ndarray:
    """As :func:`steps_numba`, walkers spread over numba's threads (``numba.set_num_threads``)."""
    return _steps_nb_prange(float(distance), np.uint64(_mix_py(seed & MASK64)),
                            np.uint64(distance_index), first_walker, nwalkers)


_STEPS = {"python": steps_python, "numpy": steps_numpy, "numba": steps_numba,
          "numba-prange": steps_numba_prange}


def first_crossing_steps(kernel: str, distance: float, seed: int, distance_index: int,
                         first_walker: int, nwalkers: int) -> np.ndarray:
    """Steps to first reach ``|y| >= distance`` (int64, shape (nwalkers,)) with ``kernel``:
    ``"python"``, ``"numpy"``, ``"numba"`` or ``"numba-prange"``."""
    try:
        steps = _STEPS[kernel]
    except KeyError:
        raise ValueError(f"unknown random-walk kernel {kernel!r}; expected one of "
                         f"{', '.join(_STEPS)}") from None
    if not 0 <= distance_index < (1 << (64 - WALKER_BITS)):
        raise ValueError(f"distance index {distance_index} outside 0..2**24-1")
    if first_walker < 0 or first_walker + nwalkers > (1 << WALKER_BITS):
        raise ValueError(f"walkers {first_walker}..{first_walker + nwalkers} outside 0..2**40")
    return steps(distance, seed, distance_index, first_walker, nwalkers)


def warmup(kernel: str = "numba") -> None:
    """Compile (or load from numba's cache) ``kernel`` if it is a numba kernel."""
    if kernel.startswith("numba"):
        first_crossing_steps(kernel, 2.0, 1, 0, 0, 2)
