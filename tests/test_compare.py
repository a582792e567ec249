"""Single-node backends and the comparison program: every backend returns the same result."""

import sys

import numpy as np
import pytest

from hpcpar.backends.processes import PROCESS_BACKENDS, process_overheads, run_process_pool
from hpcpar.backends.serial import run_serial
from hpcpar.backends.threads import numba_threads_available, run_numba_prange, run_thread_pool
from hpcpar.compare.runs import plan_cases
from hpcpar.compare.workloads import pi_workload, randomwalk_workload
from hpcpar.h5io import read_result
from hpcpar.launch import mpi_env, python_module_command, run_command


@pytest.fixture(scope="module")
def workload():
    return randomwalk_workload((2.0, 5.0, 9.0), walks=13, tasks_per_distance=3, seed=4)


@pytest.fixture(scope="module")
def reference(workload):
    run = run_serial(workload, "python")
    assert run.result.shape == (9, 3) and run.work == run.result[:, 1].sum()
    return run.result


def test_serial_kernels_agree(workload, reference):
    for kernel in ("numpy", "numba"):
        assert np.array_equal(run_serial(workload, kernel).result, reference)


@pytest.mark.parametrize("kernel", ["python", "numpy", "numba"])
def test_thread_pool_results(workload, reference, kernel):
    for workers in (1, 2, 3):
        run = run_thread_pool(workload, kernel, workers)
        assert run.backend == "threads" and run.workers == workers
        assert np.array_equal(run.result, reference)


def test_numba_prange_results(workload, reference):
    for workers in range(1, min(3, numba_threads_available()) + 1):
        assert np.array_equal(run_numba_prange(workload, "numba-prange", workers).result,
                              reference)
    with pytest.raises(ValueError, match="NUMBA_NUM_THREADS"):
        run_numba_prange(workload, "numba-prange", numba_threads_available() + 1)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("backend", PROCESS_BACKENDS)
def test_process_pool_results(workload, reference, backend):
    run = run_process_pool(workload, "python", 2, backend, chunksize=2, start_method="forkserver")
    assert np.array_equal(run.result, reference)
    assert run.backend == backend and run.seconds > 0


@pytest.mark.timeout(120)
def test_fork_start_method_and_overheads(workload, reference):
    run = run_process_pool(workload, "numba", 2, "pool-imap_unordered", chunksize=1,
                           start_method="fork")
    assert np.array_equal(run.result, reference)
    costs = process_overheads(workload, "python", 2, "fork", rounds=20)
    assert costs["startup_s"] > 0 and costs["roundtrip_us"] > 0 and costs["task_bytes"] > 50


def test_plan_skips_prange_counts_numba_cannot_run():
    cases = plan_cases("randomwalk", ("serial", "numba-prange"), (1, 10_000))
    assert [(c.backend, c.kernel, c.workers) for c in cases] == [
        ("serial", "python", 1), ("serial", "numpy", 1), ("serial", "numba", 1),
        ("numba-prange", "numba-prange", 1)]


TINY = ["--rw-distances", "2,5", "--rw-walks", "40", "--rw-numpy-walks", "8",
        "--rw-python-walks", "4", "--rw-tasks-per-distance", "2"]


@pytest.mark.timeout(240)
def test_compare_program_writes_table_and_chart(tmp_path):
    command = [sys.executable, "-m", "hpcpar.compare", *TINY, "--workers", "2",
               "--backends", "serial,threads,numba-prange,pool-map,process-futures",
               "--output", "cmp.h5", "--plot", "cmp.png"]
    proc = run_command(command, 220, env=mpi_env({"NUMBA_NUM_THREADS": "2"}), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "x python" in proc.stdout and "process-futures" in proc.stdout
    result = read_result(tmp_path / "cmp.h5")
    backends = [b.decode() for b in result["backend"]]
    kernels = [k.decode() for k in result["kernel"]]
    assert backends[:3] == ["serial"] * 3 and kernels[:3] == ["python", "numpy", "numba"]
    assert ("numba-prange", "numba-prange") in zip(backends, kernels, strict=True)
    assert len(backends) == 3 + 3 + 1 + 2 + 2
    assert result.units["seconds"] == "s" and result.units["rate"] == "steps/s"
    serial = np.array(backends) == "serial"
    assert np.allclose(result["speedup_vs_same_kernel_serial"][serial], 1.0)
    assert np.all(result["seconds"] > 0)
    assert result["speedup_vs_fastest_serial"][:3].max() == 1.0
    assert np.allclose(result["efficiency"], result["speedup_vs_same_kernel_serial"]
                       / result["workers"])
    for method in ("fork", "forkserver", "spawn"):
        assert result.attrs[f"{method}_startup_s"] > 0
    assert (tmp_path / "cmp.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("nranks, args, words", [
    (1, ["--workers", "0"], ["field 'workers'", ">= 1"]),
    (1, ["--workers", "1,1"], ["field 'workers'", "distinct"]),
    (1, ["--backends", "serial,gpu"], ["field 'backends'", "'gpu'"]),
    (1, ["--workload", "fft"], ["field 'workload'", "'fft'"]),
    (1, ["--rw-tasks-per-distance", "5"], ["field 'rw_tasks_per_distance'", "at most 4"]),
    (2, [], ["runs on 1 rank", "2 ranks"]),
])
def test_bad_input_one_message_exit_2_no_output(tmp_path, nranks, args, words):
    proc = run_command(python_module_command(nranks, "hpcpar.compare",
                                             [*TINY, *args, "--output", "c.h5"]), 60,
                       cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert proc.stderr.count("error:") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.timeout(120)
def test_compare_pi_workload(tmp_path):
    command = [sys.executable, "-m", "hpcpar.compare", "--workload", "pi", "--workers", "2",
               "--backends", "serial,threads,pool-map", "--pi-chunks", "4",
               "--pi-numpy-chunks", "1", "--pi-python-chunks", "1", "--no-chart",
               "--output", "pi.h5"]
    proc = run_command(command, 110, env=mpi_env({"NUMBA_NUM_THREADS": "2"}), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = read_result(tmp_path / "pi.h5")
    assert result.units["rate"] == "samples/s"
    assert [b.decode() for b in result["backend"]] == (["serial"] * 3 + ["threads"] * 3
                                                        + ["pool-map"] * 2)
    assert list(tmp_path.iterdir()) == [tmp_path / "pi.h5"]


def test_pi_workload_matches_the_pi_kernels():
    from hpcpar.pi.kernels import CHUNK_SIZE, montecarlo_hits

    nsamples = 2 * CHUNK_SIZE + 1000
    workload = pi_workload(nsamples, 2, seed=3)
    assert workload.tasks == [(0, 2), (2, 3)]
    expected = montecarlo_hits("numba", 3, nsamples, 0, 3)
    for kernel in ("numpy", "numba"):
        assert np.array_equal(run_serial(workload, kernel).result, expected)
    assert np.array_equal(run_thread_pool(workload, "numba", 2).result, expected)
