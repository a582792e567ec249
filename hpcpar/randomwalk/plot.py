"""PNG plot of the mean first-crossing time T(Y) with its fit (matplotlib, rank 0 only)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from hpcpar.figures import save_png
from hpcpar.randomwalk.analysis import DIFFUSION_PREFACTOR, CrossingStats, PowerFit


def plot_crossing(path: str | os.PathLike, stats: CrossingStats, fit: PowerFit) -> None:
    """Log-log plot of T(Y) with error bars, the fit a Y^b and the diffusion estimate 3 Y^2.

    Written under a temporary name and renamed, like the HDF5 results.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    y = np.geomspace(stats.distances[0], stats.distances[-1], 200)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6, 6), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.3]})
    top.errorbar(stats.distances, stats.mean, yerr=stats.stderr, fmt="o", ms=4,
                 label="simulation (± 1 s.e.)")
    top.plot(y, fit.prefactor * y**fit.exponent, "-",
             label=f"fit {fit.prefactor:.3f} Y^{fit.exponent:.4f}")
    top.plot(y, DIFFUSION_PREFACTOR * y**2, "--", label="diffusion 3 Y²")
    top.set(xscale="log", yscale="log", ylabel="mean steps T(Y)",
            title=f"First crossing of |y| ≥ Y, {int(stats.walks[0])} walks per Y")
    top.legend()
    ratio = stats.mean / stats.diffusion
    bottom.errorbar(stats.distances, ratio, yerr=stats.stderr / stats.diffusion, fmt="o", ms=4)
    bottom.axhline(1.0, color="k", lw=0.8)
    bottom.set(xscale="log", xlabel="distance Y (step lengths)", ylabel="T / 3Y²")
    fig.tight_layout()
    try:
        save_png(fig, path, dpi=90)
    finally:
        plt.close(fig)
