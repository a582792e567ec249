"""The comparison's table: speedups and efficiencies, text, HDF5 and a PNG bar chart."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hpcpar.backends.workload import BackendRun
from hpcpar.compare.workloads import base_kernel
from hpcpar.figures import save_png


@dataclass(frozen=True)
class Row:
    """A run with its rates relative to the serial references.

    vs_python : rate / rate of serial pure Python.
    vs_fastest : rate / rate of the fastest serial kernel.
    vs_same : rate / rate of the serial run of the same kernel (``numba-prange`` counts as
        ``numba``); ``efficiency`` is ``vs_same / workers``.
    """

    run: BackendRun
    vs_python: float
    vs_fastest: float
    vs_same: float

    @property
    def efficiency(self) -> float:
        return self.vs_same / self.run.workers

    @property
    def label(self) -> str:
        r = self.run
        kernel = "" if r.kernel == r.backend else f" {r.kernel}"
        return f"{r.backend}{kernel} x{r.workers}"


def make_rows(runs: list[BackendRun]) -> list[Row]:
    serial = {r.kernel: r.rate for r in runs if r.backend == "serial"}
    python, fastest = serial["python"], max(serial.values())
    return [Row(r, r.rate / python, r.rate / fastest, r.rate / serial[base_kernel(r.kernel)])
            for r in runs]


def format_table(rows: list[Row], units: str) -> str:
    head = (f"{'backend':20s} {'kernel':12s} {'workers':>7s} {'work':>9s} {'time s':>8s} "
            f"{units + '/s':>10s} {'x python':>9s} {'x fastest':>9s} {'x serial':>8s} "
            f"{'effic.':>6s}  note")
    lines = [head, "-" * len(head)]
    for row in rows:
        r = row.run
        lines.append(f"{r.backend:20s} {r.kernel:12s} {r.workers:7d} {r.work:9.3g} "
                     f"{r.seconds:8.3f} {r.rate:10.3g} {row.vs_python:9.2f} "
                     f"{row.vs_fastest:9.3f} {row.vs_same:8.2f} {row.efficiency:6.2f}  {r.note}")
    return "\n".join(lines)


def columns(rows: list[Row]) -> dict[str, np.ndarray]:
    """The table as arrays, one entry per row (strings as fixed-width bytes for HDF5)."""
    def text(values: list[str]) -> np.ndarray:
        return np.array([v.encode() for v in values])

    return {
        "backend": text([r.run.backend for r in rows]),
        "kernel": text([r.run.kernel for r in rows]),
        "note": text([r.run.note for r in rows]),
        "workers": np.array([r.run.workers for r in rows], dtype=np.int64),
        "work": np.array([r.run.work for r in rows]),
        "seconds": np.array([r.run.seconds for r in rows]),
        "rate": np.array([r.run.rate for r in rows]),
        "speedup_vs_python": np.array([r.vs_python for r in rows]),
        "speedup_vs_fastest_serial": np.array([r.vs_fastest for r in rows]),
        "speedup_vs_same_kernel_serial": np.array([r.vs_same for r in rows]),
        "efficiency": np.array([r.efficiency for r in rows]),
    }


def plot_rows(path: str | os.PathLike, rows: list[Row], title: str) -> None:
    """Horizontal bars: speedup over the serial run of the same kernel, one bar per row,
    with the rate relative to serial Python written beside it. Written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    labels = [row.label for row in rows]
    speedup = np.array([row.vs_same for row in rows])
    colors = {"serial": "0.5", "threads": "tab:orange", "numba-prange": "tab:red"}
    fig, ax = plt.subplots(figsize=(7.5, 0.28 * len(rows) + 1.4))
    ypos = np.arange(len(rows))[::-1]
    ax.barh(ypos, speedup, color=[colors.get(row.run.backend, "tab:blue") for row in rows])
    for y, row in zip(ypos, rows, strict=True):
        ax.text(row.vs_same, y, f" {row.vs_same:.2f}  ({row.vs_python:.3g}x python)",
                va="center", fontsize=7)
    ax.set_yticks(ypos, labels, fontsize=7)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xlim(0, max(2.6, speedup.max() * 1.45))
    ax.set_xlabel("speedup over the serial run of the same kernel")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    try:
        save_png(fig, path, dpi=80)
    finally:
        plt.close(fig)
