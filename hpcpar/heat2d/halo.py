"""The 2D Cartesian process grid and the halo exchange between neighbouring blocks.

Ranks form a ``py x px`` grid (``MPI.Compute_dims``, ``Create_cart``, non-periodic); rank
``(cy, cx)`` owns global rows ``y0..y1-1`` and columns ``x0..x1-1`` of the ``ny x nx`` field
(block decomposition, uneven splits allowed) and stores them in a local array of shape
``(nyl + 2, nxl + 2)`` with one ghost layer per side.

The halo exchange is non-blocking and persistent: the send/receive requests are built once
per field array and restarted every iteration. Rows are contiguous and go straight from the
array; columns are strided and described by committed ``MPI.Create_subarray`` datatypes, so
no column is copied in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from hpcpar.decomposition import grid_blocks

# Message tags: the direction the data travels.
_TO_LOW_Y, _TO_HIGH_Y, _TO_LOW_X, _TO_HIGH_X = 11, 12, 13, 14


@dataclass
class CartesianGrid:
    """One rank's place in the process grid and its block of the global field."""

    cart: MPI.Cartcomm
    shape: tuple[int, int]        # global (ny, nx)
    dims: tuple[int, int]         # ranks along (y, x)
    coords: tuple[int, int]       # this rank's (cy, cx)
    rows: tuple[int, int]         # owned global rows [y0, y1)
    cols: tuple[int, int]         # owned global columns [x0, x1)
    low_y: int                    # neighbour ranks, MPI.PROC_NULL at the plate's edge
    high_y: int
    low_x: int
    high_x: int

    @property
    def local_shape(self) -> tuple[int, int]:
        """Shape of the local array, ghosts included."""
        return (self.rows[1] - self.rows[0] + 2, self.cols[1] - self.cols[0] + 2)

    @property
    def owned(self) -> tuple[slice, slice]:
        """Local index of the owned points."""
        ny, nx = self.local_shape
        return slice(1, ny - 1), slice(1, nx - 1)

    @property
    def global_index(self) -> tuple[slice, slice]:
        """Global index of the owned points."""
        return slice(*self.rows), slice(*self.cols)

    def interior_box(self) -> tuple[int, int, int, int]:
        """Local ``(j0, j1, i0, i1)`` of the owned points off the plate's edges (updated)."""
        ny, nx = self.shape
        y0, y1 = self.rows
        x0, x1 = self.cols
        j0, j1 = max(y0, 1) - y0 + 1, min(y1, ny - 1) - y0 + 1
        i0, i1 = max(x0, 1) - x0 + 1, min(x1, nx - 1) - x0 + 1
        return j0, max(j0, j1), i0, max(i0, i1)


def cartesian_grid(comm: MPI.Intracomm, shape: tuple[int, int],
                   dims: tuple[int, int]) -> CartesianGrid:
    """Collective: the Cartesian communicator over ``comm`` and this rank's block.

    ``dims`` = ranks along (y, x), e.g. from ``MPI.Compute_dims(comm.size, 2)``; rank order
    is kept (no reordering), so rank 0 of ``comm`` is rank 0 of the grid.
    """
    cart = comm.Create_cart(list(dims), periods=[False, False], reorder=False)
    coords = tuple(cart.Get_coords(cart.rank))
    (y0, y1), (x0, x1) = grid_blocks(tuple(shape), tuple(dims), coords)
    low_y, high_y = cart.Shift(0, 1)
    low_x, high_x = cart.Shift(1, 1)
    return CartesianGrid(cart, tuple(shape), tuple(dims), coords, (y0, y1), (x0, x1),
                         low_y, high_y, low_x, high_x)


class HaloExchange:
    """Persistent non-blocking exchange of one ghost layer for a set of field arrays.

    Parameters
    ----------
    grid : the process grid; every array has shape ``grid.local_shape``, float64, C order.
    arrays : the arrays to exchange (e.g. the two Jacobi buffers); requests are built for
        each once. ``exchange(k)`` fills the ghosts of ``arrays[k]`` from the neighbours.
    """

    def __init__(self, grid: CartesianGrid, arrays: Sequence[np.ndarray]) -> None:
        self.grid = grid
        ny, nx = grid.local_shape
        for a in arrays:
            if a.shape != (ny, nx) or a.dtype != np.float64 or not a.flags.c_contiguous:
                raise ValueError(f"halo arrays must be C-ordered float64 of shape {(ny, nx)}")
        self._arrays = list(arrays)  # the requests point into these buffers: keep them alive
        self._types: list[MPI.Datatype] = []
        column = {}
        if grid.low_x != MPI.PROC_NULL or grid.high_x != MPI.PROC_NULL:
            for name, start in (("send_low", 1), ("send_high", nx - 2),
                                ("recv_low", 0), ("recv_high", nx - 1)):
                dtype = MPI.DOUBLE.Create_subarray([ny, nx], [ny - 2, 1], [1, start]).Commit()
                self._types.append(dtype)
                column[name] = dtype
        self._requests = [self._build(a, column) for a in arrays]

    def _build(self, a: np.ndarray, column: dict[str, MPI.Datatype]) -> list[MPI.Prequest]:
        g, cart = self.grid, self.grid.cart
        ny, nx = a.shape
        reqs = []
        if g.low_y != MPI.PROC_NULL:
            reqs.append(cart.Recv_init(a[0, 1:nx - 1], g.low_y, _TO_HIGH_Y))
            reqs.append(cart.Send_init(a[1, 1:nx - 1], g.low_y, _TO_LOW_Y))
        if g.high_y != MPI.PROC_NULL:
            reqs.append(cart.Recv_init(a[ny - 1, 1:nx - 1], g.high_y, _TO_LOW_Y))
            reqs.append(cart.Send_init(a[ny - 2, 1:nx - 1], g.high_y, _TO_HIGH_Y))
        if g.low_x != MPI.PROC_NULL:
            reqs.append(cart.Recv_init([a, 1, column["recv_low"]], g.low_x, _TO_HIGH_X))
            reqs.append(cart.Send_init([a, 1, column["send_low"]], g.low_x, _TO_LOW_X))
        if g.high_x != MPI.PROC_NULL:
            reqs.append(cart.Recv_init([a, 1, column["recv_high"]], g.high_x, _TO_LOW_X))
            reqs.append(cart.Send_init([a, 1, column["send_high"]], g.high_x, _TO_HIGH_X))
        return reqs

    def exchange(self, k: int) -> None:
        """Fill the ghost layer of ``arrays[k]`` (owned points must be up to date)."""
        reqs = self._requests[k]
        if reqs:
            MPI.Prequest.Startall(reqs)
            MPI.Request.Waitall(reqs)

    def free(self) -> None:
        """Release the requests and datatypes (collective in spirit: call on every rank)."""
        for reqs in self._requests:
            for req in reqs:
                req.Free()
        self._requests = []
        for dtype in self._types:
            dtype.Free()
        self._types = []

    def __enter__(self) -> HaloExchange:
        return self

    def __exit__(self, *exc: object) -> None:
        self.free()
