"""PNG plots of a scaling curve: time, speedup and efficiency against the ideal line.

Needs matplotlib (``pip install -e '.[plot]'``); it is imported when plotting, not before,
and drawn with the non-interactive Agg backend so it works on compute nodes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hpcpar.figures import save_png
from hpcpar.scaling.analysis import ScalingCurve

QUANTITIES = ("time", "speedup", "efficiency")


def _axes(title: str, ylabel: str, ranks: list[int]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.8, 3.4), dpi=100, layout="constrained")
    ax.set_xscale("log", base=2)
    ax.set_xticks(ranks, [str(p) for p in ranks])
    ax.minorticks_off()
    ax.set_xlabel("MPI ranks")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.grid(True, alpha=0.3)
    return fig, ax


def plot_curve(curve: ScalingCurve, outdir: str | Path) -> list[Path]:
    """Write ``<name>-time.png``, ``-speedup.png`` and ``-efficiency.png`` for one curve
    into ``outdir``; returns the paths. Bars span the min..max over repetitions."""
    import matplotlib.pyplot as plt

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pts = curve.points
    p = np.array([pt.ranks for pt in pts], dtype=float)
    ranks = [pt.ranks for pt in pts]
    t = np.array([pt.seconds for pt in pts])
    tmin = np.array([pt.seconds_min for pt in pts])
    tmax = np.array([pt.seconds_max for pt in pts])
    s = np.array([pt.speedup for pt in pts])
    model = np.array([pt.model_speedup for pt in pts])
    p0, t0 = p[0], t[0]
    size = f"{curve.size:,}/rank" if curve.mode == "weak" else f"{curve.size:,}"
    title = f"{curve.program} {curve.mode} scaling, size {size}, region '{curve.region}'"
    law = "Amdahl" if curve.model == "amdahl" else "Gustafson"
    fit = f"{law} fit, serial fraction {curve.model_serial_fraction:.3f}"
    paths = []

    fig, ax = _axes(title, "time (s), slowest rank", ranks)
    ax.errorbar(p, t, yerr=[t - tmin, tmax - t], fmt="o-", capsize=3, label="measured (median)")
    ideal_t = t0 * p0 / p if curve.mode == "strong" else np.full_like(p, t0)
    ax.plot(p, ideal_t, "k--", label="ideal")
    if curve.mode == "strong":
        from matplotlib.ticker import LogFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=False))
        ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False,
                                                  minor_thresholds=(2, 0.5)))
    else:
        ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    paths.append(_save(fig, plt, outdir / f"{curve.name}-time.png"))

    fig, ax = _axes(title, "speedup" if curve.mode == "strong" else "scaled speedup", ranks)
    ax.plot(p, s, "o-", label="measured")
    ax.plot(p, p, "k--", label="ideal")
    if np.all(np.isfinite(model)):
        ax.plot(p, model, ":", color="tab:red", label=fit)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    paths.append(_save(fig, plt, outdir / f"{curve.name}-speedup.png"))

    fig, ax = _axes(title, "parallel efficiency", ranks)
    ax.plot(p, s / p, "o-", label="measured")
    ax.plot(p, np.ones_like(p), "k--", label="ideal")
    if np.all(np.isfinite(model)):
        ax.plot(p, model / p, ":", color="tab:red", label=fit)
    ax.set_ylim(0, max(1.1, float(np.nanmax(s / p)) * 1.1))
    ax.legend(fontsize=8)
    paths.append(_save(fig, plt, outdir / f"{curve.name}-efficiency.png"))
    return paths


def _save(fig, plt, path: Path) -> Path:
    try:
        return save_png(fig, path)
    finally:
        plt.close(fig)
