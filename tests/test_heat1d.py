"""heat1d end to end: real mpiexec jobs on 1-7 ranks, and single-rank runs in this process."""

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest
from heat1d_reference import flags, heat1d_job, last_record, reference_run

from hpcpar.h5io import read_result
from hpcpar.heat1d.__main__ import PROGRAM
from hpcpar.launch import mpi_env, python_module_command
from hpcpar.runner import run

ROOT = Path(__file__).resolve().parents[1]


def run_here(tmp_path: Path, *args: str, **fields) -> read_result:
    """One-rank run inside this process; returns the result file."""
    out = tmp_path / "heat.h5"
    fields.setdefault("output", str(out))
    fields.setdefault("checkpoint_file", str(tmp_path / "ckpt.h5"))
    assert run(PROGRAM, [*args, *flags(**fields)]) == 0
    return read_result(fields["output"])


# -- bitwise identity over rank counts -----------------------------------------------------
CASES = {  # nx not divisible by the rank counts; nx = 13 on 7 ranks leaves one rank one point
    "dirichlet": dict(nx=13, boundary="dirichlet", ic="gaussian", width=0.15, left_value=1.0),
    "neumann": dict(nx=37, boundary="neumann", ic="step", center=0.3),
    "periodic": dict(nx=29, boundary="periodic", ic="gaussian", center=0.1, width=0.07),
}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("nranks", [1, 7])
def test_jobs_on_1_and_7_ranks_match_whole_grid_bitwise(tmp_path, nranks):
    """P = 2, 3, 4 run the same comparison in test_heat1d_mpi.py."""
    steps, every = 203, 50
    halos = ["isend", "sendrecv"] * 2
    for name, case in CASES.items():  # both halo variants on each rank count, over the cases
        for halo in [halos.pop(nranks % 2)]:
            out = f"{name}-{halo}.h5"
            proc = heat1d_job(nranks, *flags(steps=steps, snapshot_every=every, halo=halo,
                                             output=out, checkpoint_file="c.h5", **case),
                              "--record", "rec.jsonl", cwd=tmp_path)
            assert proc.returncode == 0, proc.stderr
            expected, snapshots = reference_run(steps, every, **case)
            result = read_result(tmp_path / out)
            assert np.array_equal(result["u_final"], expected), (name, halo)
            assert np.array_equal(result["u"], np.array(snapshots)), (name, halo)
            assert list(result["step"]) == [0, 50, 100, 150, 200]
    record = last_record(tmp_path / "rec.jsonl")
    assert record["ranks"] == nranks
    assert {"nx", "steps", "mlups"} <= set(record["summary"])
    assert {"compute", "halo", "io", "total"} <= set(record["timings"])


