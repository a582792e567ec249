"""heat1d benchmark: the solver against a C build of the same FTCS loop, side by side.

    flock /tmp/hpcpar-bench.lock .venv/bin/python bench/bench_heat1d.py [--repeat 5] [--quick]

Builds ``bench/c/heat1d.c`` twice into ``bench/build/`` (``cc -O3 -march=native``, and with
``-fopenmp``), then measures, best of ``--repeat`` runs each:

1. single-rank throughput (MLUPS = nx * steps / seconds of the whole time loop, from the
   solver's ``--record`` summary) as a ratio to the serial C build, nx = 1e4 .. 1e7;
2. 2-rank strong scaling: efficiency MLUPS(2) / (2 MLUPS(1)) at nx = 1e6, and at nx = 1e7 the
   2-rank speedup over the 2-thread OpenMP build's speedup (memory bandwidth is shared);
3. halo exchange per step and neighbour (ghost width 1: one exchange per step; and the
   automatic width) against a bare mpi4py ``Sendrecv`` of one double between the two ranks.

Writes ``bench/results/heat1d.json`` and ``bench/results/heat1d.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from machine import cpu_model  # noqa: E402  (bench/machine.py)

from hpcpar.launch import mpiexec_command, python_module_command, run_command  # noqa: E402

BUILD = HERE / "build"
RESULTS = HERE / "results"
SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
TARGETS = {"single_rank_vs_c": 0.9, "efficiency_1e6": 0.9, "speedup_vs_openmp_1e7": 0.95,
           "halo_vs_sendrecv": 2.0}

SENDRECV_ONE_DOUBLE = """
import sys
import numpy as np
from mpi4py import MPI
comm = MPI.COMM_WORLD
other = 1 - comm.rank
send, recv = np.zeros(1), np.zeros(1)
sbuf, rbuf = [send, MPI.DOUBLE], [recv, MPI.DOUBLE]
best = float("inf")
for _ in range(int(sys.argv[2])):
    comm.Barrier()
    n = int(sys.argv[1])
    t0 = MPI.Wtime()
    for _ in range(n):
        comm.Sendrecv(sbuf, other, 0, rbuf, other, 0)
    best = min(best, (MPI.Wtime() - t0) / n)
best = comm.allreduce(best, op=MPI.MAX)
if comm.rank == 0:
    print(best)
