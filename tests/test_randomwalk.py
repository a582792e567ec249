"""Random-walk study: kernels agree bitwise, statistics and fit are right, and the program's
results are identical for every scheduler, kernel and rank count (real mpiexec jobs)."""

import sys
import time

import numpy as np
import pytest

from hpcpar.h5io import read_result
from hpcpar.launch import python_module_command, run_command
from hpcpar.randomwalk.analysis import crossing_stats, fit_power_law
from hpcpar.randomwalk.kernels import first_crossing_steps, steps_numpy
from hpcpar.randomwalk.tasks import make_tasks, run_walk_task

KERNELS = ["python", "numpy", "numba", "numba-prange"]


@pytest.mark.parametrize("distance", [0.3, 1.0, 4.0, 12.5])
def test_kernels_give_identical_walks(distance):
    reference = first_crossing_steps("python", distance, 7, 2, 1000, 60)
    assert reference.dtype == np.int64 and reference.shape == (60,)
    assert reference.min() >= 1
    for kernel in KERNELS[1:]:
        assert np.array_equal(first_crossing_steps(kernel, distance, 7, 2, 1000, 60), reference)
    # a walk does not depend on which block of walkers it was computed in, nor on numpy's block
    assert np.array_equal(first_crossing_steps("numba", distance, 7, 2, 1010, 5),
                          reference[10:15])
    assert np.array_equal(steps_numpy(distance, 7, 2, 1000, 60, block=3), reference)


def test_walkers_distances_and_seeds_have_distinct_streams():
    a = first_crossing_steps("numba", 20.0, 1, 0, 0, 400)
    assert len(np.unique(a)) > 200
    assert not np.array_equal(a, first_crossing_steps("numba", 20.0, 2, 0, 0, 400))
    assert not np.array_equal(a, first_crossing_steps("numba", 20.0, 1, 1, 0, 400))


def test_mean_crossing_time_is_close_to_diffusion_estimate():
    steps = first_crossing_steps("numba", 30.0, 11, 0, 0, 4000)
    se = steps.std(ddof=1) / np.sqrt(steps.size)
    # Wald: E[T] = 3 E[(Y + R)^2] with overshoot 0 <= R < 1, so 3Y^2 <= E[T] < 3(Y + 1)^2
    assert 3 * 30**2 - 4 * se < steps.mean() < 3 * 31**2 + 4 * se


def test_bad_kernel_and_walker_range_raise():
    with pytest.raises(ValueError, match="unknown random-walk kernel 'fortran'"):
        first_crossing_steps("fortran", 1.0, 1, 0, 0, 1)
    with pytest.raises(ValueError, match="outside"):
        first_crossing_steps("numba", 1.0, 1, 0, 2**40, 1)


def test_tasks_cover_every_walk_once():
    tasks = make_tasks((1.0, 2.0), walks=10, walks_per_task=4)
    assert [(t.index, t.first_walk, t.nwalks) for t in tasks] == [
        (0, 0, 4), (0, 4, 4), (0, 8, 2), (1, 0, 4), (1, 4, 4), (1, 8, 2)]
    assert [t.task_id for t in tasks] == list(range(6))


def test_crossing_stats_from_exact_sums():
    steps = {0: np.array([3, 5, 7, 9]), 1: np.array([10, 30])}
    values = [(2, 8, 34, 5), (2, 16, 130, 9), (2, 40, 1000, 30)]  # task sums of the above
    stats = crossing_stats((1.0, 2.0), [0, 0, 1], values)
    assert stats.walks.tolist() == [4, 2]
    assert stats.mean.tolist() == [6.0, 20.0]
    assert stats.longest.tolist() == [9, 30]
    for i in (0, 1):
        assert stats.stderr[i] == pytest.approx(steps[i].std(ddof=1) / np.sqrt(steps[i].size))


def test_run_walk_task_sums_match_the_kernel():
    task = make_tasks((6.0,), walks=30, walks_per_task=30)[0]
    steps = first_crossing_steps("numba", 6.0, 5, 0, 0, 30)
    assert run_walk_task(task, "numba", 5) == (30, steps.sum(), (steps**2).sum(), steps.max())
    with pytest.raises(RuntimeError, match="deliberate failure of task 0"):
        run_walk_task(task, "numba", 5, fail_task=0)


def test_power_law_fit_recovers_exponent_and_prefactor():
    y = np.array([10.0, 20, 40, 80, 160])
    t = 2.5 * y**1.75
    fit = fit_power_law(y, t, 0.01 * t)
    assert fit.exponent == pytest.approx(1.75, rel=1e-10)
    assert fit.prefactor == pytest.approx(2.5, rel=1e-10)
    assert fit.chi2_per_dof == pytest.approx(0.0, abs=1e-12)
    noisy = t * (1 + 0.01 * np.array([1, -1, 1, -1, 1]))
    fit = fit_power_law(y, noisy, 0.01 * noisy)
    assert fit.exponent_err > 0 and abs(fit.exponent - 1.75) < 3 * fit.exponent_err


