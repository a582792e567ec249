"""The eight ways the π solver combines partial results over MPI, one function each.

Every pattern has the signature ``pattern(comm, problem, compute)`` and returns the complete
array of per-chunk partials (int64 hits or float64 midpoint sums, in chunk order) on rank 0,
and ``None`` on the other ranks (``allreduce``: on every rank). ``compute(problem, first,
stop)`` returns the partials of chunks ``[first, stop)``. Ranks own consecutive, balanced chunk
ranges (:func:`hpcpar.decomposition.block_range`), possibly empty when there are more ranks
than chunks.

Why per-chunk partials rather than one number per rank: a rank's sum depends on which chunks
it owns, so adding per-rank floats would make the midpoint answer depend on the rank count
in the last bits. Partials per fixed chunk are the same whoever computes them; the statistics
(:mod:`hpcpar.pi.estimate`) then see the same array for every pattern and rank count and give
bitwise the same estimate. The patterns that reduce (``reduce``, ``bcast``, ``buffer``,
``allreduce``) stay exact because they never add two floats: the object patterns merge
disjoint chunk ranges (:class:`ChunkPartials`), the buffer patterns add arrays that are zero
outside each rank's own chunks (``x + 0 == x`` in any order MPI picks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from hpcpar.decomposition import block_counts, block_range
from hpcpar.pi import kernels

_TAG = 3141


@dataclass(frozen=True)
class Problem:
    """What every rank needs to know to compute its chunks: the work description."""

    method: str
    kernel: str
    seed: int
    samples: int

    @property
    def nchunks(self) -> int:
        return kernels.nchunks(self.samples)

    @property
    def dtype(self) -> np.dtype:
        """dtype of the per-chunk partials: int64 hits or float64 sums."""
        return np.dtype(np.int64 if self.method == "montecarlo" else np.float64)

    def partials(self, first_chunk: int, stop_chunk: int) -> np.ndarray:
        """Partials of chunks ``[first_chunk, stop_chunk)`` (see ``kernels.chunk_partials``)."""
        return kernels.chunk_partials(self.method, self.kernel, self.seed, self.samples,
                                      first_chunk, stop_chunk)

    def to_array(self) -> np.ndarray:
        """The problem as 4 int64 numbers, for buffer (uppercase) MPI calls."""
        return np.array([kernels.METHODS.index(self.method), kernels.KERNELS.index(self.kernel),
                         self.seed, self.samples], dtype=np.int64)

    @classmethod
    def from_array(cls, values: np.ndarray) -> Problem:
        method, kernel, seed, samples = (int(v) for v in values)
        return cls(kernels.METHODS[method], kernels.KERNELS[kernel], seed, samples)


Compute = Callable[[Problem, int, int], np.ndarray]


class ChunkPartials:
    """Partials of some disjoint chunk ranges; ``a + b`` merges them without arithmetic, so
    an object ``reduce`` with ``MPI.SUM`` is exact in whatever order MPI combines ranks."""

    def __init__(self, pieces: dict[int, np.ndarray] | None = None) -> None:
        self.pieces = pieces or {}

    @classmethod
    def of(cls, first_chunk: int, values: np.ndarray) -> ChunkPartials:
        return cls({first_chunk: values} if len(values) else {})

    def __add__(self, other: ChunkPartials) -> ChunkPartials:
        overlap = self.pieces.keys() & other.pieces.keys()
        if overlap:
            raise ValueError(f"chunk ranges starting at {sorted(overlap)} were computed twice")
        return ChunkPartials({**self.pieces, **other.pieces})

    def assemble(self, nchunks: int) -> np.ndarray:
        """The partials of chunks ``0 .. nchunks - 1`` as one array, in chunk order."""
        parts, expected = [], 0
        for first in sorted(self.pieces):
            if first != expected:
                raise ValueError(f"chunks {expected} .. {first - 1} are missing")
            parts.append(self.pieces[first])
            expected += len(self.pieces[first])
        if expected != nchunks:
            raise ValueError(f"have chunks 0 .. {expected - 1}, expected {nchunks}")
        return np.concatenate(parts)


def own_chunks(comm: MPI.Comm, problem: Problem) -> tuple[int, int]:
    """This rank's chunk range ``[first, stop)``: a balanced contiguous block."""
    return block_range(problem.nchunks, comm.size, comm.rank)


# --- the patterns ---------------------------------------------------------------------------

