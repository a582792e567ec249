"""ResultFile's parallel-HDF5 path, run for real with Debian's MPI-enabled h5py.

PyPI's h5py is serial, so this uses the system Python with Debian's python3-h5py-mpi,
python3-mpi4py and openmpi-bin (``.ci/run`` installs them and sets
``HPCPAR_REQUIRE_PARALLEL_HDF5=1``). Elsewhere the test skips with a reason.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hpcpar.launch import mpi_env, run_command

SYSTEM_PYTHON = "/usr/bin/python3"
REPO = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
import numpy as np
from mpi4py import MPI
from hpcpar.decomposition import block_range
from hpcpar.h5io import ResultFile, read_result

comm = MPI.COMM_WORLD
n, path = 11, sys.argv[1]
start, stop = block_range(n, comm.size, comm.rank)
with ResultFile(path, comm, attrs={"nranks": comm.size}) as out:
    assert out.parallel, "expected an MPI-enabled h5py"
    out.write_scale("x", np.arange(n, dtype=float), units="m")
    out.create("u", (0, n), "f8", units="K", dims=(None, "x"), maxshape=(None, n))
    for k in range(3):
        out.resize("u", k + 1)
        block = 100.0 * k + np.arange(start, stop, dtype=float)
        out.write_block("u", block[None, :], (slice(k, k + 1), slice(start, stop)))
    out.write("total", np.array([1.0, 2.0]), units="J")
    out.set_attrs(done=1)
comm.Barrier()
if comm.rank == 0:
    r = read_result(path)
    expected = 100.0 * np.arange(3)[:, None] + np.arange(n)[None, :]
    assert np.array_equal(r["u"], expected), r["u"]
    assert r["total"].tolist() == [1.0, 2.0] and r.attrs["done"] == 1
    assert r.dims["u"] == ("", "x") and r.units["u"] == "K"
    print("parallel-hdf5-ok", r.attrs["nranks"])
"""


def _parallel_h5py_available() -> str:
    """Empty string if usable, else why not."""
    if not (os.path.exists(SYSTEM_PYTHON) and shutil.which("mpiexec.openmpi")):
        return "no system python3 or mpiexec.openmpi"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import mpi4py, h5py"], capture_output=True)
    if probe.returncode != 0:
        return "system python3 lacks mpi4py or h5py (apt-get install python3-h5py-mpi)"
    return ""


def test_parallel_hdf5_writer_on_three_ranks(tmp_path):
    why = _parallel_h5py_available()
    if why:
        if os.environ.get("HPCPAR_REQUIRE_PARALLEL_HDF5") == "1":
            pytest.fail(f"parallel HDF5 required but unavailable: {why}")
        pytest.skip(why)
    script = tmp_path / "write.py"
    script.write_text(SCRIPT)
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    command = ["mpiexec.openmpi", *root, "--oversubscribe", "-n", "3", SYSTEM_PYTHON,
               str(script), str(tmp_path / "out.h5")]
    env = mpi_env({"PYTHONPATH": str(REPO), "HDF5_MPI": "ON"})
    proc = run_command(command, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "parallel-hdf5-ok 3" in proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.h5", "write.py"]
