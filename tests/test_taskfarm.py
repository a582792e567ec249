"""The MPI task farm: identical results for every scheduler and rank count, busy-time
accounting, and failing tasks that end the job (real mpiexec jobs) instead of hanging."""

import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from hpcpar.launch import mpiexec_command, run_command

FARM = str(Path(__file__).parent / "programs" / "farm.py")


def _uneven(task):
    """Cost grows with the task id (like the random walk's distances)."""
    total = 0
    for i in range(200 * task):
        total += i % 7
    return (task, total)


@pytest.mark.mpi(min_size=2)
@pytest.mark.parametrize("scheduler", ["static", "dynamic", "futures"])
def test_every_scheduler_returns_all_results_in_task_order(scheduler):
    from mpi4py import MPI

    from hpcpar.decomposition import block_counts
    from hpcpar.taskfarm import run_tasks

    comm = MPI.COMM_WORLD
    tasks = list(range(23))  # uneven over 2, 3, 4 ranks
    order = tasks[::-1]
    farm = run_tasks(comm, _uneven, tasks, scheduler, order=order)
    assert farm.busy.shape == farm.ntasks.shape == farm.elapsed.shape == (comm.size,)
    assert farm.ntasks.sum() == len(tasks)
    assert np.all(farm.busy >= 0)
    if scheduler == "static":
        assert farm.ntasks.tolist() == block_counts(len(tasks), comm.size)[0].tolist()
    if scheduler == "futures":
        assert farm.ntasks[0] == 0  # rank 0 is the client, the others compute
    if comm.rank == 0:
        assert farm.results == [_uneven(t) for t in tasks]
    else:
        assert farm.results is None


@pytest.mark.mpi(min_size=2)
def test_dynamic_farm_rejects_an_order_that_is_not_a_permutation():
    from mpi4py import MPI

    from hpcpar.taskfarm import run_tasks

    with pytest.raises(ValueError, match="permutation"):
        run_tasks(MPI.COMM_WORLD, _uneven, [1, 2, 3], "dynamic", order=[0, 0, 1])


def _farm(nranks, *args, cwd, timeout=60):
    return run_command(mpiexec_command(nranks, [sys.executable, FARM, *args]), timeout,
                       cwd=cwd)


@pytest.mark.parametrize("nranks", [1, 3])
@pytest.mark.parametrize("scheduler", ["static", "dynamic", "futures"])
def test_farm_program_results_do_not_depend_on_ranks(tmp_path, scheduler, nranks):
    proc = _farm(nranks, "--scheduler", scheduler, "--ntasks", "11", "--delay", "0",
                 cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"results {[i * i for i in range(11)]}" in proc.stdout


@pytest.mark.parametrize("scheduler", ["static", "dynamic", "futures"])
def test_failing_task_on_a_worker_ends_the_job_with_its_task_id(tmp_path, scheduler):
    t0 = time.monotonic()
    proc = _farm(3, "--scheduler", scheduler, "--fail-on-rank", "2", "--ntasks", "30",
                 cwd=tmp_path)
    assert time.monotonic() - t0 < 45
    assert proc.returncode != 0
    match = re.search(r"TaskError: task (\d+) failed on rank 2: ValueError: deliberate failure",
                      proc.stderr)
    assert match, proc.stderr
    assert "aborting the job" in proc.stderr
    assert "farm: results" not in proc.stdout


SINGLE_THREADED = """
import mpi4py
mpi4py.rc.thread_level = "single"
from mpi4py import MPI
from hpcpar.taskfarm import run_tasks
farm = run_tasks(MPI.COMM_WORLD, abs, list(range(-10, 10)), "dynamic")
if MPI.COMM_WORLD.rank == 0:
    print("results", farm.results == [abs(i) for i in range(-10, 10)], farm.ntasks.tolist())
"""


def test_dynamic_farm_without_thread_support_dispatches_from_rank_0(tmp_path):
    (tmp_path / "single.py").write_text(SINGLE_THREADED)
    proc = run_command(mpiexec_command(3, [sys.executable, "single.py"]), 60, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split("results ")[1]
    assert out.startswith("True [0, ")  # rank 0 only dispatched
