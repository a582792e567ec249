"""heat1d files: the result file (snapshots, diagnostics, final field), checkpoints, restarts.

Every write goes through :class:`hpcpar.h5io.ResultFile`: blocks are written as hyperslabs
with parallel HDF5, otherwise streamed to rank 0 one rank at a time, so no rank ever holds the
global field. Files appear atomically (temporary name, renamed when complete). Reads are by
block: every rank reads only its own points.

Result file layout (``output``)::

    x         (nx,)            m    grid coordinates (dimension scale)
    time      (nsnap,)         s    snapshot times (dimension scale)
    step      (nsnap,)              snapshot step numbers
    u         (nsnap, nx)      K    u(t, x) every ``snapshot_every`` steps
    heat      (nsnap,)         K m  total heat, integral of u over [0, L]
    max_abs   (nsnap,)         K    max |u|
    error_max (nsnap,)         K    max |u - exact| (only where an exact solution exists)
    error_rms (nsnap,)         K    root mean square of u - exact (idem)
    u_final   (nx,)            K    the field after the last step of this run

Checkpoint layout (``checkpoint_file``): ``u`` (nx,) and ``x``, with attributes ``step``,
``time`` and the deck values the field depends on (``nx``, ``boundary``, ``r``, ``dt``, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import h5py
import numpy as np

from hpcpar.config import ConfigError
from hpcpar.heat1d.config import Heat1DConfig
from hpcpar.runner import Context

CHECKPOINT_KIND = "heat1d checkpoint"


# -- reading (validation on rank 0, then block reads on every rank) ------------------------
def _open_for_reading(field: str, path: str) -> h5py.File:
    if not Path(path).is_file():
        raise ConfigError(f"field '{field}' = {path!r}: file does not exist")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise ConfigError(f"field '{field}' = {path!r}: expected an HDF5 file ({err})") from None


def check_initial_file(path: str, dataset: str, nx: int) -> None:
    """Raise ConfigError unless ``path`` holds ``dataset`` with ``nx`` points per row."""
    with _open_for_reading("ic_file", path) as f:
        if dataset not in f or not isinstance(f[dataset], h5py.Dataset):
            raise ConfigError(f"field 'ic_dataset' = {dataset!r}: no such dataset in {path!r}")
        shape = f[dataset].shape
        if len(shape) not in (1, 2) or shape[-1] != nx or 0 in shape:
            raise ConfigError(f"field 'ic_dataset' = {dataset!r}: shape {shape} in {path!r}, "
                              f"expected (nx,) or (rows, nx) with nx = {nx}")


def read_initial_block(path: str, dataset: str, start: int, stop: int) -> np.ndarray:
    """Points ``start .. stop-1`` of the initial field (the last row of a 2D dataset)."""
    with h5py.File(path, "r") as f:
        dset = f[dataset]
        if dset.ndim == 2:
            return np.asarray(dset[dset.shape[0] - 1, start:stop], dtype=np.float64)
        return np.asarray(dset[start:stop], dtype=np.float64)


def checkpoint_identity(cfg: Heat1DConfig) -> dict[str, Any]:
    """Deck values a checkpoint's field depends on; a restart must match all of them."""
    return {"nx": cfg.nx, "boundary": cfg.boundary, "length": cfg.length, "alpha": cfg.alpha,
            "r": cfg.r_effective, "dt": cfg.dt_effective, "left_value": cfg.left_value,
            "right_value": cfg.right_value}


def check_restart_file(cfg: Heat1DConfig) -> None:
    """Raise ConfigError unless ``cfg.restart`` is a checkpoint of this grid and time step."""
    with _open_for_reading("restart", cfg.restart) as f:
        if f.attrs.get("kind") != CHECKPOINT_KIND or "u" not in f:
            raise ConfigError(f"field 'restart' = {cfg.restart!r}: not a heat1d checkpoint")
        for name, expected in checkpoint_identity(cfg).items():
            found = f.attrs[name]
            found = found.decode() if isinstance(found, bytes) else found
            found = found.item() if isinstance(found, np.generic) else found
            if found != expected:
                raise ConfigError(f"field 'restart' = {cfg.restart!r}: checkpoint has {name} = "
                                  f"{found!r}, this deck has {name} = {expected!r}; expected "
                                  "the same grid, boundary and time step")
        step = int(f.attrs["step"])
    if step > cfg.steps:
        raise ConfigError(f"field 'steps' = {cfg.steps}: the restart file {cfg.restart!r} is "
                          f"at step {step}; expected steps >= {step}")


def read_checkpoint_block(path: str, start: int, stop: int) -> tuple[np.ndarray, int]:
    """Points ``start .. stop-1`` of a checkpoint's field, and its step number."""
    with h5py.File(path, "r") as f:
        return np.asarray(f["u"][start:stop], dtype=np.float64), int(f.attrs["step"])


