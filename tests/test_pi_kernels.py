"""π kernels: bitwise agreement of python/numpy/numba, chunking, accuracy (no MPI)."""

import math

import numpy as np
import pytest

from hpcpar.pi import kernels
from hpcpar.pi.estimate import midpoint_error_bound, montecarlo_estimate
from hpcpar.pi.kernels import (
    CHUNK_SIZE,
    KERNELS,
    midpoint_chunk_sums,
    midpoint_sum,
    montecarlo_hits,
)
from hpcpar.pi.rng import splitmix64


def hits_by_definition(seed, first, count):
    """The quarter-circle test on cell centres, in exact Python integers."""
    z = splitmix64(seed, first, count)
    return sum((2 * (int(v) >> 32) + 1) ** 2 + (2 * (int(v) & 0xFFFFFFFF) + 1) ** 2 < 1 << 66
               for v in z)


def test_interface_constants():
    assert isinstance(CHUNK_SIZE, int) and CHUNK_SIZE == 1 << 20
    for fn in (kernels._hits_numba, kernels._montecarlo_hits_numba, kernels._midpoint_numba,
               kernels._midpoint_chunk_sums_numba):
        assert fn.targetoptions["nogil"] and fn._cache.__class__.__name__ != "NullCache"


@pytest.mark.parametrize("kernel", KERNELS)
def test_montecarlo_kernels_draw_the_same_points(kernel):
    """Short last chunks at counters past 2**21 and near 1e11 (64-bit indices)."""
    for last, count in ((2, 3000), (95367, 2000)):
        nsamples = last * CHUNK_SIZE + count
        hits = montecarlo_hits(kernel, 99, nsamples, last, last + 1)
        assert hits.dtype == np.int64 and hits.shape == (1,)
        assert hits[0] == hits_by_definition(99, last * CHUNK_SIZE, count)


def test_numba_and_numpy_agree_on_full_chunks():
    nsamples = 5 * CHUNK_SIZE + 12345
    numba_hits = montecarlo_hits("numba", 3, nsamples, 0, 6)
    assert np.array_equal(numba_hits, montecarlo_hits("numpy", 3, nsamples, 0, 6))
    assert np.array_equal(numba_hits[2:4], montecarlo_hits("numba", 3, nsamples, 2, 4))
    assert montecarlo_hits("numba", 3, nsamples, 4, 4).shape == (0,)
    assert abs(4 * numba_hits.sum() / nsamples - math.pi) < 0.005


def test_bad_chunk_ranges_and_kernels_are_rejected():
    with pytest.raises(ValueError, match="outside"):
        montecarlo_hits("numba", 1, CHUNK_SIZE, 0, 2)
    with pytest.raises(ValueError, match="outside"):
        midpoint_sum("numba", 10, 5, 11)
    with pytest.raises(KeyError):
        montecarlo_hits("fortran", 1, 10, 0, 1)


def test_montecarlo_estimate_and_standard_error_are_sound():
    """Across seeds the estimate lies within 4 standard errors of π, and the per-chunk
    standard error agrees with the binomial one."""
    nsamples = 40 * CHUNK_SIZE
    for seed in range(4):
        est = montecarlo_estimate(montecarlo_hits("numba", seed, nsamples, 0, 40), nsamples)
        assert est.nchunks == 40
        assert abs(est.estimate - math.pi) < 4 * est.error
        binomial = 4 * math.sqrt(math.pi / 4 * (1 - math.pi / 4) / nsamples)
        assert 0.6 < est.error / binomial < 1.4


def test_single_chunk_uses_the_binomial_standard_error():
    est = montecarlo_estimate(np.array([785]), 1000)
    assert est.error == pytest.approx(4 * math.sqrt(0.785 * 0.215 / 1000))


@pytest.mark.parametrize("kernel", KERNELS)
def test_midpoint_error_falls_as_n_to_the_minus_two(kernel):
    sizes = [64, 128, 256, 512, 1024]
    errors = [midpoint_sum(kernel, n, 0, n) / n - math.pi for n in sizes]
    for n, err in zip(sizes, errors, strict=True):
        assert 0 < err <= midpoint_error_bound(n)
        assert err * n * n == pytest.approx(1 / 12, rel=1e-3)  # leading term h**2/12
    orders = np.diff(np.log(errors)) / np.diff(np.log(sizes))
    assert np.allclose(orders, -2.0, atol=0.01)


def test_midpoint_kernels_agree_and_chunk_sums_add_up():
    n = 3 * CHUNK_SIZE + 4321
    sums = midpoint_chunk_sums("numba", n, 0, 4)
    assert np.allclose(sums, midpoint_chunk_sums("numpy", n, 0, 4), rtol=1e-13, atol=0)
    assert math.fsum(sums) / n == pytest.approx(math.pi, rel=1e-14)
    assert sums[1] == midpoint_sum("numba", n, CHUNK_SIZE, 2 * CHUNK_SIZE)
    tail = [midpoint_sum(k, n, n - 3000, n) for k in KERNELS]
    assert np.allclose(tail, tail[0], rtol=1e-13, atol=0)
    far = 10**11
    values = [midpoint_sum(k, far, far - 1000, far) for k in KERNELS]  # x_i near 1: f = 2
    assert np.allclose(values, 2000.00001, rtol=1e-13)


def test_numba_kernels_run_in_threads():
    """nogil kernels called from threads on different chunk ranges give the serial result."""
    from concurrent.futures import ThreadPoolExecutor

    nsamples = 6 * CHUNK_SIZE + 99
    ranges = [(0, 2), (2, 3), (3, 6), (6, 7)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        hits = list(pool.map(lambda r: montecarlo_hits("numba", 8, nsamples, *r), ranges))
        sums = list(pool.map(lambda r: midpoint_chunk_sums("numba", nsamples, *r), ranges))
    assert np.array_equal(np.concatenate(hits), montecarlo_hits("numba", 8, nsamples, 0, 7))
    assert np.array_equal(np.concatenate(sums), midpoint_chunk_sums("numba", nsamples, 0, 7))
