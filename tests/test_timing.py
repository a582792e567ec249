import pytest
from mpi4py import MPI

from hpcpar.timing import Timers


def test_region_accumulates():
    timers = Timers()
    for _ in range(3):
        with timers.region("work"):
            pass
    timers.add("io", 0.5)
    assert timers.calls("work") == 3
    assert timers.seconds("io") == 0.5
    assert timers.seconds("never") == 0.0


@pytest.mark.mpi(min_size=2)
def test_reduce_over_ranks():
    comm = MPI.COMM_WORLD
    timers = Timers()
    timers.add("step", float(comm.rank + 1))
    if comm.rank == 0:
        timers.add("only-root", 2.0)
    stats = timers.reduce(comm)
    assert stats["step"].min == 1.0
    assert stats["step"].max == float(comm.size)
    assert stats["step"].mean == pytest.approx((comm.size + 1) / 2)
    assert stats["only-root"].per_rank == (2.0,) + (0.0,) * (comm.size - 1)
