"""Every communication pattern gives bitwise the same per-chunk partials and estimate as a
serial reference, on 1 rank (serial run) and on 2, 3, 4 ranks (MPI runs)."""

import numpy as np
import pytest
from mpi4py import MPI

from hpcpar.pi.estimate import estimate_pi
from hpcpar.pi.kernels import CHUNK_SIZE
from hpcpar.pi.patterns import PATTERNS, ChunkPartials, Problem

# 7 chunks (uneven over 2, 3 and 4 ranks, short last chunk) and 2 chunks (idle ranks).
SIZES = [6 * CHUNK_SIZE + 777, CHUNK_SIZE + 5]


def reference(problem):
    """Serial: every chunk computed on this rank, no communication."""
    partials = problem.partials(0, problem.nchunks)
    return partials, estimate_pi(problem.method, partials, problem.samples)


def check_all_patterns(comm, kernel):
    for samples in SIZES:
        for method in ("montecarlo", "midpoint"):
            problem = Problem(method, kernel, 2026, samples)
            expected, expected_estimate = reference(problem)
            for name, pattern in PATTERNS.items():
                # only rank 0's problem may matter to patterns that distribute it
                given = problem if comm.rank == 0 else Problem("midpoint", "numpy", 1, 99)
                if name in ("sendrecv", "reduce", "isend-irecv", "allreduce"):
                    given = problem
                partials = pattern(comm, given, Problem.partials)
                if comm.rank == 0 or name == "allreduce":
                    assert partials.dtype == problem.dtype, name
                    assert np.array_equal(partials, expected), (name, method, samples)
                    assert estimate_pi(method, partials, samples) == expected_estimate, name
                else:
                    assert partials is None, name


def test_patterns_on_one_rank():
    check_all_patterns(MPI.COMM_SELF, "numba")


@pytest.mark.mpi(min_size=2)
@pytest.mark.parametrize("kernel", ["numba", "numpy"])
def test_patterns_across_ranks_match_the_serial_reference(kernel):
    check_all_patterns(MPI.COMM_WORLD, kernel)


def test_chunk_partials_merge_exactly_and_check_coverage():
    a = ChunkPartials.of(0, np.array([1.5, 2.5]))
    b = ChunkPartials.of(2, np.array([3.5]))
    empty = ChunkPartials.of(3, np.array([]))
    assert np.array_equal((b + empty + a).assemble(3), [1.5, 2.5, 3.5])
    with pytest.raises(ValueError, match="computed twice"):
        a + a
    with pytest.raises(ValueError, match="missing"):
        b.assemble(3)
    with pytest.raises(ValueError, match="expected 4"):
        (a + b).assemble(4)


def test_problem_round_trips_through_a_buffer():
    problem = Problem("midpoint", "python", 2**63 - 1, 10**12)
    assert Problem.from_array(problem.to_array()) == problem
