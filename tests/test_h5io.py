import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from mpi4py import MPI

from hpcpar.decomposition import block_range
from hpcpar.h5io import ResultFile, read_result


def test_round_trip_with_units_scales_and_attrs(tmp_path):
    path = tmp_path / "r.h5"
    with ResultFile(path, MPI.COMM_SELF, attrs={"program": "t", "nranks": 1}) as out:
        out.write_scale("x", np.linspace(0, 1, 5), units="m")
        out.write_scale("time", np.array([0.0, 0.5]), units="s")
        out.write("u", np.arange(10.0).reshape(2, 5), units="K", dims=("time", "x"),
                  description="temperature")
        out.set_attrs(estimate=3.14)
    result = read_result(path)
    assert result.attrs["program"] == "t" and result.attrs["estimate"] == 3.14
    assert np.array_equal(result["u"], np.arange(10.0).reshape(2, 5))
    assert result.units["u"] == "K" and result.units["x"] == "m"
    assert result.dims["u"] == ("time", "x")
    assert list(tmp_path.iterdir()) == [path], "no temporary file is left behind"


def test_exception_leaves_no_file(tmp_path):
    path = tmp_path / "r.h5"
    with pytest.raises(RuntimeError), ResultFile(path, MPI.COMM_SELF) as out:
        out.write("u", np.zeros(4))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_target_raises(tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder")
    with pytest.raises(OSError, match="cannot create result file"):
        ResultFile(tmp_path / "blocker" / "r.h5", MPI.COMM_SELF)


KILLED_WRITER = """
import sys, time
import numpy as np
from mpi4py import MPI
from hpcpar.h5io import ResultFile
with ResultFile(sys.argv[1], MPI.COMM_SELF) as out:
    out.create("u", (10000, 1000), "f8")
    for i in range(10000):
        out.write_block("u", np.full((1, 1000), i, dtype=float), (slice(i, i + 1),))
        if i == 10:
            print("writing", flush=True)
        time.sleep(0.001)
"""


def test_writer_killed_mid_write_leaves_nothing_at_target(tmp_path):
    target = tmp_path / "r.h5"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(target)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert not target.exists()
    leftovers = list(tmp_path.iterdir())
    assert all(p.name.startswith(".r.h5.tmp-") for p in leftovers) and leftovers


@pytest.mark.mpi(min_size=2)
def test_distributed_blocks_and_growing_dataset(mpi_tmp_path):
    comm = MPI.COMM_WORLD
    n, nsnap = 11, 3  # uneven split for every size > 1
    start, stop = block_range(n, comm.size, comm.rank)
    path = mpi_tmp_path / "dist.h5"
    with ResultFile(path, comm) as out:
        out.write_scale("x", np.arange(n, dtype=float), units="m")
        out.create("u", (0, n), "f8", units="K", dims=(None, "x"), maxshape=(None, n))
        for k in range(nsnap):
            out.resize("u", k + 1)
            block = 100.0 * k + np.arange(start, stop, dtype=float)
            out.write_block("u", block[None, :], (slice(k, k + 1), slice(start, stop)))
    comm.Barrier()
    result = read_result(path)
    expected = 100.0 * np.arange(nsnap)[:, None] + np.arange(n)[None, :]
    assert np.array_equal(result["u"], expected)
    assert result.dims["u"] == ("", "x")
