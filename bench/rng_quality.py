"""Statistical check of the π solver's generator with dieharder (``apt-get install dieharder``).

``flock /tmp/hpcpar-bench.lock .venv/bin/python bench/rng_quality.py [--tests 0 2 ...]``
pipes SplitMix64 (:mod:`hpcpar.pi.rng`) into ``dieharder -g 200 -Y 1`` (raw 32-bit words from
stdin: each 64-bit output gives its low then its high half, exactly the two coordinates a
Monte Carlo sample uses) and writes ``bench/results/pi_rng_quality.txt``. The stream is the
one the program draws: chunk after chunk of the seed's single counter-based sequence.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from hpcpar.pi.rng import splitmix64

HERE = Path(__file__).resolve().parent
# The diehard tests but the slowest (marsaglia_tsang_gcd, 17), STS monobit/runs/serial, RGB
# bit distribution, minimum distance, permutations, Kolmogorov-Smirnov and the DAB tests:
# about 10 minutes on one core.
DEFAULT_TESTS = [0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 15, 16, 100, 101, 102, 200, 202, 203,
                 205, 206, 207, 208, 209]


def stream(seed: int, out) -> None:
    first, block = 0, 1 << 20
    try:
        while True:
            out.write(splitmix64(seed, first, block).tobytes())
            first += block
    except (BrokenPipeError, ValueError, OSError):
        pass  # dieharder has read what it needs and closed the pipe


def final_verdicts(rows: list[str]) -> list[str]:
    """Verdicts of each test's last round: with ``-Y 1`` dieharder repeats a test with more
    p-samples while a result is WEAK, printing every round."""
    rounds: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        fields = [field.strip() for field in row.split("|")]
        rounds.setdefault(fields[0], []).append((int(fields[3]), fields[-1]))
    verdicts = []
    for entries in rounds.values():
        last = max(psamples for psamples, _ in entries)
        verdicts += [verdict for psamples, verdict in entries if psamples == last]
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--tests", type=int, nargs="+", default=DEFAULT_TESTS)
    parser.add_argument("--output", default="pi_rng_quality.txt",
                        help="file name in bench/results/")
    args = parser.parse_args()
    if shutil.which("dieharder") is None:
        sys.exit("dieharder not found: apt-get install dieharder")
    lines = [f"# dieharder on SplitMix64 seed {args.seed}, "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"]
    for test in args.tests:
        # -Y 1: a WEAK result is re-tested with more p-samples until it resolves
        proc = subprocess.Popen(["dieharder", "-g", "200", "-d", str(test), "-Y", "1"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=False)
        writer = threading.Thread(target=stream, args=(args.seed, proc.stdin), daemon=True)
        writer.start()
        out = proc.stdout.read()
        proc.wait()
        rows = [line for line in out.decode().splitlines()
                if "|" in line and ("PASSED" in line or "WEAK" in line or "FAILED" in line)]
        lines += rows
        print("\n".join(rows), flush=True)
    verdicts = final_verdicts(lines[1:])
    lines.append(f"# final verdicts (the last, largest-p-samples round of each test): "
                 f"{len(verdicts)} results, {verdicts.count('PASSED')} PASSED, "
                 f"{verdicts.count('WEAK')} WEAK, {verdicts.count('FAILED')} FAILED")
    (HERE / "results" / args.output).write_text("\n".join(lines) + "\n")
    print(lines[-1])


if __name__ == "__main__":
    main()
