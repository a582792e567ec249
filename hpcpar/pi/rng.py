"""Counter-based SplitMix64: output ``k`` of the stream seeded with ``seed`` in O(1).

SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
OOPSLA 2014, doi:10.1145/2714064.2660195; here the fixed-increment version of Vigna's
reference ``splitmix64.c``, https://prng.di.unimi.it/splitmix64.c) keeps a 64-bit Weyl
sequence ``state_k = seed + (k + 1) * GAMMA (mod 2**64)`` and returns ``mix64(state_k)``,
a bijective 64-bit finaliser (Stafford's "Mix13"). The reference describes it as "a very fast
generator passing BigCrush"; its period is 2**64. Because output ``k`` is a pure function of
``(seed, k)``, any range of the stream can be drawn directly, which is what makes per-chunk
streams free: chunk ``c`` of a Monte Carlo run simply uses outputs ``c*CHUNK .. (c+1)*CHUNK-1``
of the one stream, non-overlapping by construction, whatever rank or thread draws it.
Different seeds give the same cycle entered at different points: seeds ``s`` and ``s + d``
are ``d * GAMMA**-1 mod 2**64`` outputs apart, a pseudo-random distance for any ordinary
choice of seeds (only seeds differing by a small multiple of ``GAMMA`` overlap).

Three implementations that return the same bits: pure Python integers, numpy ``uint64``
arrays (wrap-around arithmetic) and numba (``uint64`` scalars, inlined into the kernels).
``tests/test_pi_rng.py`` checks them against values printed by the C reference.
"""

from __future__ import annotations

import numpy as np
from numba import njit

GAMMA = 0x9E3779B97F4A7C15  # 2**64 / golden ratio, odd: the Weyl increment
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
MASK64 = (1 << 64) - 1

_GAMMA = np.uint64(GAMMA)
_MIX1 = np.uint64(MIX1)
_MIX2 = np.uint64(MIX2)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)


def mix64_python(z: int) -> int:
    """The SplitMix64 finaliser on a Python int in ``[0, 2**64)``."""
    z = ((z ^ (z >> 30)) * MIX1) & MASK64
    z = ((z ^ (z >> 27)) * MIX2) & MASK64
    return z ^ (z >> 31)


@njit(nogil=True, cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """The SplitMix64 finaliser on a numba ``uint64`` (every constant is ``uint64`` so that
    numba never promotes the arithmetic to float64)."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


def mix64_numpy(z: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser on a ``uint64`` array, in place (numpy wraps mod 2**64);
    returns ``z``."""
    shifted = z >> _S30
    z ^= shifted
    z *= _MIX1
    np.right_shift(z, _S27, out=shifted)
    z ^= shifted
    z *= _MIX2
    np.right_shift(z, _S31, out=shifted)
    z ^= shifted
    return z


def weyl_state(seed: int, index: int) -> int:
    """``seed + index * GAMMA mod 2**64``: the Weyl state after ``index`` steps.

    Output ``k`` of the stream is ``mix64(weyl_state(seed, k + 1))``.
    """
    return (seed + index * GAMMA) & MASK64


def splitmix64(seed: int, first: int, count: int) -> np.ndarray:
    """Outputs ``first .. first + count - 1`` of the stream seeded with ``seed``.

    Returns a ``uint64`` array of shape ``(count,)``; output 0 is what the C reference's
    first ``next()`` call returns after ``x = seed``.
    """
    states = np.arange(1, count + 1, dtype=np.uint64)
    states *= _GAMMA
    states += np.uint64(weyl_state(seed, first))
    return mix64_numpy(states)
