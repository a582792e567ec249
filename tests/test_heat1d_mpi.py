"""heat1d inside an MPI test run (mpiexec -n N python -m pytest --with-mpi): the program on
COMM_WORLD against the whole-grid numpy reference, restart, and a signal at one rank only."""

import os
import signal
import threading
import time

import numpy as np
import pytest
from heat1d_reference import flags, reference_run
from mpi4py import MPI

from hpcpar.h5io import read_result
from hpcpar.heat1d.__main__ import PROGRAM
from hpcpar.runner import run

CASES = {  # nx not divisible by 2, 3 or 4
    "dirichlet": dict(nx=23, boundary="dirichlet", ic="gaussian", width=0.1, left_value=1.0,
                      right_value=-2.0),
    "neumann": dict(nx=37, boundary="neumann", ic="step", center=0.3),
    "periodic": dict(nx=29, boundary="periodic", ic="gaussian", center=0.1, width=0.07),
}


def heat1d(path, **fields) -> int:
    fields.setdefault("checkpoint_file", str(path / "ckpt.h5"))
    return run(PROGRAM, flags(**fields))


@pytest.mark.mpi(min_size=2)
@pytest.mark.parametrize("halo", ["isend", "sendrecv"])
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("ghost", [1, 0])
def test_fields_match_whole_grid_bitwise(mpi_tmp_path, name, halo, ghost):
    out = mpi_tmp_path / f"{name}-{halo}-{ghost}.h5"
    assert heat1d(mpi_tmp_path, steps=157, snapshot_every=40, halo=halo, ghost=ghost,
                  output=str(out), **CASES[name]) == 0
    if MPI.COMM_WORLD.rank == 0:
        expected, snapshots = reference_run(157, 40, **CASES[name])
        result = read_result(out)
        assert np.array_equal(result["u_final"], expected)
        assert np.array_equal(result["u"], np.array(snapshots))
        assert result.attrs["nranks"] == MPI.COMM_WORLD.size
    MPI.COMM_WORLD.Barrier()


@pytest.mark.mpi(min_size=2)
def test_restart_continues_bitwise(mpi_tmp_path):
    case = dict(nx=41, boundary="periodic", ic="sine", mode=2)
    assert heat1d(mpi_tmp_path, steps=93, checkpoint_every=31, output=str(mpi_tmp_path / "a.h5"),
                  **case) == 0
    assert heat1d(mpi_tmp_path, steps=250, restart=str(mpi_tmp_path / "ckpt.h5"),
                  checkpoint_file=str(mpi_tmp_path / "ckpt2.h5"), snapshot_every=50,
                  output=str(mpi_tmp_path / "b.h5"), **case) == 0
    if MPI.COMM_WORLD.rank == 0:
        expected, _ = reference_run(250, **case)
        result = read_result(mpi_tmp_path / "b.h5")
        assert np.array_equal(result["u_final"], expected)
        assert list(result["step"]) == [100, 150, 200, 250]
        assert result["error_max"][-1] < 1e-3
    MPI.COMM_WORLD.Barrier()


@pytest.mark.mpi(min_size=2)
@pytest.mark.timeout(120)
def test_signal_at_one_rank_stops_all_ranks_at_one_step(mpi_tmp_path, capsys):
    """SIGUSR1 reaches only the last rank; the ranks agree, checkpoint and return 0."""
    comm = MPI.COMM_WORLD

    def send_when_handled() -> None:  # the handler is installed when the solver starts
        deadline = time.monotonic() + 60
        while signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL:
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGUSR1)

    sender = threading.Thread(target=send_when_handled, daemon=True)
    if comm.rank == comm.size - 1:
        sender.start()
    case = dict(nx=30, boundary="neumann", ic="cosine", ghost=3)
    assert heat1d(mpi_tmp_path, steps=10 ** 9, output=str(mpi_tmp_path / "s.h5"), **case) == 0
    if comm.rank == comm.size - 1:
        sender.join()
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL  # restored after the run
    if comm.rank == 0:
        out = capsys.readouterr().out
        assert out.count("checkpoint written") == 1 and "SIGUSR1" in out
        result = read_result(mpi_tmp_path / "ckpt.h5")
        step = result.attrs["step"]
        assert f"step {step}" in out and 0 < step < 10 ** 9
        expected, _ = reference_run(step, **case) if step < 200_000 else (None, None)
        if expected is not None:
            assert np.array_equal(result["u"], expected)
        assert not read_result(mpi_tmp_path / "s.h5").attrs["complete"]
    comm.Barrier()
