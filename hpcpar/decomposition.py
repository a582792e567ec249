"""Block decomposition of index ranges over ranks (pure arithmetic, no communication).

N items over P ranks: every rank gets ``N // P`` items and the first ``N % P`` ranks one more,
so counts differ by at most one and rank order follows index order. Valid for N < P (trailing
ranks then own nothing) and for every remainder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def block_counts(n: int, nparts: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts and displacements of ``n`` items split into ``nparts`` contiguous blocks.

    Returns
    -------
    counts, displs : int64 arrays of shape (nparts,)
        Block ``p`` is ``range(displs[p], displs[p] + counts[p])``.
    """
    if n < 0 or nparts < 1:
        raise ValueError(f"need n >= 0 and nparts >= 1, got n={n}, nparts={nparts}")
    base, extra = divmod(n, nparts)
    counts = np.full(nparts, base, dtype=np.int64)
    counts[:extra] += 1
    displs = np.zeros(nparts, dtype=np.int64)
    np.cumsum(counts[:-1], out=displs[1:])
    return counts, displs


def block_range(n: int, nparts: int, part: int) -> tuple[int, int]:
    """Half-open global index range ``[start, stop)`` of block ``part`` (O(1), no arrays)."""
    if not 0 <= part < nparts:
        raise ValueError(f"part {part} outside 0..{nparts - 1}")
    base, extra = divmod(n, nparts)
    start = part * base + min(part, extra)
    return start, start + base + (1 if part < extra else 0)


def block_owner(n: int, nparts: int, index: int) -> int:
    """The block that owns global ``index`` (inverse of :func:`block_range`)."""
    if not 0 <= index < n:
        raise ValueError(f"index {index} outside 0..{n - 1}")
    base, extra = divmod(n, nparts)
    split = extra * (base + 1)  # items held by the larger blocks
    if index < split:
        return index // (base + 1)
    return extra + (index - split) // base


@dataclass(frozen=True)
class Block1D:
    """One rank's share of a 1D grid of ``n_global`` points, with ``ghost`` halo cells per side.

    The local array has ``n_local + 2 * ghost`` entries; owned points sit at local indices
    ``ghost .. ghost + n_local - 1`` and are global indices ``start .. stop - 1``.
    """

    n_global: int
    start: int
    stop: int
    ghost: int = 1

    @classmethod
    def of(cls, n_global: int, nparts: int, part: int, ghost: int = 1) -> Block1D:
        start, stop = block_range(n_global, nparts, part)
        return cls(n_global, start, stop, ghost)

    @property
    def n_local(self) -> int:
        """Number of owned points."""
        return self.stop - self.start

    @property
    def owned(self) -> slice:
        """Slice of the owned points in the local (ghosted) array."""
        return slice(self.ghost, self.ghost + self.n_local)

    @property
    def local_shape(self) -> int:
        """Length of the local array, ghosts included."""
        return self.n_local + 2 * self.ghost


def grid_blocks(shape: tuple[int, ...], dims: tuple[int, ...], coords: tuple[int, ...]
                ) -> tuple[tuple[int, int], ...]:
    """Per-axis ``(start, stop)`` of the block at process-grid ``coords`` in a ``dims`` grid."""
    if not len(shape) == len(dims) == len(coords):
        raise ValueError(f"shape {shape}, dims {dims} and coords {coords} differ in length")
    return tuple(block_range(n, p, c) for n, p, c in zip(shape, dims, coords, strict=True))


def process_grid(nprocs: int, ndim: int = 2) -> tuple[int, ...]:
    """Balanced process-grid dimensions from ``MPI.Compute_dims`` (largest first).

    A prime ``nprocs`` gives ``(nprocs, 1)``; 6 gives ``(3, 2)``.
    """
    from mpi4py import MPI  # local import: the arithmetic above needs no MPI

    return tuple(MPI.Compute_dims(nprocs, [0] * ndim))
