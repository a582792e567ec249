"""``python -m hpcpar.pi`` as real mpiexec jobs: rank-independent HDF5 results, bad input."""

import json
import math
import sys

import numpy as np
import pytest

from hpcpar.h5io import read_result
from hpcpar.launch import python_module_command, run_command
from hpcpar.pi.kernels import CHUNK_SIZE

N_MC = 5 * CHUNK_SIZE + 4321  # 6 chunks: uneven over 4 ranks, short last chunk


def pi(nranks, *args, cwd, timeout=120):
    return run_command(python_module_command(nranks, "hpcpar.pi", args), timeout, cwd=cwd)


def run_ok(nranks, *args, cwd):
    proc = pi(nranks, *args, cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("pi: ") == 1, proc.stdout
    return proc


@pytest.mark.timeout(240)
def test_montecarlo_result_is_bitwise_identical_for_1_to_4_ranks(tmp_path):
    results = []
    for nranks, comm in ((1, "isend-irecv"), (2, "scatter-gather"), (3, "scatterv-gatherv"),
                         (4, "bcast")):
        out = f"mc{nranks}.h5"
        run_ok(nranks, "--samples", str(N_MC), "--comm", comm, "--seed", "77",
               "--output", out, cwd=tmp_path)
        results.append(read_result(tmp_path / out))
    first = results[0]
    for result in results[1:]:
        for name in ("estimate", "error", "partials", "samples", "nchunks"):
            assert np.array_equal(result[name], first[name]), name
    assert first["nchunks"] == 6 and first["samples"] == N_MC
    assert abs(first["estimate"] - math.pi) < 5 * first["error"]
    assert [r["compute_time"].shape for r in results] == [(1,), (2,), (3,), (4,)]
    assert first.attrs["pattern"] == "isend-irecv" and results[3].attrs["nranks"] == 4
    assert first.units["compute_time"] == "s" and results[2].dims["comm_time"] == ("rank",)


@pytest.mark.timeout(120)
def test_midpoint_result_is_identical_for_1_and_3_ranks(tmp_path):
    n = 3 * CHUNK_SIZE + 11
    run_ok(1, "--method", "midpoint", "--samples", str(n), "--comm", "sendrecv",
           "--output", "one.h5", cwd=tmp_path)
    proc = run_ok(3, "--method", "midpoint", "--samples", str(n), "--comm", "allreduce",
                  "--output", "three.h5", "--record", "rec.jsonl", cwd=tmp_path)
    one, three = read_result(tmp_path / "one.h5"), read_result(tmp_path / "three.h5")
    assert three["estimate"] == one["estimate"]  # exact, far inside the 1e-14 asked for
    assert three["error"] == abs(three["estimate"] - math.pi) < 1e-14
    assert three["error_bound"] == pytest.approx(1 / (3 * n * n))
    assert "midpoint" in proc.stdout and "allreduce" in proc.stdout
    record = json.loads((tmp_path / "rec.jsonl").read_text())
    assert record["summary"]["estimate"] == one["estimate"]
    assert {"samples", "estimate", "method", "kernel", "comm"} <= set(record["summary"])
    assert {"compute", "comm", "io", "total"} <= set(record["timings"])


@pytest.mark.timeout(120)
def test_deck_and_python_kernel(tmp_path):
    (tmp_path / "pi.toml").write_text('samples = 3000\nkernel = "python"\ncomm = "buffer"\n'
                                      'seed = 5\noutput = "deck.h5"\n')
    run_ok(2, "pi.toml", cwd=tmp_path)
    run_ok(1, "pi.toml", "--kernel", "numba", "--output", "numba.h5", cwd=tmp_path)
    python, numba = read_result(tmp_path / "deck.h5"), read_result(tmp_path / "numba.h5")
    assert python["estimate"] == numba["estimate"] and python.attrs["kernel"] == "python"
    assert "samples = 3000" in python.attrs["input_deck"]


@pytest.mark.parametrize("args, words", [
    (["--samples", "0"], ["field 'samples' = 0", ">= 1"]),
    (["--samples", "-5"], ["field 'samples' = -5", ">= 1"]),
    (["--samples", "1"], ["field 'samples' = 1", "at least one sample per rank", "2 ranks"]),
    (["--samples", "lots"], ["field 'samples' = 'lots'", "an integer"]),
    (["--samples", "2.5"], ["field 'samples' = '2.5'", "an integer"]),
    (["--samples", "1e13"], ["field 'samples'", "<= 1e+12"]),
    (["--seed", "x1"], ["field 'seed' = 'x1'", "an integer"]),
    (["--comm", "telepathy"], ["field 'comm' = 'telepathy'", "sendrecv", "isend-irecv"]),
    (["--kernel", "fortran"], ["field 'kernel' = 'fortran'", "python, numpy, numba"]),
    (["--method", "buffon"], ["field 'method' = 'buffon'", "montecarlo, midpoint"]),
    (["deck.toml"], ["deck.toml: field 'samples' = 'many'", "an integer"]),
])
def test_bad_input_one_message_exit_2_no_output(tmp_path, args, words):
    (tmp_path / "deck.toml").write_text('samples = "many"\n')
    proc = pi(2, *args, "--output", "out/pi.h5", cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()
    assert proc.stdout == ""


def test_help_lists_patterns(tmp_path):
    proc = run_command([sys.executable, "-m", "hpcpar.pi", "--help"], 60, cwd=tmp_path)
    assert proc.returncode == 0
    assert "scatterv-gatherv" in proc.stdout and "--samples" in proc.stdout