# -- physics -----------------------------------------------------------------------------
def test_sine_mode_error_and_second_order_convergence(tmp_path):
    """nx - 1 doubling at fixed r: dx halves, the error at a fixed time drops 4x."""
    errors = []
    for level in range(3):
        nx, steps = 20 * 2 ** level + 1, 100 * 4 ** level  # t = pi^2/10 on every grid
        result = run_here(tmp_path, nx=nx, steps=steps, length=math.pi, ic="sine", r=0.4,
                          snapshot_every=steps // 4)
        assert result.attrs["final_time"] == pytest.approx(math.pi ** 2 / 10)
        assert result["error_max"][0] == 0.0 or result["error_max"][0] < 1e-15
        errors.append(result["error_max"][-1])
        amplitude = result["max_abs"][-1]
        assert amplitude == pytest.approx(math.exp(-math.pi ** 2 / 10), rel=5e-3)
    orders = [math.log2(errors[i] / errors[i + 1]) for i in range(2)]
    assert all(1.9 < p < 2.1 for p in orders), (errors, orders)


def test_neumann_conserves_total_heat_to_round_off(tmp_path):
    result = run_here(tmp_path, nx=400, steps=4000, boundary="neumann", ic="gaussian",
                      center=0.5, width=0.05, snapshot_every=400, amplitude=50.0)
    heat = result["heat"]
    assert abs(heat[0] - 50.0 * 0.05 * math.sqrt(2 * math.pi)) < 1e-6  # the pulse is inside
    assert np.abs(heat - heat[0]).max() < 1e-13 * heat[0]
    assert result["max_abs"][-1] < 0.5 * result["max_abs"][0]  # while it spreads
    assert "error_max" not in result.data  # no exact solution for a pulse between walls


def test_cosine_mode_with_neumann_ends_matches_exact_decay(tmp_path):
    result = run_here(tmp_path, nx=200, steps=2000, boundary="neumann", ic="cosine", mode=2,
                      snapshot_every=1000)
    assert result["error_max"][-1] < 1e-4
    assert abs(result["heat"][-1]) < 1e-13


def test_classic_deck_relaxes_parabola_to_sin_x(tmp_path):
    deck = ROOT / "inputs" / "heat1d_sine.toml"
    result = run_here(tmp_path, str(deck), steps=20000)
    x, u = result["x"], result["u_final"]
    t = result.attrs["final_time"]
    assert np.abs(u - 8 / np.pi * np.exp(-t) * np.sin(x)).max() < 1e-4 * u.max()
    assert np.all(result["error_max"] < 2e-4)
    assert result.dims["u"] == ("time", "x") and result.units["x"] == "m"
    assert result.units["heat"] == "K m" and result.units["time"] == "s"
    assert "ic = \"parabola\"" in result.attrs["input_deck"]


# -- checkpoint / restart ------------------------------------------------------------------
def read_heat_of_reference(snapshots: list, case: dict) -> list:
    dx = 1.0 / (case["nx"] - 1)
    return [dx * (u.sum() - 0.5 * (u[0] + u[-1])) for u in snapshots]


@pytest.mark.timeout(200)
def test_restart_on_other_rank_counts_is_bitwise_identical(tmp_path):
    case = dict(nx=31, boundary="dirichlet", ic="gaussian", right_value=0.5, halo="isend")
    expected, snapshots = reference_run(400, 40, **case)
    first = heat1d_job(3, *flags(steps=170, checkpoint_every=85, snapshot_every=40,
                                 output="run.h5", checkpoint_file="ck.h5", **case),
                       cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    with h5py.File(tmp_path / "ck.h5") as f:
        assert f.attrs["step"] == 170 and f.attrs["nx"] == 31
    second = heat1d_job(2, *flags(steps=400, restart="ck.h5", snapshot_every=40,
                                  output="run.h5", checkpoint_file="ck2.h5", halo="sendrecv",
                                  **{k: v for k, v in case.items() if k != "halo"}),
                        cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    result = read_result(tmp_path / "run.h5")  # the restarted run keeps steps 0 .. 160
    assert np.array_equal(result["u_final"], expected)
    assert list(result["step"]) == list(range(0, 401, 40))
    assert np.array_equal(result["u"], np.array(snapshots))
    assert np.allclose(result["heat"][:5], read_heat_of_reference(snapshots[:5], case))
    assert result.attrs["start_step"] == 170 and result.attrs["restarted_from"] == "ck.h5"
    # and a third leg on one rank from the same checkpoint, in this process
    here = run_here(tmp_path, restart=str(tmp_path / "ck.h5"), steps=400,
                    output=str(tmp_path / "third.h5"),
                    **{k: v for k, v in case.items() if k != "halo"})
    assert np.array_equal(here["u_final"], expected)


@pytest.mark.timeout(120)
def test_sigterm_to_mpiexec_checkpoints_and_exits_zero(tmp_path):
    case = dict(nx=60, boundary="periodic", ic="sine", ghost=2)
    command = python_module_command(2, "hpcpar.heat1d", [
        *flags(steps=10 ** 9, output="run.h5", checkpoint_file="ck.h5", progress_every=0.2,
               **case)])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=mpi_env(), cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        for line in proc.stderr:  # wait until the time loop runs (handlers are installed)
            if "ETA" in line or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 0, err
    lines = [line for line in out.splitlines() if "checkpoint written" in line]
    assert len(lines) == 1, out
    with h5py.File(tmp_path / "ck.h5") as f:
        step = int(f.attrs["step"])
    assert 0 < step < 10 ** 9 and f"step {step}" in lines[0]
    result = read_result(tmp_path / "run.h5")
    assert not result.attrs["complete"] and result.attrs["last_step"] == step
    expected = run_here(tmp_path, steps=step, output=str(tmp_path / "ref.h5"), **case)
    assert np.array_equal(read_result(tmp_path / "ck.h5")["u"], expected["u_final"])


# -- bad input -------------------------------------------------------------------------
BAD = [
    (dict(r=0.6), ["field 'r' = 0.6", "r <= 0.5", "unstable"]),
    (dict(nx=2), ["field 'nx' = 2", ">= 3"]),
    (dict(alpha=-1.0), ["field 'alpha' = -1.0", "> 0"]),
    (dict(boundary="robin"), ["field 'boundary' = 'robin'", "dirichlet, neumann, periodic"]),
    (dict(restart="nowhere.h5"), ["field 'restart' = 'nowhere.h5'", "does not exist"]),
    (dict(dt=1e-6, nx=2001), ["field 'dt' = 1e-06", "r = alpha dt / dx^2 = 4", "r <= 0.5"]),
    (dict(r=0.3, dt=1e-7), ["'r' = 0.3 and 'dt' = 1e-07", "only one"]),
    (dict(ic="file"), ["field 'ic' = 'file'", "ic_file"]),
    (dict(ic="file", ic_file="none.h5"), ["field 'ic_file' = 'none.h5'", "does not exist"]),
    (dict(nx=5, ghost=-1), ["field 'ghost' = -1"]),
]


@pytest.mark.parametrize("fields, words", BAD)
def test_bad_deck_one_message_exit_2_no_output(tmp_path, capsys, fields, words):
    out = tmp_path / "out.h5"
    code = run(PROGRAM, flags(output=str(out), checkpoint_file=str(tmp_path / "c.h5"),
                              **fields))
    err = capsys.readouterr().err
    assert code == 2
    for word in words:
        assert word in err
    assert err.count("error:") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_bad_restart_files(tmp_path, capsys):
    run_here(tmp_path, nx=20, steps=10, checkpoint_every=10)  # writes ckpt.h5 at step 10
    cases = [
        (dict(nx=21), "checkpoint has nx = 20, this deck has nx = 21"),
        (dict(nx=20, boundary="neumann"), "checkpoint has boundary = 'dirichlet'"),
        (dict(nx=20, r=0.3), "checkpoint has r = 0.4"),
        (dict(nx=20, steps=5), "is at step 10; expected steps >= 10"),
    ]
    (tmp_path / "heat.h5").unlink()
    capsys.readouterr()
    for fields, words in cases:
        code = run(PROGRAM, flags(restart=str(tmp_path / "ckpt.h5"),
                                  output=str(tmp_path / "o.h5"), **fields))
        err = capsys.readouterr().err
        assert code == 2 and words in err and err.count("error:") == 1, err
    (tmp_path / "junk.h5").write_text("not hdf5")
    code = run(PROGRAM, flags(restart=str(tmp_path / "junk.h5"), output=str(tmp_path / "o.h5")))
    assert code == 2 and "expected an HDF5 file" in capsys.readouterr().err
    assert not (tmp_path / "o.h5").exists()


def test_bad_deck_on_three_ranks_prints_once(tmp_path):
    (tmp_path / "deck.toml").write_text('nx = 100\nr = 0.51\noutput = "o.h5"\n')
    proc = heat1d_job(3, "deck.toml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("error: field 'r' = 0.51") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.toml"]


def test_initial_field_from_file_continues_a_run(tmp_path):
    first = run_here(tmp_path, nx=50, steps=30, ic="gaussian")
    expected, _ = reference_run(60, nx=50, ic="gaussian")
    second = run_here(tmp_path, nx=50, steps=30, ic="file", ic_file=str(tmp_path / "heat.h5"),
                      output=str(tmp_path / "second.h5"))
    assert np.array_equal(second["u_final"], expected)
    assert first.attrs["complete"]


def test_help_lists_contract_fields():
    proc = subprocess.run([sys.executable, "-m", "hpcpar.heat1d", "--help"], capture_output=True,
                          text=True, env=mpi_env(), timeout=60)
    assert proc.returncode == 0
    for flag in ("--nx", "--steps", "--alpha", "--length", "--r ", "--dt", "--boundary", "--ic ",
                 "--snapshot-every", "--checkpoint-every", "--checkpoint-file", "--restart",
                 "--output", "--halo {isend,sendrecv}"):
        assert flag in proc.stdout, flag