"""


def build() -> dict[str, str]:
    BUILD.mkdir(exist_ok=True)
    source = HERE / "c" / "heat1d.c"
    binaries = {"serial": BUILD / "heat1d", "openmp": BUILD / "heat1d_omp"}
    flags = {"serial": [], "openmp": ["-fopenmp"]}
    commands = {}
    for name, binary in binaries.items():
        command = ["cc", "-O3", "-march=native", *flags[name], "-o", str(binary), str(source),
                   "-lm"]
        subprocess.run(command, check=True)
        commands[name] = " ".join(command[:-4] + ["heat1d.c"])
    return commands


def steps_for(nx: int, updates: float) -> int:
    return max(10, int(updates / nx))


def c_run(binary: str, nx: int, steps: int, threads: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OMP_PROC_BIND": "true"}
    out = subprocess.run([str(BUILD / binary), str(nx), str(steps)], capture_output=True,
                         text=True, env=env, check=True, timeout=600).stdout
    return json.loads(out)


def solver_run(nranks: int, nx: int, steps: int, workdir: Path, **fields) -> dict:
    record = workdir / "record.jsonl"
    record.unlink(missing_ok=True)
    args = ["--nx", str(nx), "--steps", str(steps), "--boundary", "dirichlet", "--ic", "sine",
            "--length", repr(math.pi),  # the C loop's problem: sin x on [0, pi]
            "--snapshot-every", "0", "--checkpoint-every", "0", "--progress-every", "1000",
            "--output", str(workdir / "out.h5"), "--checkpoint-file", str(workdir / "c.h5"),
            "--record", str(record)]
    for key, value in fields.items():
        args += ["--" + key.replace("_", "-"), str(value)]
    proc = run_command(python_module_command(nranks, "hpcpar.heat1d", args), 900, cwd=workdir)
    if proc.returncode != 0:
        raise RuntimeError(f"solver run failed:\n{proc.stderr}")
    (workdir / "out.h5").unlink(missing_ok=True)
    return json.loads(record.read_text())


def best(runs: list[dict], key=lambda r: r["mlups"]) -> dict:
    return max(runs, key=key)


def sendrecv_seconds(workdir: Path, repeat: int) -> float:
    script = workdir / "sendrecv.py"
    script.write_text(SENDRECV_ONE_DOUBLE)
    command = mpiexec_command(2, [sys.executable, str(script), "20000", str(max(3, repeat))])
    proc = run_command(command, 300, cwd=workdir)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return float(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best)")
    parser.add_argument("--updates", type=float, default=1e9,
                        help="point updates per timed run (steps = updates / nx)")
    parser.add_argument("--quick", action="store_true", help="1e8 updates, 1 repeat (smoke)")
    args = parser.parse_args()
    if args.quick:
        args.updates, args.repeat = 1e8, 1
    t_begin = time.time()
    load_before = os.getloadavg()
    compile_commands = build()
    workdir = Path(tempfile.mkdtemp(prefix="bench-heat1d-", dir=BUILD))
    report: dict = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(),
                                "python": platform.python_version(),
                                "load_average_before": load_before},
                    "compile": compile_commands, "repeat": args.repeat,
                    "updates_per_run": args.updates, "targets": TARGETS}
    solver_run(1, 1000, 10, workdir)  # numba cache warm

    # 1. single rank vs serial C (alternating, so that both see the same machine state)
    single = []
    for nx in SIZES:
        steps = steps_for(nx, args.updates)
        c_runs, py_runs = [], []
        for _ in range(args.repeat):
            c_runs.append(c_run("heat1d", nx, steps, 1))
            py_runs.append(solver_run(1, nx, steps, workdir)["summary"])
        c, py = best(c_runs), best(py_runs)
        if not math.isclose(c["heat"], py["heat"], rel_tol=1e-9):  # the same computation?
            raise RuntimeError(f"C and solver disagree at nx={nx}: {c['heat']} {py['heat']}")
        row = {"nx": nx, "steps": steps, "c_mlups": c["mlups"], "solver_mlups": py["mlups"],
               "ghost": py["ghost"], "ratio": py["mlups"] / c["mlups"],
               "heat_c": c["heat"], "heat_solver": py["heat"]}
        single.append(row)
        print(f"single rank nx={nx:.0e}: C {c['mlups']:.0f}  solver {py['mlups']:.0f} MLUPS  "
              f"ratio {row['ratio']:.2f}", flush=True)
    report["single_rank"] = single

    # 2. two-rank strong scaling
    scaling = []
    for nx in (1_000_000, 10_000_000):
        steps = steps_for(nx, args.updates)
        runs: dict[str, list] = {"one": [], "two": [], "omp1": [], "omp2": []}
        for _ in range(args.repeat):
            runs["one"].append(solver_run(1, nx, steps, workdir)["summary"])
            runs["two"].append(solver_run(2, nx, steps, workdir)["summary"])
            runs["omp1"].append(c_run("heat1d_omp", nx, steps, 1))
            runs["omp2"].append(c_run("heat1d_omp", nx, steps, 2))
        one, two, omp1, omp2 = (best(runs[k]) for k in ("one", "two", "omp1", "omp2"))
        row = {"nx": nx, "steps": steps, "solver_1": one["mlups"], "solver_2": two["mlups"],
               "speedup": two["mlups"] / one["mlups"],
               "efficiency": two["mlups"] / (2 * one["mlups"]),
               "openmp_1": omp1["mlups"], "openmp_2": omp2["mlups"],
               "openmp_speedup": omp2["mlups"] / omp1["mlups"]}
        row["speedup_vs_openmp"] = row["speedup"] / row["openmp_speedup"]
        scaling.append(row)
        print(f"2 ranks nx={nx:.0e}: speedup {row['speedup']:.2f} (efficiency "
              f"{row['efficiency']:.2f}); OpenMP 2 threads {row['openmp_speedup']:.2f}", flush=True)
    report["scaling"] = scaling

    # 3. halo exchange per step and neighbour (every rank of 2 has one neighbour)
    bare = min(sendrecv_seconds(workdir, args.repeat) for _ in range(2))
    halo = []
    for variant in ("isend", "sendrecv"):
        for ghost, nx in ((1, 2_000), (0, 20_000)):
            steps = 200_000 if ghost == 1 else 100_000
            if args.quick:
                steps //= 10
            runs = [solver_run(2, nx, steps, workdir, halo=variant, ghost=ghost)
                    for _ in range(args.repeat)]
            per_step = min(r["timings"]["halo"]["mean"] for r in runs) / steps
            g = runs[0]["summary"]["ghost"]
            halo.append({"halo": variant, "ghost": g, "nx": nx, "steps": steps,
                         "seconds_per_step_per_neighbour": per_step,
                         "ratio_to_sendrecv": per_step / bare})
            print(f"halo {variant} ghost {g}: {per_step * 1e6:.2f} us/step/neighbour = "
                  f"{per_step / bare:.2f} x bare Sendrecv ({bare * 1e6:.2f} us)", flush=True)
    report["halo"] = {"bare_sendrecv_seconds": bare, "runs": halo}

    report["machine"]["load_average_after"] = os.getloadavg()
    report["seconds"] = time.time() - t_begin
    report["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    shutil.rmtree(workdir, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "heat1d.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "heat1d.md").write_text(markdown(report))
    print(markdown(report))


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def markdown(report: dict) -> str:
    m, t = report["machine"], report["targets"]
    lines = [
        "# heat1d benchmark",
        "",
        f"{report['date']}, {m['cpu']}, {m['cores']} cores, load average "
        f"{m['load_average_before'][0]:.1f} before / {m['load_average_after'][0]:.1f} after; "
        f"best of {report['repeat']} runs of {report['updates_per_run']:.0e} point updates; "
        f"C: `{report['compile']['serial']}` (OpenMP: `-fopenmp`). Produced by "
        "`bench/bench_heat1d.py`.",
        "",
        "## Single rank: solver (whole time loop) vs C, MLUPS",
        "",
        f"| nx | steps | C | solver | ghost width | ratio | >= {t['single_rank_vs_c']} |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | :---: |",
    ]
    for r in report["single_rank"]:
        lines.append(f"| {r['nx']:.0e} | {r['steps']} | {r['c_mlups']:.0f} | "
                     f"{r['solver_mlups']:.0f} | {r['ghost']} | {r['ratio']:.2f} | "
                     f"{_mark(r['ratio'] >= t['single_rank_vs_c'])} |")
    lines += ["", "## Two ranks (strong scaling), MLUPS", "",
              "| nx | solver 1 rank | solver 2 ranks | speedup | efficiency | OpenMP 1 thread | "
              "OpenMP 2 threads | OpenMP speedup | speedup / OpenMP speedup |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in report["scaling"]:
        lines.append(f"| {r['nx']:.0e} | {r['solver_1']:.0f} | {r['solver_2']:.0f} | "
                     f"{r['speedup']:.2f} | {r['efficiency']:.2f} | {r['openmp_1']:.0f} | "
                     f"{r['openmp_2']:.0f} | {r['openmp_speedup']:.2f} | "
                     f"{r['speedup_vs_openmp']:.2f} |")
    s1e6, s1e7 = report["scaling"]
    lines += ["", f"Targets: efficiency >= {t['efficiency_1e6']} at 1e6: "
              f"{_mark(s1e6['efficiency'] >= t['efficiency_1e6'])}; speedup >= "
              f"{t['speedup_vs_openmp_1e7']} x OpenMP's at 1e7: "
              f"{_mark(s1e7['speedup_vs_openmp'] >= t['speedup_vs_openmp_1e7'])}.", ""]
    h = report["halo"]
    lines += ["## Halo exchange, 2 ranks, per step and neighbour", "",
              f"Bare mpi4py `Sendrecv` of one double: {h['bare_sendrecv_seconds'] * 1e6:.2f} us.",
              "", "| variant | ghost width | nx | us per step | x bare Sendrecv | "
              f"<= {t['halo_vs_sendrecv']} |", "| --- | ---: | ---: | ---: | ---: | :---: |"]
    for r in h["runs"]:
        lines.append(f"| {r['halo']} | {r['ghost']} | {r['nx']} | "
                     f"{r['seconds_per_step_per_neighbour'] * 1e6:.2f} | "
                     f"{r['ratio_to_sendrecv']:.2f} | "
                     f"{_mark(r['ratio_to_sendrecv'] <= t['halo_vs_sendrecv'])} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
