"""heat2d's communication on the ranks of this MPI test job (run under mpiexec -n 2, 3, 4)."""

import math

import numpy as np
import pytest
from mpi4py import MPI

from hpcpar.heat2d.halo import HaloExchange, cartesian_grid
from hpcpar.heat2d.residual import GlobalResidual

pytestmark = pytest.mark.mpi(min_size=2)

SHAPE = (11, 13)  # (ny, nx): no process grid of 2, 3 or 4 ranks divides it evenly


def global_field(shape, salt=0.0):
    """A field whose every value names its global position."""
    j, i = np.indices(shape, dtype=np.float64)
    return 1000.0 * j + i + salt


@pytest.mark.parametrize("dims", ["auto", "columns"])
def test_halo_exchange_fills_ghosts_from_neighbours(dims):
    comm = MPI.COMM_WORLD
    grid_dims = tuple(MPI.Compute_dims(comm.size, 2)) if dims == "auto" else (1, comm.size)
    grid = cartesian_grid(comm, SHAPE, grid_dims)
    (y0, y1), (x0, x1) = grid.rows, grid.cols
    arrays = [np.full(grid.local_shape, -1.0), np.full(grid.local_shape, -1.0)]
    with HaloExchange(grid, arrays) as halo:
        for k, salt in ((0, 0.0), (1, 0.5), (0, 0.25)):  # requests restart on either buffer
            arrays[k][grid.owned] = global_field(SHAPE, salt)[y0:y1, x0:x1]
            halo.exchange(k)
            full = global_field(SHAPE, salt)
            a = arrays[k]
            if y0 > 0:
                assert np.array_equal(a[0, 1:-1], full[y0 - 1, x0:x1])
            if y1 < SHAPE[0]:
                assert np.array_equal(a[-1, 1:-1], full[y1, x0:x1])
            if x0 > 0:
                assert np.array_equal(a[1:-1, 0], full[y0:y1, x0 - 1])
            if x1 < SHAPE[1]:
                assert np.array_equal(a[1:-1, -1], full[y0:y1, x1])
            # ghosts at the plate's edge and corners are never written
            if y0 == 0:
                assert np.all(a[0] == -1.0)
            if x1 == SHAPE[1]:
                assert np.all(a[:, -1] == -1.0)
            assert a[0, 0] == a[0, -1] == a[-1, 0] == a[-1, -1] == -1.0
    grid.cart.Free()


def test_process_grid_covers_the_plate_once():
    comm = MPI.COMM_WORLD
    grid = cartesian_grid(comm, SHAPE, tuple(MPI.Compute_dims(comm.size, 2)))
    owner = np.zeros(SHAPE, dtype=np.int64)
    owner[grid.global_index] += 1
    total = np.zeros_like(owner)
    comm.Allreduce(owner, total, op=MPI.SUM)
    assert np.all(total == 1)
    grid.cart.Free()


@pytest.mark.parametrize("norm", ["max", "l2"])
@pytest.mark.parametrize("dims", ["auto", "columns", "rows"])
def test_global_residual_is_bitwise_the_serial_one(norm, dims):
    comm = MPI.COMM_WORLD
    grid_dims = {"auto": tuple(MPI.Compute_dims(comm.size, 2)), "columns": (1, comm.size),
                 "rows": (comm.size, 1)}[dims]
    shape = (9, 301)  # long rows: a changed summation order would show in the last bits
    rng = np.random.default_rng(42)  # same numbers on every rank
    old_full = rng.random(shape) * 1e3
    new_full = old_full + rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 2, shape)
    grid = cartesian_grid(comm, shape, grid_dims)
    old, new = np.zeros(grid.local_shape), np.zeros(grid.local_shape)
    old[grid.owned] = old_full[grid.global_index]
    new[grid.owned] = new_full[grid.global_index]
    residual = GlobalResidual(grid, norm)
    value = residual(old, new)
    # the serial computation: one rank owning everything, left to right along each row
    diff = (new_full - old_full)[1:-1, 1:-1]
    if norm == "max":
        expected = float(np.abs(diff).max())
    else:
        rows = []
        for row in diff:
            s = 0.0
            for d in row:
                s += float(d) * float(d)
            rows.append(s)
        expected = math.sqrt(math.fsum(rows) / diff.size)
    assert value == expected  # bitwise, not approximately
    assert comm.allgather(value) == [value] * comm.size
    residual.free()
    grid.cart.Free()
