"""Global residual norms that do not depend on the process grid, to the last bit.

The residual is the change of the field in one iteration, ``new - old`` [K], over the
interior points (for Jacobi it is the Poisson residual scaled by the diagonal).

* ``max``: each rank's ``max |new - old|``, then ``Allreduce(MAX)``; max is exact, so any
  reduction order gives the same bits.
* ``l2``: root mean square. A floating-point sum depends on its order, so the order is fixed
  to the one a single rank uses: along each global row, left to right, in one running sum
  that is passed from rank to rank along the process row (``cx = 0 .. px-1``); the finished
  row sums, one per global row, are assembled by an ``Allreduce(SUM)`` in which every entry
  has exactly one non-zero contribution (adding zeros is exact), and every rank then adds the
  ``ny`` row sums with ``math.fsum`` (correctly rounded, so order-free).

Both run every ``check_every`` iterations, not every iteration.
"""

from __future__ import annotations

import math

import numpy as np
from mpi4py import MPI

from hpcpar.heat2d.halo import CartesianGrid
from hpcpar.heat2d.kernels import max_abs_change, row_sums_of_squares

_ROW_SUM_TAG = 21


class GlobalResidual:
    """Callable ``(old, new) -> norm`` over the whole plate (collective on ``grid.cart``).

    Parameters
    ----------
    grid : the process grid.
    norm : ``"max"`` or ``"l2"`` (root mean square over the interior points).
    """

    def __init__(self, grid: CartesianGrid, norm: str) -> None:
        if norm not in ("max", "l2"):
            raise ValueError(f"unknown norm {norm!r}")
        self.grid = grid
        self.norm = norm
        self.box = grid.interior_box()
        ny, nx = grid.shape
        self.count = (nx - 2) * (ny - 2)
        self._local = np.zeros(1)
        self._global = np.zeros(1)
        if norm == "l2":
            # ranks of the same process row, ordered by cx
            self.row_comm = grid.cart.Sub([False, True])
            self._sums = np.zeros(grid.local_shape[0])
            self._rows_local = np.zeros(ny)
            self._rows = np.zeros(ny)

    def __call__(self, old: np.ndarray, new: np.ndarray) -> float:
        if self.norm == "max":
            self._local[0] = max_abs_change(old, new, *self.box)
            self.grid.cart.Allreduce(self._local, self._global, op=MPI.MAX)
            return float(self._global[0])
        return self._root_mean_square(old, new)

    def _root_mean_square(self, old: np.ndarray, new: np.ndarray) -> float:
        rank, size = self.row_comm.rank, self.row_comm.size
        sums = self._sums
        if rank == 0:
            sums[:] = 0.0
        else:
            self.row_comm.Recv(sums, source=rank - 1, tag=_ROW_SUM_TAG)
        row_sums_of_squares(old, new, *self.box, sums)
        self._rows_local[:] = 0.0
        if rank < size - 1:
            self.row_comm.Send(sums, dest=rank + 1, tag=_ROW_SUM_TAG)
        else:
            y0, y1 = self.grid.rows
            self._rows_local[y0:y1] = sums[1:-1]
        self.grid.cart.Allreduce(self._rows_local, self._rows, op=MPI.SUM)
        return math.sqrt(math.fsum(self._rows) / self.count)

    def free(self) -> None:
        """Release the row communicator."""
        if self.norm == "l2":
            self.row_comm.Free()
