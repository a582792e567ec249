"""π kernels benchmark: ``flock /tmp/hpcpar-bench.lock .venv/bin/python bench/bench_pi.py``.

Rebuilds the C reference (``bench/c/midpoint.c`` with ``cc -O3 -march=native -ffast-math``)
into ``bench/build/``, times everything single-threaded (best of ``--repeats``), and rewrites
``bench/results/pi.md`` and ``pi.json``. Figures are ratios against references timed in the
same run:

* midpoint: points per second of each numba variant / the vectorised C loop (target >= 0.9
  for the kernel the program uses);
* Monte Carlo: samples per second of each kernel / numpy ``Generator.random`` (PCG64) filling
  preallocated buffers, then ``x*x + y*y < 1`` in place (target >= 2 for numba).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import time
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from machine import machine_info  # noqa: E402  (bench/machine.py)
from numba import njit  # noqa: E402

from hpcpar.pi import kernels  # noqa: E402

HERE = Path(__file__).resolve().parent
CFLAGS = ["-O3", "-march=native", "-ffast-math"]


# --- numba midpoint variants: the steps from the textbook loop to the vectorised one ----------

@njit(nogil=True)
def midpoint_plain(n, start, stop):
    """The textbook loop with numba defaults: ZeroDivisionError check on '/', strict IEEE."""
    h = 1.0 / n
    total = 0.0
    for i in range(start, stop):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


@njit(nogil=True, fastmath=True)
def midpoint_fastmath(n, start, stop):
    """fastmath alone: the division check still branches in the loop."""
    h = 1.0 / n
    total = 0.0
    for i in range(start, stop):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


@njit(nogil=True, fastmath=True, error_model="numpy")
def midpoint_index(n, start, stop):
    """fastmath + error_model='numpy': vectorised, but int64 -> double is emulated (AVX2)."""
    h = 1.0 / n
    total = 0.0
    for i in range(start, stop):
        x = (i + 0.5) * h
        total += 4.0 / (1.0 + x * x)
    return total


MIDPOINT_VARIANTS = {
    "numba plain loop (defaults)": midpoint_plain,
    "numba + fastmath": midpoint_fastmath,
    "numba + fastmath + error_model=numpy": midpoint_index,
    "numba kernel (+ float counter), used by the program": kernels._midpoint_numba,
}


def timed(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def interleaved_best(candidates: dict[str, object], rounds: int) -> dict[str, float]:
    """Best seconds of each candidate (a zero-argument callable returning its own time),
    measured round-robin so that every candidate sees the same background load."""
    best = dict.fromkeys(candidates, math.inf)
    for _ in range(rounds):
        for name, measure in candidates.items():
            best[name] = min(best[name], measure())
    return best


def build_c() -> Path:
    build = HERE / "build"
    build.mkdir(exist_ok=True)
    exe = build / "midpoint"
    subprocess.run(["cc", *CFLAGS, str(HERE / "c" / "midpoint.c"), "-o", str(exe)], check=True)
    return exe


def run_c(exe: Path, variant: str, n: int) -> float:
    """Seconds of one C kernel call, timed inside the C program (no process start-up)."""
    out = subprocess.run([str(exe), variant, str(n), "1"], check=True, capture_output=True,
                         text=True).stdout.split()
    assert abs(float(out[1]) - math.pi) < 1e-12, out
    return float(out[0])


def bench_midpoint(exe: Path, n: int, rounds: int) -> list[dict]:
    kernels.warmup()
    nchunks = kernels.nchunks(n)
    for fn in MIDPOINT_VARIANTS.values():
        assert abs(fn(n, 0, n) / n - math.pi) < 1e-12  # compiles, and checks the answer
    assert abs(math.fsum(kernels.midpoint_chunk_sums("numba", n, 0, nchunks)) / n
               - math.pi) < 1e-12
    candidates = {
        "C float counter (reference)": lambda: run_c(exe, "counter", n),
        "C int64 index": lambda: run_c(exe, "index", n),
        **{name: (lambda fn=fn: timed(fn, n, 0, n)) for name, fn in MIDPOINT_VARIANTS.items()},
        "numba kernel per chunk (`midpoint_chunk_sums`, as the program runs it)":
            lambda: timed(kernels.midpoint_chunk_sums, "numba", n, 0, nchunks),
    }
    best = interleaved_best(candidates, rounds)
    c_best = best["C float counter (reference)"]
    return [{"name": name, "n": n, "seconds": seconds, "ns_per_point": seconds / n * 1e9,
             "ratio_to_c": c_best / seconds} for name, seconds in best.items()]


# --- Monte Carlo ------------------------------------------------------------------------------

def numpy_generator_reference(nsamples: int, block: int = 1 << 16) -> int:
    """The reference: numpy's default Generator (PCG64) filling preallocated buffers."""
    rng = np.random.default_rng(2026)
    x, y = np.empty(block), np.empty(block)
    inside = np.empty(block, dtype=bool)
    hits = 0
    for start in range(0, nsamples, block):
        m = min(block, nsamples - start)
        rng.random(out=x[:m])
        rng.random(out=y[:m])
        np.multiply(x[:m], x[:m], out=x[:m])
        np.multiply(y[:m], y[:m], out=y[:m])
        np.add(x[:m], y[:m], out=x[:m])
        np.less(x[:m], 1.0, out=inside[:m])
        hits += int(np.count_nonzero(inside[:m]))
    return hits


