"""The runner's failure paths, as real mpiexec jobs."""

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hpcpar.h5io import read_result
from hpcpar.launch import mpiexec_command, run_command

DEMO = str(Path(__file__).parent / "programs" / "demo.py")


def demo(nranks, *args, cwd, timeout=120):
    return run_command(mpiexec_command(nranks, [sys.executable, DEMO, *args]), timeout,
                       cwd=cwd)


def test_good_run_writes_result_and_record(tmp_path):
    proc = demo(3, "--n", "10", "--scale", "2", "--record", "rec.jsonl", "--tag", "mode=strong",
                cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("demo: wrote 10 points") == 1
    result = read_result(tmp_path / "demo.h5")
    assert np.array_equal(result["u"], 2.0 * np.arange(10))
    assert result.attrs["nranks"] == 3
    assert "n = 10" in result.attrs["input_deck"]
    for key in ("hpcpar_version", "mpi_library_version", "hosts", "command_line", "start_time"):
        assert result.attrs[key]
    record = json.loads((tmp_path / "rec.jsonl").read_text())
    assert record["ranks"] == 3 and record["mode"] == "strong"
    assert set(record["timings"]["write"]) >= {"min", "median", "max"}


@pytest.mark.parametrize("args, words", [
    (["--n", "-4"], ["field 'n'", "-4", ">= 1"]),
    (["--n", "2"], ["field 'n'", "at least one point per rank"]),
    (["--scale", "hot"], ["field 'scale'", "'hot'", "a number"]),
    (["--mode", "fly"], ["field 'mode'", "'fly'", "ok, crash"]),
    (["missing.toml"], ["missing.toml", "does not exist"]),
    (["--expect-ranks", "4"], ["--expect-ranks 4", "3 ranks"]),
    (["--bogus"], ["unrecognized arguments: --bogus"]),
])
def test_bad_input_one_message_exit_2_no_output(tmp_path, args, words):
    proc = demo(3, *args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    for word in words:
        assert word in proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_deck_file(tmp_path):
    (tmp_path / "deck.toml").write_text("n = 10\nscale = 0\n")
    proc = demo(3, "deck.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("deck.toml: field 'scale' = 0") == 1


@pytest.mark.parametrize("mode", ["crash", "crash-after-open"])
def test_crash_on_one_rank_aborts_job_quickly(tmp_path, mode):
    t0 = time.monotonic()
    proc = demo(3, "--mode", mode, cwd=tmp_path, timeout=60)
    assert time.monotonic() - t0 < 30
    assert proc.returncode != 0
    assert "rank 2 of 3" in proc.stderr and "deliberate crash" in proc.stderr
    assert not (tmp_path / "demo.h5").exists()


def test_help_exits_zero(tmp_path):
    proc = demo(2, "--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout.count("usage:") == 1


FAILING_MPI_TEST = """
import pytest
from mpi4py import MPI

@pytest.mark.mpi(min_size=2)
def test_fails_on_one_rank_then_collective():
    comm = MPI.COMM_WORLD
    assert comm.rank != 1, "deliberate failure on rank 1"
    comm.Barrier()  # would wait for rank 1 forever without the abort hook

@pytest.mark.mpi(min_size=2)
def test_never_reached():
    MPI.COMM_WORLD.Barrier()
"""


def test_failing_mpi_test_ends_the_run_quickly(tmp_path):
    (tmp_path / "test_failing.py").write_text(FAILING_MPI_TEST)
    command = mpiexec_command(3, [sys.executable, "-m", "pytest", "-p", "hpcpar.testing",
                                  "--with-mpi", "-p", "no:cacheprovider", "-q",
                                  "test_failing.py"])
    t0 = time.monotonic()
    proc = run_command(command, timeout=120, cwd=tmp_path)
    assert time.monotonic() - t0 < 60
    assert proc.returncode != 0
    assert "deliberate failure on rank 1" in proc.stderr + proc.stdout
    assert "aborting MPI_COMM_WORLD" in proc.stderr
