"""Benchmark: random-walk task farm over MPI and the single-node backend comparison.

One command rebuilds the C reference, runs everything and rewrites
``bench/results/randomwalk.md`` and ``.json``:

    flock /tmp/hpcpar-bench.lock .venv/bin/python bench/bench_randomwalk.py [--repeat N]

1. Kernel: the numba walk kernel against the same kernel in C (``bench/c/randomwalk.c``,
   ``cc -O2 -ffp-contract=off``), on the deck's distances (Y = 10..150); the step counts must
   be identical.
2. MPI task farm: ``python -m hpcpar.randomwalk`` on 1 rank (the serial reference) and on
   2 ranks with the static, dynamic and futures schedulers; the "compute" region (the farm,
   numba compilation excluded), best of N, and each rank's busy time.
3. ``python -m hpcpar.compare`` for every workload available (randomwalk; pi once
   ``hpcpar.pi`` exists), best of N per case.

Ratios, not bare numbers, are what to compare between machines. Timings with more ranks or
workers than cores are meaningless, so only 1 and 2 are used (2-core machine).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from machine import cpu_model  # noqa: E402  (bench/machine.py)

from hpcpar.h5io import read_result  # noqa: E402
from hpcpar.launch import mpi_env, python_module_command, run_command  # noqa: E402

BUILD = ROOT / "bench" / "build"
RESULTS = ROOT / "bench" / "results"
DECK = ROOT / "inputs" / "randomwalk.toml"
COMPARE_DECK = ROOT / "inputs" / "compare.toml"
SEED = 20261122
DISTANCES = [10.0 * k for k in range(1, 16)]


def build_c() -> Path:
    BUILD.mkdir(parents=True, exist_ok=True)
    exe = BUILD / "randomwalk_c"
    subprocess.run(["cc", "-O2", "-ffp-contract=off", "-o", str(exe),
                    str(ROOT / "bench" / "c" / "randomwalk.c"), "-lm"], check=True)
    return exe


def kernel_vs_c(exe: Path, walks: int, repeat: int) -> dict:
    from hpcpar.randomwalk.kernels import first_crossing_steps, warmup

    warmup("numba")
    best_c, best_nb, totals_c, totals_nb = np.inf, np.inf, None, None
    args = [str(exe), str(SEED), str(walks), *(f"{y:g}" for y in DISTANCES)]
    for _ in range(repeat):
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
        rows = [line.split() for line in out.splitlines()]
        totals_c = [int(r[1]) for r in rows]
        best_c = min(best_c, sum(float(r[2]) for r in rows))
        t0 = time.perf_counter()
        totals_nb = [int(first_crossing_steps("numba", y, SEED, i, 0, walks).sum())
                     for i, y in enumerate(DISTANCES)]
        best_nb = min(best_nb, time.perf_counter() - t0)
    if totals_c != totals_nb:
        raise SystemExit(f"C and numba walks differ: {totals_c} vs {totals_nb}")
    steps = sum(totals_c)
    return {"walks": walks, "steps": steps, "c_s": best_c, "numba_s": best_nb,
            "numba_over_c": best_nb / best_c, "c_ns_per_step": 1e9 * best_c / steps,
            "numba_ns_per_step": 1e9 * best_nb / steps}


def mpi_farm(nranks: int, scheduler: str, walks: int, repeat: int, tmp: Path) -> dict:
    best = None
    for i in range(repeat):
        record = tmp / f"rec-{nranks}-{scheduler}-{i}.jsonl"
        args = [str(DECK), "--walks", str(walks), "--scheduler", scheduler, "--plot", "none",
                "--output", str(tmp / "rw.h5"), "--record", str(record)]
        proc = run_command(python_module_command(nranks, "hpcpar.randomwalk", args), 900,
                           cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"randomwalk on {nranks} ranks failed:\n{proc.stderr}")
        rec = json.loads(record.read_text().splitlines()[-1])
        run = {"ranks": nranks, "scheduler": scheduler,
               "compute_s": rec["timings"]["compute"]["max"],
               "busy_s": rec["summary"]["busy_time"],
               "tasks_per_rank": rec["summary"]["tasks_per_rank"],
               "imbalance": rec["summary"]["imbalance"],
               "mean_steps": read_result(tmp / "rw.h5")["mean_steps"].tolist()}
        if best is None or run["compute_s"] < best["compute_s"]:
            best = run
    return best


def compare(workload: str, repeat: int, tmp: Path) -> dict:
    out = tmp / f"compare-{workload}.h5"
    png = RESULTS / f"compare-{workload}.png"
    env = mpi_env()
    for name in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):  # threads backends need threads
        env.pop(name)
    command = [sys.executable, "-m", "hpcpar.compare", str(COMPARE_DECK), "--workload",
               workload, "--repeat", str(repeat), "--output", str(out), "--plot", str(png)]
    proc = run_command(command, 3600, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"compare {workload} failed:\n{proc.stderr}")
    result = read_result(out)
    rows = []
    for i in range(len(result["backend"])):
        rows.append({name: (result[name][i].decode() if result[name].dtype.kind == "S"
                            else result[name][i].item())
                     for name in ("backend", "kernel", "workers", "work", "seconds", "rate",
                                  "speedup_vs_python", "speedup_vs_fastest_serial",
                                  "speedup_vs_same_kernel_serial", "efficiency", "note")})
    overheads = {k: v for k, v in result.attrs.items()
                 if k.startswith(("fork_", "forkserver_", "spawn_"))}
    return {"rows": rows, "overheads": overheads, "table": proc.stdout.strip()}


def row(rows: list[dict], backend: str, kernel: str, workers: int) -> dict:
    return next(r for r in rows if (r["backend"], r["kernel"], r["workers"]) ==
                (backend, kernel, workers))


def targets(report: dict) -> list[tuple[str, float, float]]:
    """(what, measured, required) for the issue's targets."""
    farm = report["mpi"]
    serial = farm["1-static"]["compute_s"]
    out = [("randomwalk: dynamic farm on 2 ranks vs 1 rank", serial / farm["2-dynamic"]
            ["compute_s"], 1.5)]
    for workload, kernel in (("pi", "numba"), ("randomwalk", "numba")):
        if workload in report["compare"]:
            rows = report["compare"][workload]["rows"]
            out.append((f"{workload}: numba threads x2 vs single-threaded numba",
                         row(rows, "threads", kernel, 2)["speedup_vs_same_kernel_serial"], 1.8))
            serial = row(rows, "serial", "python", 1)["seconds"]
            for backend in ("pool-map", "pool-imap_unordered", "pool-apply_async"):
                r = row(rows, backend, "python", 2)
                out.append((f"{workload}: {backend} python x2 vs serial python "
                            f"({serial:.2f} s serial)",
                            r["speedup_vs_same_kernel_serial"], 1.7))
    return out


