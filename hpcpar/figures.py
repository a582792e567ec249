"""Saving matplotlib figures the way results are saved: a temporary name, then a rename."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def save_png(fig: Any, path: str | os.PathLike, dpi: float | None = None) -> Path:
    """Write ``fig`` (a matplotlib Figure) to ``path`` as PNG, atomically.

    The image is drawn under a hidden temporary name beside ``path`` and renamed onto it, so
    an interrupted run never leaves a truncated PNG. Closing the figure is the caller's job.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}.png"
    try:
        fig.savefig(tmp, format="png", dpi=dpi if dpi is not None else "figure")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
