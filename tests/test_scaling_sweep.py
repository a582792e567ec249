"""The scaling sweep: its commands, and real sweeps under mpiexec with records read back."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hpcpar.launch import mpi_env
from hpcpar.scaling.records import read_records
from hpcpar.scaling.sweep import (
    Sweep,
    default_rank_counts,
    launcher_command,
    parse_rank_counts,
    program_spec,
)

DEMO = str(Path(__file__).parent / "programs" / "demo.py")


def scaling_cli(*args, cwd, timeout=300):
    return subprocess.run([sys.executable, "-m", "hpcpar.scaling", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env=mpi_env())


def test_rank_counts():
    assert default_rank_counts(1) == [1]
    assert default_rank_counts(4) == [1, 2, 4]
    assert default_rank_counts(40) == [1, 2, 4, 8, 16, 32, 40]
    assert parse_rank_counts("4,1,2,2") == [1, 2, 4]
    assert parse_rank_counts("1:2:4") == parse_rank_counts(" 1 2  4 ") == [1, 2, 4]
    for bad in ("1,two", "0,1", ""):
        with pytest.raises(ValueError, match="--ranks"):
            parse_rank_counts(bad)


def test_launcher_commands():
    assert launcher_command("srun", 4) == ["srun", "--mpi=pmi2", "--ntasks=4"]
    # 40 tasks per node, 2 nodes: 40 ranks fill one node, 80 take both
    assert launcher_command("srun", 40, (), 40, 2)[-1] == "--nodes=1"
    assert launcher_command("srun", 80, ("--cpu-bind=cores",), 40, 2)[-2:] == \
        ["--nodes=2", "--cpu-bind=cores"]
    with pytest.raises(ValueError, match="OVERSUBSCRIBE"):
        launcher_command("srun", 4, (), 2, 1)
    assert launcher_command("srun", 4, (), 2, 1, oversubscribe=True)[-2:] == \
        ["--overcommit", "--ntasks-per-node=4"]
    cmd = launcher_command("mpiexec", 3)
    assert cmd[0].endswith("mpiexec") and cmd[1:] == ["-n", "3"]
    with pytest.raises(ValueError, match="--launcher 'aprun'"):
        launcher_command("aprun", 2)


def test_problem_sizes_strong_and_weak():
    heat2d = program_spec("heat2d")
    assert heat2d.size_args("strong", 100, 4) == (10_000, ["--nx", "100", "--ny", "100"])
    assert heat2d.size_args("weak", 100, 4) == (40_000, ["--nx", "100", "--ny", "400"])
    assert program_spec("pi").size_args("weak", 10, 3) == (30, ["--samples", "30"])
    assert program_spec("heat1d").size_args("strong", 10, 3) == (10, ["--nx", "10"])
    with pytest.raises(ValueError, match="--program 'heat3d'"):
        program_spec("heat3d")


def test_sweep_commands_tag_every_run(tmp_path):
    sweep = Sweep(program="heat1d", mode="weak", size=1000, ranks=(1, 2), repetitions=2,
                  records=tmp_path / "r.jsonl", study="s1", program_args=("--steps", "5"))
    runs = sweep.runs()
    assert [(p, rep) for p, rep, _ in runs] == [(1, 1), (2, 1), (1, 2), (2, 2)]
    cmd = runs[3][2]
    text = " ".join(cmd)
    for part in ("-m hpcpar.heat1d", "--nx 2000", "--steps 5", "--expect-ranks 2",
                 f"--record {tmp_path / 'r.jsonl'}", "--tag mode=weak", "--tag size=2000",
                 "--tag repetition=2", "--tag study=s1", "--tag launcher=mpiexec"):
        assert part in text
    assert "--record" not in sweep.command(1, None)  # warm-up runs leave no record


def test_dry_run_prints_the_commands(tmp_path):
    proc = scaling_cli("run", "--program", "pi", "--ranks", "1,2", "--repetitions", "2",
                       "--dry-run", "--args=--kernel numpy", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 4
    assert all("-m hpcpar.pi" in line and "--kernel numpy" in line for line in lines)
    assert not any(tmp_path.iterdir())


@pytest.mark.timeout(200)
def test_sweep_runs_real_jobs_and_writes_records_table_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    proc = scaling_cli("run", "--program", DEMO, "--size-option", "n", "--size", "600",
                       "--ranks", "1,2,3", "--oversubscribe", "--repetitions", "2",
                       "--warmup", "0", "--records", "out/rec.jsonl", "--study", "t1",
                       cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("--expect-ranks") == 3  # each command shown once
    records = read_records([tmp_path / "out" / "rec.jsonl"])
    assert [(r.ranks, r.repetition) for r in records] == \
        [(1, 1), (2, 1), (3, 1), (1, 2), (2, 2), (3, 2)]
    raw = records[2].raw
    assert raw["config"]["n"] == 600 and raw["mode"] == "strong" and raw["size"] == "600"
    assert raw["mpi_library_version"].startswith("MPICH")
    assert raw["nnodes"] == 1 and raw["launcher"] == "mpiexec" and raw["study"] == "t1"
    assert "git_commit" in raw and "slurm_job_id" in raw and "slurm_job_nodelist" in raw
    assert set(raw["timings"]["total"]) >= {"min", "median", "max"}
    assert len(raw["timings"]["total"]["per_rank"]) == 3
    rows = list(csv.DictReader((tmp_path / "out" / "rec.csv").open()))
    assert [int(r["ranks"]) for r in rows] == [1, 2, 3]
    assert len(list((tmp_path / "out" / "plots").glob("demo-strong-600-t1-*.png"))) == 3


@pytest.mark.timeout(120)
def test_weak_sweep_grows_the_problem(tmp_path):
    proc = scaling_cli("run", "--program", DEMO, "--size-option", "n", "--size", "50",
                       "--mode", "weak", "--ranks", "1,2", "--repetitions", "1",
                       "--warmup", "0", "--records", "rec.jsonl", "--no-analyze", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in (tmp_path / "rec.jsonl").read_text().splitlines()]
    assert [(r["ranks"], r["config"]["n"], r["size"]) for r in lines] == \
        [(1, 50, "50"), (2, 100, "100")]


@pytest.mark.timeout(120)
def test_failing_run_stops_the_sweep_with_its_output(tmp_path):
    proc = scaling_cli("run", "--program", DEMO, "--size-option", "n", "--size", "50",
                       "--ranks", "1,2", "--repetitions", "2", "--warmup", "0",
                       "--args=--mode crash", "--records", "rec.jsonl", cwd=tmp_path)
    assert proc.returncode == 1
    assert "run failed: 1 ranks, repetition 1" in proc.stderr
    assert "deliberate crash" in proc.stderr
    assert not (tmp_path / "rec.jsonl").exists()


@pytest.mark.parametrize("args, words", [
    (["--ranks", "1,2,64"], ["64 ranks exceed", "--oversubscribe"]),
    (["--ranks", "1,x"], ["--ranks '1,x'"]),
    (["--mode", "weak", "--size", "0"], ["--size 0"]),
    (["--program", "nope.py"], ["--program 'nope.py': no such file"]),
    (["--repetitions", "0"], ["--repetitions 0"]),
])
def test_run_bad_input_one_message_exit_2(tmp_path, args, words):
    proc = scaling_cli("run", *args, "--dry-run", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("error:") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr


@pytest.mark.timeout(200)
def test_heat1d_sweep_without_slurm(tmp_path):
    """`python -m hpcpar.scaling run` with the real heat1d under mpiexec, strong scaling."""
    proc = scaling_cli("run", "--program", "heat1d", "--size", "6000", "--ranks", "1,2",
                       "--repetitions", "1", "--warmup", "0", "--args=--steps 300",
                       "--records", "rec.jsonl", "--no-plots", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = read_records([tmp_path / "rec.jsonl"])
    assert [(r.program, r.ranks, r.size) for r in records] == [("heat1d", 1, 6000),
                                                               ("heat1d", 2, 6000)]
    assert all(r.raw["summary"]["steps"] == 300 for r in records)
    assert {"compute", "halo", "total"} <= set(records[1].timings)
    assert "least-squares Amdahl fit" in proc.stdout
