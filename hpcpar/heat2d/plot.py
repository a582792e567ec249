"""PNG heat map of a heat2d result file (matplotlib; serial, call it on one rank)."""

from __future__ import annotations

import os
from pathlib import Path

from hpcpar.figures import save_png
from hpcpar.h5io import read_result


def plot_temperature(result_path: str | os.PathLike, png_path: str | os.PathLike) -> Path:
    """Draw ``temperature[y, x]`` from the HDF5 file ``result_path`` into ``png_path``.

    Uses matplotlib's object API with the Agg canvas (no pyplot state, no display needed).
    Returns the PNG path.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    result = read_result(result_path)
    x, y, temp = result["x"], result["y"], result["temperature"]
    attrs = result.attrs
    fig = Figure(figsize=(6.4, 5.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    image = ax.imshow(temp, origin="lower", extent=(x[0], x[-1], y[0], y[-1]),
                      cmap="inferno", aspect="equal", interpolation="nearest")
    fig.colorbar(image, ax=ax, label=f"temperature [{result.units['temperature']}]")
    ax.set_xlabel(f"x [{result.units['x']}]")
    ax.set_ylabel(f"y [{result.units['y']}]")
    if attrs.get("mode") == "transient":
        title = f"heat2d: t = {attrs['time']:.4g} s after {attrs['iterations']} FTCS steps"
    else:
        state = "converged" if attrs.get("converged") else "not converged"
        title = f"heat2d steady state: {attrs['iterations']} Jacobi iterations, {state}"
    ax.set_title(f"{title}\n{temp.shape[1]} x {temp.shape[0]} points", fontsize=10)
    return save_png(fig, png_path)