# -- writing (collective) ------------------------------------------------------------------
def write_checkpoint(ctx: Context, cfg: Heat1DConfig, owned: np.ndarray, start: int,
                     step: int) -> None:
    """Collective: write the field at ``step`` to ``cfg.checkpoint_file`` (atomically, so an
    interrupted write keeps the previous checkpoint)."""
    with ctx.result_file(cfg.checkpoint_file) as out:
        out.set_attrs(kind=CHECKPOINT_KIND, step=step, time=step * cfg.dt_effective,
                      **checkpoint_identity(cfg))
        out.create("u", (cfg.nx,), np.float64, units="K")
        out.write_block("u", owned, (slice(start, start + owned.size),))


class SnapshotWriter:
    """Collective writer of the result file: open for the whole run, one row per snapshot.

    Diagnostics (significant on rank 0) are kept in memory and written by :meth:`close`.
    """

    def __init__(self, ctx: Context, cfg: Heat1DConfig, x_local: np.ndarray, start: int,
                 with_error: bool) -> None:
        self.cfg, self.start, self.is_root = cfg, start, ctx.rank == 0
        self.file = ctx.result_file(cfg.output)
        self.columns = ["time", "step", "heat", "max_abs"]
        if with_error:
            self.columns += ["error_max", "error_rms"]
        self.rows: list[tuple[float, ...]] = []
        out, nx = self.file, cfg.nx
        out.create("x", (nx,), np.float64, units="m", description="grid coordinate",
                   is_scale=True)
        out.write_block("x", x_local, (slice(start, start + x_local.size),))
        out.create("time", (0,), np.float64, units="s", description="snapshot time",
                   maxshape=(None,), is_scale=True)
        units = {"step": "", "heat": "K m", "max_abs": "K", "error_max": "K", "error_rms": "K"}
        for name in self.columns[1:]:
            out.create(name, (0,), np.int64 if name == "step" else np.float64, units=units[name],
                       dims=("time",), maxshape=(None,))
        out.create("u", (0, nx), np.float64, units="K", dims=("time", "x"),
                   description="temperature", maxshape=(None, nx))

    def copy_earlier(self, path: str, before_step: int, stop: int) -> int:
        """Collective: copy the snapshots of an earlier heat1d result file at steps before
        ``before_step`` (a restarted run keeps the history of the run it continues). Each
        rank reads its own points ``start .. stop-1`` of each row. Returns the rows copied;
        0 when ``path`` is missing or does not fit (other grid, other diagnostics)."""
        rows: list[int] = []
        diagnostics: np.ndarray | None = None
        if self.is_root:
            rows, diagnostics = self._earlier_rows(path, before_step)
        rows = self.file.comm.bcast(rows)
        if not rows:
            return 0
        with h5py.File(path, "r") as f:
            dset = f["u"]
            for j, row in enumerate(rows):
                owned = np.asarray(dset[row, self.start:stop])
                self.snapshot(owned, tuple(diagnostics[j]) if self.is_root else ())
        return len(rows)

    def _earlier_rows(self, path: str, before_step: int) -> tuple[list[int], np.ndarray | None]:
        try:
            with h5py.File(path, "r") as f:
                if (f.attrs.get("program") != "heat1d" or "u" not in f
                        or f["u"].shape[1:] != (self.cfg.nx,)
                        or any(name not in f for name in self.columns)
                        or f.attrs.get("dt") != self.cfg.dt_effective):
                    return [], None
                steps = f["step"][()]
                rows = [int(i) for i in np.flatnonzero(steps < before_step)]
                table = np.column_stack([f[name][()] for name in self.columns])[rows]
                return rows, table.astype(np.float64)
        except OSError:
            return [], None

    def snapshot(self, owned: np.ndarray, diagnostics: tuple[float, ...]) -> None:
        """Collective: append the field (each rank its ``owned`` points) as a new row."""
        row = len(self.rows)
        self.rows.append(diagnostics)
        self.file.resize("u", row + 1)
        self.file.write_block("u", owned, (row, slice(self.start, self.start + owned.size)))

    def close(self, final: np.ndarray, **attrs: Any) -> None:
        """Collective: write the diagnostics, the final field and ``attrs``; commit the file."""
        out, count = self.file, len(self.rows)
        table = np.zeros((count, len(self.columns)))
        if self.is_root and count:
            table[...] = self.rows
        for j, name in enumerate(self.columns):
            out.resize(name, count)
            column = table[:, j].astype(np.int64) if name == "step" else table[:, j]
            out.write_block(name, column if self.is_root else column[:0], (slice(0, count),))
        out.create("u_final", (self.cfg.nx,), np.float64, units="K", dims=("x",),
                   description="temperature after the last step")
        out.write_block("u_final", final, (slice(self.start, self.start + final.size),))
        out.set_attrs(**attrs)
        out.commit()

    def discard(self) -> None:
        self.file.discard()
