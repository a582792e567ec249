"""Numba compilation once per job instead of once per rank."""

from __future__ import annotations

from collections.abc import Callable

from mpi4py import MPI


def compile_once(comm: MPI.Comm, warmup: Callable[[], object]) -> None:
    """Collective: run ``warmup`` (calls that compile ``cache=True`` kernels) on rank 0 first,
    so it writes numba's on-disk cache, then on the other ranks, which load it."""
    if comm.rank == 0:
        warmup()
    comm.Barrier()
    if comm.rank != 0:
        warmup()