# -- the program ------------------------------------------------------------------------------
SMALL = ["--distances", "2,4,7", "--walks", "23", "--walks-per-task", "5", "--seed", "99"]


def _program(nranks, *args, cwd, timeout=120):
    return run_command(python_module_command(nranks, "hpcpar.randomwalk", [*SMALL, *args]),
                       timeout, cwd=cwd)


def _reference():
    tasks = make_tasks((2.0, 4.0, 7.0), 23, 5)
    values = [run_walk_task(t, "python", 99) for t in tasks]
    return crossing_stats((2.0, 4.0, 7.0), [t.index for t in tasks], values), values


@pytest.mark.timeout(200)
@pytest.mark.parametrize("nranks, scheduler, kernel", [
    (1, "dynamic", "numba"), (1, "futures", "numpy"), (2, "static", "numba"),
    (2, "dynamic", "python"), (3, "futures", "numba"), (3, "dynamic", "numpy"),
    (4, "static", "python"), (4, "dynamic", "numba")])
def test_results_identical_for_every_scheduler_kernel_and_rank_count(
        tmp_path, nranks, scheduler, kernel):
    proc = _program(nranks, "--scheduler", scheduler, "--kernel", kernel, "--output", "rw.h5",
                    "--plot", "rw.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stats, values = _reference()
    result = read_result(tmp_path / "rw.h5")
    assert np.array_equal(result["mean_steps"], stats.mean)
    assert np.array_equal(result["stderr_steps"], stats.stderr)
    assert np.array_equal(result["walks"], [23, 23, 23])
    assert np.array_equal(result["task_total_steps"], [v[1] for v in values])
    assert result.units["mean_steps"] == "steps" and result.dims["mean_steps"] == ("distance",)
    assert result["busy_time"].shape == (nranks,) and result["tasks_per_rank"].sum() == 15
    fit = fit_power_law(stats.distances, stats.mean, stats.stderr)
    assert result.attrs["fit_exponent"] == fit.exponent
    assert result.attrs["scheduler"] == scheduler
    assert (tmp_path / "rw.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rw.h5", "rw.png"]


@pytest.mark.parametrize("scheduler", ["static", "dynamic", "futures"])
def test_failing_task_ends_the_run_with_its_id(tmp_path, scheduler):
    t0 = time.monotonic()
    proc = _program(3, "--scheduler", scheduler, "--fail-task", "11", "--output", "rw.h5",
                    cwd=tmp_path, timeout=60)
    assert time.monotonic() - t0 < 45
    assert proc.returncode != 0
    assert "TaskError: task 11 failed on rank" in proc.stderr
    assert "deliberate failure of task 11" in proc.stderr
    assert not (tmp_path / "rw.h5").exists()


@pytest.mark.parametrize("args, words", [
    (["--walks", "1"], ["field 'walks'", "1", ">= 2"]),
    (["--distances", "5,3"], ["field 'distances'", "strictly increasing"]),
    (["--distances", "0,3"], ["field 'distances'", "0.0", "> 0"]),
    (["--distances", "4"], ["field 'distances'", "at least two"]),
    (["--walks-per-task", "50"], ["field 'walks_per_task'", "50", "at most walks = 23"]),
    (["--scheduler", "round-robin"], ["field 'scheduler'", "static, dynamic, futures"]),
    (["--kernel", "cuda"], ["field 'kernel'", "'cuda'", "python, numpy, numba"]),
    (["--fail-task", "15"], ["field 'fail_task'", "15", "below 15"]),
    (["--seed", "-1"], ["field 'seed'", ">= 0"]),
])
def test_bad_input_one_message_exit_2_no_output(tmp_path, args, words):
    proc = _program(2, *args, "--output", "rw.h5", "--plot", "rw.png", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_deck_runs_and_help(tmp_path):
    from pathlib import Path

    deck = Path(__file__).parents[1] / "inputs" / "randomwalk.toml"
    proc = run_command([sys.executable, "-m", "hpcpar.randomwalk", str(deck), "--help"], 60,
                       cwd=tmp_path)
    assert proc.returncode == 0 and "--scheduler" in proc.stdout
    proc = run_command(python_module_command(1, "hpcpar.randomwalk",
                                             [str(deck), "--walks", "20", "--walks-per-task",
                                              "10", "--output", "rw.h5", "--plot", "none"]),
                       120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert read_result(tmp_path / "rw.h5")["distance"][-1] == 150.0
    assert [p.name for p in tmp_path.iterdir()] == ["rw.h5"]
