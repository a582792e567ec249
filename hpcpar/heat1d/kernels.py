"""FTCS stencil kernels for one rank's block (numba, no MPI).

Local arrays have ``n`` owned points at ``g .. g+n-1`` and ``g`` ghost points per side
(``m = n + 2 g`` entries). Two buffers ``a`` and ``b`` take turns: level 0 (the state after a
halo exchange) is in ``a``, level 1 in ``b``, level 2 in ``a`` again, and so on. With ghost
width ``g`` a block advances up to ``g`` steps per exchange: the valid region shrinks by one
point per side and step, and every point is computed from the same operands by the same
formula whatever the decomposition, so results are bitwise identical for any number of ranks
and any ghost width.

Each side of a block is one of

* ``NEIGHBOUR``: ghosts come from the neighbouring rank (``recv_*`` buffers);
* ``FIXED``: a Dirichlet end point (local index ``g`` or ``g+n-1``), never updated;
* ``MIRROR``: an insulated (Neumann) end, cell-centred: ghost ``g-1-j`` mirrors ``g+j``.

One exchange cycle of ``nsub <= g`` steps is :func:`pack_edges`, :func:`advance_interior`
(points that need no ghost data: can overlap the messages), then :func:`advance_edges`
(ghost data in place). The update ``u + r * ((u[i-1] + u[i+1]) - 2 u)`` is symmetric in the
two neighbours, so mirrored ghosts evolve exactly like the points they mirror.
"""

from __future__ import annotations

import numpy as np
from numba import njit

NEIGHBOUR = 0
FIXED = 1
MIRROR = 2


@njit(cache=True)
def ftcs_range(src: np.ndarray, dst: np.ndarray, r: float, lo: int, hi: int) -> None:
    """One explicit Euler step for points ``lo <= i < hi``: ``dst[i]`` from ``src[i-1:i+2]``.

    Written on slices: indexing ``src`` and ``dst`` directly keeps LLVM from vectorising (the
    two arrays might alias), which costs a factor of 4 here.
    """
    if hi <= lo:
        return
    s = src[lo - 1:hi + 1]
    d = dst[lo:hi]
    for i in range(hi - lo):
        d[i] = s[i + 1] + r * ((s[i] + s[i + 2]) - 2.0 * s[i + 1])


@njit(cache=True)
def _full_range(s: int, g: int, n: int, left: int, right: int) -> tuple[int, int]:
    """Points ``[lo, hi)`` valid after step ``s`` of a cycle (ghost cells included)."""
    lo = g + 1 if left == FIXED else s
    hi = g + n - 1 if right == FIXED else n + 2 * g - s
    return lo, hi


@njit(cache=True)
def pack_edges(a: np.ndarray, g: int, n: int, send_left: np.ndarray,
               send_right: np.ndarray) -> None:
    """Copy the ``g`` outermost owned points of each side into the send buffers."""
    for j in range(g):
        send_left[j] = a[g + j]
        send_right[j] = a[n + j]


@njit(cache=True)
def advance_interior(a: np.ndarray, b: np.ndarray, r: float, nsub: int, g: int, n: int,
                     left: int, right: int) -> None:
    """Advance ``nsub`` steps on the points that do not depend on neighbour ghosts.

    Fills mirror ghosts first. Touches no ghost cell of a ``NEIGHBOUR`` side, and no owned
    point within ``s`` of it at step ``s``, so it may run while the halo messages travel.
    """
    if left == MIRROR:
        for j in range(g):
            a[g - 1 - j] = a[g + j]
    if right == MIRROR:
        for j in range(g):
            a[g + n + j] = a[g + n - 1 - j]
    src, dst = a, b
    for s in range(1, nsub + 1):
        lo, hi = _full_range(s, g, n, left, right)
        if left == NEIGHBOUR:
            lo = max(lo, g + s)
        if right == NEIGHBOUR:
            hi = min(hi, g + n - s)
        ftcs_range(src, dst, r, lo, hi)
        src, dst = dst, src


@njit(cache=True)
def advance_edges(a: np.ndarray, b: np.ndarray, r: float, nsub: int, g: int, n: int,
                  left: int, right: int, recv_left: np.ndarray, recv_right: np.ndarray
                  ) -> None:
    """Store the received ghosts, then advance the points :func:`advance_interior` left out.

    At step ``s`` the left edge is ``[s, g+s)`` and the right edge ``[g+n-s, n+2g-s)``,
    clipped to the valid range; the interior pass never overwrites the values they read.
    """
    if left == NEIGHBOUR:
        for j in range(g):
            a[j] = recv_left[j]
    if right == NEIGHBOUR:
        for j in range(g):
            a[g + n + j] = recv_right[j]
    src, dst = a, b
    for s in range(1, nsub + 1):
        lo, hi = _full_range(s, g, n, left, right)
        if left == NEIGHBOUR:
            ftcs_range(src, dst, r, lo, min(g + s, hi))
        if right == NEIGHBOUR:
            ftcs_range(src, dst, r, max(g + n - s, lo), hi)
        src, dst = dst, src


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel with the solver's argument types."""
    g, n = 2, 6
    a, b = np.zeros(n + 2 * g), np.zeros(n + 2 * g)
    send_l, send_r, recv_l, recv_r = (np.zeros(g) for _ in range(4))
    pack_edges(a, g, n, send_l, send_r)
    advance_interior(a, b, 0.25, 2, g, n, NEIGHBOUR, MIRROR)
    advance_edges(a, b, 0.25, 2, g, n, NEIGHBOUR, MIRROR, recv_l, recv_r)