def bench_montecarlo(sizes: dict[str, int], rounds: int) -> list[dict]:
    kernels.warmup()
    n_ref = sizes["reference"]
    assert abs(4 * numpy_generator_reference(n_ref) / n_ref - math.pi) < 0.01
    candidates = {"numpy Generator.random, preallocated (reference)":
                  lambda: timed(numpy_generator_reference, n_ref)}
    samples = {"numpy Generator.random, preallocated (reference)": n_ref}
    for kernel in kernels.KERNELS:
        n = sizes[kernel]
        hits = kernels.montecarlo_hits(kernel, 1, n, 0, kernels.nchunks(n))
        assert abs(4 * hits.sum() / n - math.pi) < 0.05
        name = f"{kernel} kernel (SplitMix64, exact integer test)"
        samples[name] = n
        candidates[name] = (lambda kernel=kernel, n=n: timed(
            kernels.montecarlo_hits, kernel, 1, n, 0, kernels.nchunks(n)))
    best = interleaved_best(candidates, rounds)
    ref_rate = n_ref / best["numpy Generator.random, preallocated (reference)"]
    return [{"name": name, "samples": samples[name], "seconds": seconds,
             "samples_per_s": samples[name] / seconds,
             "ns_per_sample": seconds / samples[name] * 1e9,
             "ratio_to_numpy_generator": samples[name] / seconds / ref_rate}
            for name, seconds in best.items()]


# --- report -----------------------------------------------------------------------------------

def machine() -> dict:
    return {**machine_info(), "numba_cpu": __import__("numba").config.CPU_NAME or "host",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def write_markdown(path: Path, info: dict, midpoint: list[dict], mc: list[dict]) -> None:
    lines = [
        "# π kernels benchmark",
        "",
        f"`bench/bench_pi.py`, {info['date']}, {info['cpu']} ({info['cores']} cores), "
        f"{info['cc']}, numba {info['numba_version']}; one thread, best of "
        f"{info['repeats']} interleaved rounds; "
        f"load average at start {info['load_average_at_start'][0]:.2f}.",
        "",
        f"## Midpoint rule, N = {midpoint[0]['n']:.3g} intervals "
        f"(C: `cc {' '.join(CFLAGS)}`)",
        "",
        "| loop | ns/point | points/s ÷ C reference |",
        "| --- | ---: | ---: |",
    ]
    for row in midpoint:
        lines.append(f"| {row['name']} | {row['ns_per_point']:.3f} | {row['ratio_to_c']:.2f} |")
    lines += [
        "",
        "## Monte Carlo (samples per second ÷ numpy `Generator.random` into preallocated "
        "buffers)",
        "",
        "| kernel | samples | ns/sample | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in mc:
        lines.append(f"| {row['name']} | {row['samples']:.3g} | {row['ns_per_sample']:.2f} | "
                     f"{row['ratio_to_numpy_generator']:.2f} |")
    lines.append("")
    path.write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="rounds (best of)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args()
    scale = 1 / 16 if args.quick else 1
    exe = build_c()
    info = machine()
    info["repeats"] = args.repeats
    info["numba_version"] = __import__("numba").__version__
    midpoint = bench_midpoint(exe, int((1 << 27) * scale), args.repeats)
    sizes = {"python": int((1 << 17) * scale), "numpy": int((1 << 24) * scale),
             "numba": int((1 << 26) * scale), "reference": int((1 << 24) * scale)}
    mc = bench_montecarlo(sizes, args.repeats)
    info["load_average_at_end"] = list(os.getloadavg())
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "pi.json").write_text(json.dumps(
        {"machine": info, "midpoint": midpoint, "montecarlo": mc}, indent=1) + "\n")
    write_markdown(results / "pi.md", info, midpoint, mc)
    print((results / "pi.md").read_text())


if __name__ == "__main__":
    main()
