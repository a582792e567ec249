"""Helpers for the heat1d tests: an independent whole-grid numpy FTCS, and program runners."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from hpcpar.config import load_config
from hpcpar.heat1d.analytic import initial_block
from hpcpar.heat1d.config import Heat1DConfig
from hpcpar.launch import python_module_command, run_command


def reference_run(steps: int, snapshot_every: int = 0, **fields) -> tuple[np.ndarray, list]:
    """The whole grid on one process with numpy slices: (u after ``steps``, snapshot rows)."""
    cfg = load_config(Heat1DConfig, overrides=fields)
    u = initial_block(cfg, 0, cfg.nx)
    if cfg.boundary == "dirichlet":
        u[0], u[-1] = cfg.left_value, cfg.right_value
    r, snapshots = cfg.r_effective, []
    for step in range(steps + 1):
        if snapshot_every and step % snapshot_every == 0:
            snapshots.append(u.copy())
        if step == steps:
            break
        if cfg.boundary == "dirichlet":
            ext = u
        elif cfg.boundary == "neumann":
            ext = np.concatenate(([u[0]], u, [u[-1]]))
        else:
            ext = np.concatenate(([u[-1]], u, [u[0]]))
        inner = ext[1:-1] + r * ((ext[:-2] + ext[2:]) - 2.0 * ext[1:-1])
        if cfg.boundary == "dirichlet":
            u = np.concatenate(([u[0]], inner, [u[-1]]))
        else:
            u = inner
    return u, snapshots


def flags(**fields) -> list[str]:
    """``--field value`` command-line flags."""
    out = []
    for key, value in fields.items():
        out += ["--" + key.replace("_", "-"), str(value)]
    return out


def heat1d_job(nranks: int, *args: str, cwd: Path, timeout: float = 120):
    """Run ``mpiexec -n nranks python -m hpcpar.heat1d args`` (a real job) in ``cwd``."""
    return run_command(python_module_command(nranks, "hpcpar.heat1d", list(args)), timeout,
                       cwd=cwd)


def last_record(path: Path) -> dict:
    return json.loads(Path(path).read_text().splitlines()[-1])


PYTHON = sys.executable