def write_markdown(report: dict) -> str:
    lines = ["# Random-walk task farm and single-node backends", "",
             f"Machine: {report['machine']}. Written by `bench/bench_randomwalk.py` "
             f"(best of {report['repeat']}, run under `flock /tmp/hpcpar-bench.lock`; other "
             "helpers' tests may have shared the cores).", ""]
    k = report["kernel"]
    lines += ["## Kernel: numba vs C", "",
              f"Y = 10..150 (15 distances) x {k['walks']} walks = {k['steps']:.3g} steps, "
              "identical step counts in C and numba.", "",
              "| kernel | time s | ns/step | ratio to C |", "| --- | --- | --- | --- |",
              f"| C (`cc -O2 -ffp-contract=off`) | {k['c_s']:.3f} | {k['c_ns_per_step']:.2f} "
              "| 1.00 |",
              f"| numba | {k['numba_s']:.3f} | {k['numba_ns_per_step']:.2f} | "
              f"{k['numba_over_c']:.2f} |", ""]
    farm = report["mpi"]
    serial = farm["1-static"]["compute_s"]
    lines += ["## MPI task farm (numba kernel, `inputs/randomwalk.toml`)", "",
              f"{report['walks']} walks per Y, 250 walks per task. Time = the farm's "
              "'compute' region (max over ranks).", "",
              "| ranks | scheduler | time s | speedup vs 1 rank | busy s per rank | "
              "tasks per rank | max/mean busy |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for run in farm.values():
        busy = ", ".join(f"{b:.2f}" for b in run["busy_s"])
        lines.append(f"| {run['ranks']} | {run['scheduler']} | {run['compute_s']:.3f} | "
                     f"{serial / run['compute_s']:.2f} | {busy} | {run['tasks_per_rank']} | "
                     f"{run['imbalance']:.2f} |")
    lines.append("")
    for workload, comp in report["compare"].items():
        lines += [f"## `python -m hpcpar.compare --workload {workload}`", "",
                  f"![bar chart](compare-{workload}.png)", "", "```", comp["table"], "```", "",
                  "Process overheads (pool of 2, numba kernel warm-up included): " +
                  "; ".join(f"{m}: start-up {comp['overheads'][f'{m}_startup_s']:.2f} s, "
                            f"round trip {comp['overheads'][f'{m}_roundtrip_us']:.0f} us/task"
                            for m in ("fork", "forkserver", "spawn")), ""]
    lines += ["## Targets", "", "| target | measured | required | met |",
              "| --- | --- | --- | --- |"]
    for what, measured, required in report["targets"]:
        lines.append(f"| {what} | {measured:.2f}x | {required:.1f}x | "
                     f"{'yes' if measured >= required else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (best counts)")
    parser.add_argument("--walks", type=int, default=4000, help="walks per Y for the MPI farm")
    parser.add_argument("--skip-compare", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    exe = build_c()
    report = {"machine": f"{cpu_model()}, {os.cpu_count()} cores, "
                         f"load average before {os.getloadavg()[0]:.1f}",
              "repeat": args.repeat, "walks": args.walks,
              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    report["kernel"] = kernel_vs_c(exe, args.walks // 4, args.repeat)
    print(f"kernel: numba/C = {report['kernel']['numba_over_c']:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        report["mpi"] = {}
        for nranks, scheduler in ((1, "static"), (2, "static"), (2, "dynamic"), (2, "futures")):
            run = mpi_farm(nranks, scheduler, args.walks, args.repeat, Path(tmp))
            report["mpi"][f"{nranks}-{scheduler}"] = run
            print(f"mpi {nranks} {scheduler}: {run['compute_s']:.3f} s, busy {run['busy_s']}",
                  flush=True)
        means = {json.dumps(r.pop("mean_steps")) for r in report["mpi"].values()}
        if len(means) != 1:
            raise SystemExit("the schedulers gave different results")
        report["compare"] = {}
        if not args.skip_compare:
            workloads = ["randomwalk"] + (["pi"] if importlib.util.find_spec("hpcpar.pi")
                                          else [])
            for workload in workloads:
                report["compare"][workload] = compare(workload, args.repeat, Path(tmp))
                print(report["compare"][workload]["table"], flush=True)
    report["targets"] = targets(report)
    report["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (RESULTS / "randomwalk.json").write_text(json.dumps(report, indent=1) + "\n")
    (RESULTS / "randomwalk.md").write_text(write_markdown(report))
    print(write_markdown(report))


if __name__ == "__main__":
    main()
