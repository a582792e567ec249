import numpy as np
import pytest

from hpcpar.decomposition import (
    Block1D,
    block_counts,
    block_owner,
    block_range,
    grid_blocks,
    process_grid,
)


@pytest.mark.parametrize("nparts", range(1, 9))
@pytest.mark.parametrize("n", [*range(0, 41), 97, 1000, 10**12 + 7])
def test_block_counts_cover_range_evenly(n, nparts):
    counts, displs = block_counts(n, nparts)
    assert counts.sum() == n
    assert counts.max() - counts.min() <= 1
    assert np.all(np.diff(counts) <= 0), "larger blocks go to the low ranks"
    assert displs[0] == 0
    assert np.array_equal(displs[1:], np.cumsum(counts)[:-1])
    for part in range(nparts):
        assert block_range(n, nparts, part) == (displs[part], displs[part] + counts[part])


@pytest.mark.parametrize("nparts", range(1, 9))
@pytest.mark.parametrize("n", range(1, 30))
def test_block_owner_inverts_block_range(n, nparts):
    for part in range(nparts):
        start, stop = block_range(n, nparts, part)
        for i in range(start, stop):
            assert block_owner(n, nparts, i) == part


def test_fewer_items_than_parts_leaves_trailing_parts_empty():
    counts, _ = block_counts(3, 5)
    assert counts.tolist() == [1, 1, 1, 0, 0]
    assert block_range(3, 5, 4) == (3, 3)


def test_block1d_ghosted_layout():
    b = Block1D.of(10, 3, 1, ghost=2)
    assert (b.start, b.stop, b.n_local, b.local_shape) == (4, 7, 3, 7)
    assert b.owned == slice(2, 5)


def test_bad_arguments_raise():
    with pytest.raises(ValueError):
        block_counts(5, 0)
    with pytest.raises(ValueError):
        block_range(5, 2, 2)
    with pytest.raises(ValueError):
        block_owner(5, 2, 5)


@pytest.mark.parametrize("nprocs", range(1, 17))
def test_process_grid_is_balanced(nprocs):
    dims = process_grid(nprocs, 2)
    assert dims[0] * dims[1] == nprocs
    assert dims[0] >= dims[1]
    if nprocs in (2, 3, 5, 7, 11, 13):
        assert dims == (nprocs, 1)
    assert process_grid(6) == (3, 2)


def test_grid_blocks_tile_the_domain():
    shape, dims = (13, 7), (3, 2)
    cover = np.zeros(shape, dtype=int)
    for i in range(dims[0]):
        for j in range(dims[1]):
            (x0, x1), (y0, y1) = grid_blocks(shape, dims, (i, j))
            cover[x0:x1, y0:y1] += 1
    assert np.all(cover == 1)
