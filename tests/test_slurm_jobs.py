"""The job scripts in jobs/, submitted with sbatch to a real Slurm cluster.

`scripts/slurm-cluster start` runs a one-node cluster on this machine (`.ci/run` does it
and sets HPCPAR_REQUIRE_SLURM=1). Without a cluster these tests skip, unless
HPCPAR_REQUIRE_SLURM=1, where they fail. Jobs get as many tasks per node as the node has
CPUs; 4 ranks on a 2-CPU node are overcommitted (fine for correctness, not for timing).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from hpcpar.h5io import read_result
from hpcpar.launch import python_module_command, run_command
from hpcpar.scaling.records import read_records

pytestmark = pytest.mark.slurm

ROOT = Path(__file__).resolve().parents[1]
JOBS = ROOT / "jobs"
VENV = Path(sys.prefix)


@dataclass(frozen=True)
class Cluster:
    env: dict[str, str]
    partition: str
    cpus: int
    hostname: str


def _slurm_env() -> dict[str, str]:
    """This environment; SLURM_CONF pointing at scripts/slurm-cluster's cluster when that is
    running and neither SLURM_CONF nor /etc/slurm/slurm.conf says otherwise."""
    env = dict(os.environ)
    local = Path(env.get("HPCPAR_SLURM_DIR", "/tmp/hpcpar-slurm"))
    if "SLURM_CONF" not in env and not Path("/etc/slurm/slurm.conf").exists() and \
            (local / "slurmctld.pid").exists():  # removed by `scripts/slurm-cluster stop`
        env["SLURM_CONF"] = str(local / "slurm.conf")
    return env


def _find_cluster() -> tuple[Cluster | None, str]:
    if shutil.which("sbatch") is None:
        return None, "Slurm is not installed (no sbatch on PATH)"
    env = _slurm_env()
    conf = Path(env.get("SLURM_CONF", "/etc/slurm/slurm.conf"))
    if not conf.exists():
        return None, f"no Slurm configuration ({conf} does not exist)"
    try:
        proc = subprocess.run(["sinfo", "--noheader", "--format", "%P %a %c %T %N"],
                              env=env, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None, f"sinfo did not answer within 20 s (configuration {conf})"
    if proc.returncode != 0:
        return None, f"no Slurm cluster answers (sinfo: {proc.stderr.strip()[:200]})"
    for line in proc.stdout.splitlines():
        partition, avail, cpus, state, node = line.split()[:5]
        if avail == "up" and state in ("idle", "mixed", "allocated", "completing"):
            return Cluster(env, partition.rstrip("*"), int(cpus.rstrip("+")), node), ""
    return None, f"no partition with a usable node (sinfo: {proc.stdout.strip()[:200]})"


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    found, reason = _find_cluster()
    if found is None:
        hint = "start one with `scripts/slurm-cluster start` (as root)"
        if os.environ.get("HPCPAR_REQUIRE_SLURM") == "1":
            pytest.fail(f"HPCPAR_REQUIRE_SLURM=1 but {reason}; {hint}", pytrace=False)
        pytest.skip(f"{reason}; {hint}; HPCPAR_REQUIRE_SLURM=1 turns this skip into a failure")
    return found


@dataclass(frozen=True)
class Job:
    job_id: str
    returncode: int
    log: str


def sbatch(cluster: Cluster, script: str, cwd: Path, *options: str, export: dict[str, str],
           timeout: float = 240) -> Job:
    """``sbatch --wait`` a job script from jobs/ in ``cwd``; its exit status and output.

    On timeout the job is cancelled and the test fails with what it printed so far.
    """
    exports = ",".join(f"{k}={v}" for k, v in {"VENV": str(VENV), **export}.items())
    cmd = ["sbatch", "--wait", "--parsable", f"--partition={cluster.partition}",
           f"--output={cwd}/%x-%j.out", *options, f"--export=ALL,{exports}",
           str(JOBS / script)]
    proc = subprocess.Popen(cmd, cwd=cwd, env=cluster.env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    job_id = proc.stdout.readline().strip().split(";")[0]
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        subprocess.run(["scancel", job_id], env=cluster.env, timeout=30)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        logs = "".join(p.read_text() for p in cwd.glob(f"*-{job_id}.out"))
        pytest.fail(f"job {job_id} ({script}) still running after {timeout} s:\n{logs}")
    assert job_id.isdigit(), f"sbatch failed: {job_id} {err}"
    (log_file,) = cwd.glob(f"*-{job_id}.out")
    return Job(job_id, proc.returncode, log_file.read_text())


def tasks_per_node(cluster: Cluster, wanted: int) -> str:
    return f"--ntasks-per-node={min(wanted, cluster.cpus)}"


@pytest.mark.timeout(300)
def test_scaling_job_with_srun_writes_records_table_and_plots(cluster, tmp_path):
    """Strong scaling of heat1d on 1, 2 and 4 ranks, twice each, ranks started by srun."""
    pytest.importorskip("matplotlib")
    job = sbatch(cluster, "scaling.slurm", tmp_path, tasks_per_node(cluster, 4), "--time=4",
                 export={"PROGRAM": "heat1d", "SIZE": "20000", "ARGS": "--steps 1000",
                         "RANKS": "1:2:4", "OVERSUBSCRIBE": "1", "REPETITIONS": "2",
                         "WARMUP": "0", "LAUNCHER": "srun", "OUTDIR": "study"})
    assert job.returncode == 0, job.log
    assert "--mpi=pmi2" in job.log
    records = read_records([tmp_path / "study" / "records.jsonl"])
    assert [(r.ranks, r.repetition) for r in records] == \
        [(1, 1), (2, 1), (4, 1), (1, 2), (2, 2), (4, 2)]
    for r in records:
        assert (r.program, r.mode, r.size, r.study) == ("heat1d", "strong", 20000, job.job_id)
        assert r.job_id == job.job_id and r.nodes == 1 and r.launcher == "srun"
        assert r.nodelist == cluster.hostname
        assert r.mpi_library.startswith("MPICH")
        assert r.raw["config"]["nx"] == 20000 and r.raw["summary"]["steps"] == 1000
        assert len(r.raw["timings"]["total"]["per_rank"]) == r.ranks
        assert {"compute", "halo"} <= set(r.timings)
        assert r.timings["total"]["min"] <= r.timings["total"]["median"] <= \
            r.timings["total"]["max"]
    rows = list(csv.DictReader((tmp_path / "study" / "scaling.csv").open()))
    assert [(int(r["ranks"]), int(r["repetitions"])) for r in rows] == [(1, 2), (2, 2), (4, 2)]
    assert float(rows[0]["speedup"]) == 1.0
    plots = sorted(p.name for p in (tmp_path / "study" / "plots").glob("*.png"))
    assert plots == [f"heat1d-strong-20000-{job.job_id}-{q}.png"
                     for q in ("efficiency", "speedup", "time")]
    assert "least-squares Amdahl fit" in job.log


@pytest.mark.timeout(240)
def test_scaling_job_with_mpiexec_weak_scaling(cluster, tmp_path):
    """Weak scaling with the Python environment's mpiexec (MPICH's hydra inside the job)."""
    job = sbatch(cluster, "scaling.slurm", tmp_path, tasks_per_node(cluster, 2), "--time=4",
                 export={"PROGRAM": "heat1d", "MODE": "weak", "SIZE": "10000",
                         "ARGS": "--steps 1000", "RANKS": "1:2", "REPETITIONS": "1", "WARMUP": "0",
                         "LAUNCHER": "mpiexec", "OUTDIR": "weak", "REGION": "compute"})
    assert job.returncode == 0, job.log
    lines = [json.loads(x) for x in (tmp_path / "weak" / "records.jsonl").read_text().splitlines()]
    assert [(r["ranks"], r["config"]["nx"], r["size"], r["launcher"]) for r in lines] == \
        [(1, 10000, "10000", "mpiexec"), (2, 20000, "20000", "mpiexec")]
    assert all(r["slurm_job_id"] == job.job_id for r in lines)
    assert "weak scaling, size 10000 per rank" in job.log
    assert "region 'compute'" in job.log


@pytest.mark.timeout(120)
def test_launcher_mismatch_fails_loudly(cluster, tmp_path):
    """srun without PMI starts two one-rank jobs; --expect-ranks stops them at once."""
    job = sbatch(cluster, "heat1d.slurm", tmp_path, tasks_per_node(cluster, 2), "--time=2",
                 export={"DECK": "", "ARGS": "--nx 1000 --steps 10", "OUTPUT": "out.h5",
                         "LAUNCHER_ARGS": "--mpi=none"})
    assert job.returncode != 0
    assert "--expect-ranks 2: the job has 1 ranks" in job.log
    assert not (tmp_path / "out.h5").exists()


def _final_field(path: Path) -> np.ndarray:
    return np.asarray(read_result(path)["u_final"])


@pytest.mark.timeout(300)
def test_heat1d_job_checkpoints_at_its_time_limit_and_continues(cluster, tmp_path):
    """A one-minute job with Slurm's --signal=B:USR1@50 is signalled by Slurm within its
    first 30 s (Slurm checks time limits about every 30 s) and stops with a checkpoint long
    before its steps are done. Submitted again (with mpiexec this time, and a total number
    of steps a few thousand past the checkpoint, so the test does not wait for the first
    goal) it continues from the checkpoint and completes; its final field is bitwise the
    one of an uninterrupted run to the same step."""
    physics = "--nx 20000 --boundary dirichlet --ic sine --snapshot-every 0"
    first = sbatch(cluster, "heat1d.slurm", tmp_path, tasks_per_node(cluster, 2),
                   "--time=1", "--signal=B:USR1@50",
                   export={"DECK": "", "ARGS": f"{physics} --steps 1000000000",
                           "OUTPUT": "out.h5", "CHECKPOINT": "ckpt.h5", "LAUNCHER": "srun"},
                   timeout=150)
    assert first.returncode == 0, first.log
    assert "SIGUSR1" in first.log and "passing it on" in first.log
    stop = re.search(r"checkpoint written at step (\d+)", first.log)
    assert stop, first.log
    step = int(stop.group(1))
    assert 0 < step < 1_000_000_000
    assert (tmp_path / "ckpt.h5").exists()
    assert read_result(tmp_path / "out.h5").attrs["complete"] == False  # noqa: E712
    assert "submit this job again" in first.log

    goal = step + 3000
    second = sbatch(cluster, "heat1d.slurm", tmp_path, tasks_per_node(cluster, 2),
                    "--time=5", "--signal=B:USR1@60",
                    export={"DECK": "", "ARGS": f"{physics} --steps {goal}",
                            "OUTPUT": "out.h5", "CHECKPOINT": "ckpt.h5",
                            "LAUNCHER": "mpiexec"})
    assert second.returncode == 0, second.log
    assert "continuing from the checkpoint ckpt.h5" in second.log
    assert f"steps {step} -> {goal}" in second.log
    assert "run complete" in second.log
    assert not (tmp_path / "ckpt.h5").exists()  # a finished run deletes its checkpoint
    result = read_result(tmp_path / "out.h5")
    assert result.attrs["complete"] == True  # noqa: E712
    assert int(result.attrs["start_step"]) == step and int(result.attrs["last_step"]) == goal
    assert result.attrs["slurm_job_id"] == second.job_id

    reference = run_command(python_module_command(
        2, "hpcpar.heat1d", [*physics.split(), "--steps", str(goal), "--output", "ref.h5",
                             "--checkpoint-file", "ref_ckpt.h5"]), 120, cwd=tmp_path)
    assert reference.returncode == 0, reference.stderr
    assert np.array_equal(_final_field(tmp_path / "out.h5"), _final_field(tmp_path / "ref.h5"))


@pytest.mark.timeout(120)
def test_pi_job_with_mpiexec(cluster, tmp_path):
    job = sbatch(cluster, "pi.slurm", tmp_path, tasks_per_node(cluster, 2), "--time=2",
                 export={"DECK": "", "ARGS": "--samples 2000000 --kernel numpy", "OUTPUT": "pi.h5",
                         "RECORD": "pi.jsonl", "LAUNCHER": "mpiexec"})
    assert job.returncode == 0, job.log
    result = read_result(tmp_path / "pi.h5")
    assert result.attrs["slurm_job_id"] == job.job_id
    assert int(result.attrs["nranks"]) == min(2, cluster.cpus)
    (record,) = read_records([tmp_path / "pi.jsonl"])
    assert record.program == "pi" and record.job_id == job.job_id
    assert record.size == 2_000_000 and record.ranks == min(2, cluster.cpus)


@pytest.mark.timeout(120)
def test_heat2d_job_with_srun(cluster, tmp_path):
    job = sbatch(cluster, "heat2d.slurm", tmp_path, tasks_per_node(cluster, 2), "--time=2",
                 export={"DECK": "", "ARGS": "--nx 65 --ny 65 --max-iters 500",
                         "OUTPUT": "plate.h5"})
    assert job.returncode == 0, job.log
    assert "srun --mpi=pmi2" in job.log
    result = read_result(tmp_path / "plate.h5")
    assert result.attrs["slurm_job_id"] == job.job_id
    assert int(result.attrs["nranks"]) == min(2, cluster.cpus)