def sendrecv(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """Workers ``send`` their partials (pickled objects) to rank 0, which ``recv``s them."""
    first, stop = own_chunks(comm, problem)
    mine = ChunkPartials.of(first, compute(problem, first, stop))
    if comm.rank != 0:
        comm.send(mine, dest=0, tag=_TAG)
        return None
    total = mine
    for source in range(1, comm.size):
        total = total + comm.recv(source=source, tag=_TAG)
    return total.assemble(problem.nchunks)


def scatter_gather(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """Rank 0 ``scatter``s one work description per rank; the partials come back by
    ``gather``, in rank order, which is chunk order."""
    work = None
    if comm.rank == 0:
        work = [(problem, *block_range(problem.nchunks, comm.size, rank))
                for rank in range(comm.size)]
    my_problem, first, stop = comm.scatter(work, root=0)
    parts = comm.gather(compute(my_problem, first, stop), root=0)
    return np.concatenate(parts) if comm.rank == 0 else None


def reduce(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """Object ``reduce`` with ``MPI.SUM`` of every rank's :class:`ChunkPartials`."""
    first, stop = own_chunks(comm, problem)
    mine = ChunkPartials.of(first, compute(problem, first, stop))
    total = comm.reduce(mine, op=MPI.SUM, root=0)
    return total.assemble(problem.nchunks) if comm.rank == 0 else None


def bcast(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """Rank 0 broadcasts the problem (``bcast``); the partials come back by ``reduce``."""
    problem = comm.bcast(problem if comm.rank == 0 else None, root=0)
    first, stop = own_chunks(comm, problem)
    mine = ChunkPartials.of(first, compute(problem, first, stop))
    total = comm.reduce(mine, op=MPI.SUM, root=0)
    return total.assemble(problem.nchunks) if comm.rank == 0 else None


def buffer(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """``Bcast`` of a parameter array, ``Reduce`` of numpy buffers (no pickling).

    Each rank contributes an array over all chunks that is zero outside its own chunks, so
    the ``MPI.SUM`` adds each partial to zeros only: exact, in any reduction order.
    """
    params = problem.to_array() if comm.rank == 0 else np.empty(4, dtype=np.int64)
    comm.Bcast(params, root=0)
    problem = Problem.from_array(params)
    first, stop = own_chunks(comm, problem)
    mine = np.zeros(problem.nchunks, dtype=problem.dtype)
    mine[first:stop] = compute(problem, first, stop)
    total = np.empty_like(mine) if comm.rank == 0 else None
    comm.Reduce(mine, total, op=MPI.SUM, root=0)
    return total


def scatterv_gatherv(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """``Scatterv`` of the chunk indices (uneven counts when ranks do not divide the chunks),
    ``Gatherv`` of the per-chunk partials straight into the result array."""
    problem = comm.bcast(problem if comm.rank == 0 else None, root=0)
    counts, displs = block_counts(problem.nchunks, comm.size)  # significant on rank 0 only
    my_count = np.empty(1, dtype=np.int64)
    comm.Scatter(counts if comm.rank == 0 else None, my_count, root=0)
    my_chunks = np.empty(int(my_count[0]), dtype=np.int64)
    all_chunks = np.arange(problem.nchunks, dtype=np.int64) if comm.rank == 0 else None
    comm.Scatterv([all_chunks, counts, displs, MPI.INT64_T] if comm.rank == 0 else None,
                  my_chunks, root=0)
    first, stop = (int(my_chunks[0]), int(my_chunks[-1]) + 1) if len(my_chunks) else (0, 0)
    mine = compute(problem, first, stop)
    total = np.empty(problem.nchunks, dtype=problem.dtype) if comm.rank == 0 else None
    comm.Gatherv(mine, [total, counts, displs, MPI.Datatype.fromcode(problem.dtype.char)]
                 if comm.rank == 0 else None, root=0)
    return total


def isend_irecv(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray | None:
    """Workers ``Isend`` their partials to rank 0, which posts one ``Irecv`` per worker into
    its slice of the result, computes its own chunks meanwhile, then ``Waitall``s."""
    first, stop = own_chunks(comm, problem)
    if comm.rank != 0:
        mine = compute(problem, first, stop)
        MPI.Request.Waitall([comm.Isend(mine, dest=0, tag=_TAG)])
        return None
    total = np.empty(problem.nchunks, dtype=problem.dtype)
    requests = []
    for source in range(1, comm.size):
        lo, hi = block_range(problem.nchunks, comm.size, source)
        requests.append(comm.Irecv(total[lo:hi], source=source, tag=_TAG))
    total[first:stop] = compute(problem, first, stop)  # overlaps with the incoming messages
    MPI.Request.Waitall(requests)
    return total


def allreduce(comm: MPI.Comm, problem: Problem, compute: Compute) -> np.ndarray:
    """``Allreduce`` (in place) of zero-padded buffers, as in :func:`buffer`: every rank
    ends with all partials, and so with the answer."""
    first, stop = own_chunks(comm, problem)
    total = np.zeros(problem.nchunks, dtype=problem.dtype)
    total[first:stop] = compute(problem, first, stop)
    comm.Allreduce(MPI.IN_PLACE, total, op=MPI.SUM)
    return total


PATTERNS: dict[str, Callable[[MPI.Comm, Problem, Compute], np.ndarray | None]] = {
    "sendrecv": sendrecv,
    "scatter-gather": scatter_gather,
    "reduce": reduce,
    "bcast": bcast,
    "buffer": buffer,
    "scatterv-gatherv": scatterv_gatherv,
    "isend-irecv": isend_irecv,
    "allreduce": allreduce,
}
"""Communication patterns by the name used on the command line (``--comm``)."""
