"""HDF5 results: one writer for every program, and a matching reader.

:class:`ResultFile` is written by all ranks of a communicator but lands atomically: it is
created under a hidden temporary name in the target folder and renamed onto the target only
when the ``with`` block ends without an exception, so an interrupted or failed run never
leaves a partial file at the target path. Datasets carry a ``units`` attribute and HDF5
dimension scales, so netCDF4/xarray tools can open them.

With an MPI-enabled h5py (``h5py.get_config().mpi``) every rank writes its own hyperslab;
otherwise rank 0 holds the file and distributed blocks are streamed to it one rank at a time,
so no rank ever holds the global field.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import h5py
import numpy as np
from mpi4py import MPI

Index = tuple[slice | int, ...]


class ResultFile:
    """Collective writer of one HDF5 result file.

    Parameters
    ----------
    path : target file name; written as ``.<name>.tmp-<id>`` beside it, then renamed.
    comm : every rank of ``comm`` must make every call, in the same order.
    attrs : root-level attributes (provenance, the input deck as TOML text, ...).
    parallel : use parallel HDF5; default ``h5py.get_config().mpi``.
    """

    def __init__(self, path: str | os.PathLike, comm: MPI.Comm,
                 attrs: dict[str, Any] | None = None, parallel: bool | None = None) -> None:
        self.path = Path(path)
        self.comm = comm
        self.parallel = bool(h5py.get_config().mpi if parallel is None else parallel)
        self.is_root = comm.rank == 0
        self._file: h5py.File | None = None
        error, tmp = None, None
        if self.is_root:
            tmp = self.path.parent / f".{self.path.name}.tmp-{uuid.uuid4().hex[:8]}"
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if not self.parallel:
                    self._file = h5py.File(tmp, "w")
            except OSError as err:
                error = f"cannot create result file {self.path}: {err}"
        error, tmp = comm.bcast((error, tmp))
        if error:
            raise OSError(error)
        self.tmp_path: Path = tmp
        if self.parallel:
            self._file = h5py.File(tmp, "w", driver="mpio", comm=comm)
        if attrs:
            self.set_attrs(**attrs)

    # -- context management -------------------------------------------------------------
    def __enter__(self) -> ResultFile:
        return self

    def __exit__(self, exc_type: type | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()

    def commit(self) -> None:
        """Collective: close the file and rename it onto the target path."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.comm.Barrier()
        if self.is_root:
            os.replace(self.tmp_path, self.path)
        self.comm.Barrier()

    def discard(self) -> None:
        """Close and delete the temporary file (not collective: used on the error path)."""
        if self._file is not None and not self.parallel:
            self._file.close()
        self._file = None
        if self.is_root:
            self.tmp_path.unlink(missing_ok=True)

    # -- writing --------------------------------------------------------------------------
    @property
    def _writes_metadata(self) -> bool:
        """Whether this rank touches file metadata (all ranks in parallel mode)."""
        return self.parallel or self.is_root

    def set_attrs(self, **attrs: Any) -> None:
        """Collective: set root-level attributes (values from rank 0 win)."""
        attrs = self.comm.bcast(attrs if self.is_root else None)
        if self._writes_metadata:
            for key, value in attrs.items():
                self._file.attrs[key] = value

    def write(self, name: str, data: Any, units: str = "", dims: tuple[str | None, ...] = (),
              description: str = "") -> None:
        """Collective: write a whole dataset whose data is significant on rank 0 only.

        ``dims`` names, per axis, a dimension-scale dataset written earlier (or None).
        """
        data = np.asarray(data) if self.is_root else None
        shape, dtype = self.comm.bcast((data.shape, data.dtype) if self.is_root else None)
        self.create(name, shape, dtype, units=units, dims=dims, description=description)
        if self.is_root:
            self._file[name][...] = data

    def write_scale(self, name: str, data: Any, units: str = "", description: str = "") -> None:
        """Collective: write a 1D coordinate (dimension scale), e.g. ``x`` or ``time``."""
        self.write(name, data, units=units, description=description)
        if self._writes_metadata:
            self._file[name].make_scale(name)

    def create(self, name: str, shape: tuple[int, ...], dtype: Any, units: str = "",
               dims: tuple[str | None, ...] = (), description: str = "",
               maxshape: tuple[int | None, ...] | None = None, is_scale: bool = False) -> None:
        """Collective: create an empty dataset; ``None`` in ``maxshape`` makes an axis growable.

        ``is_scale=True`` makes it a dimension scale (e.g. a growable ``time`` axis).
        """
        if not self._writes_metadata:
            return
        chunks = True if maxshape is not None else None
        dset = self._file.create_dataset(name, shape=shape, dtype=dtype, maxshape=maxshape,
                                         chunks=chunks)
        dset.attrs["units"] = units
        if is_scale:
            dset.make_scale(name)
        if description:
            dset.attrs["long_name"] = description
        for axis, scale in enumerate(dims):
            if scale is not None:
                dset.dims[axis].attach_scale(self._file[scale])
                dset.dims[axis].label = scale

    def resize(self, name: str, size: int, axis: int = 0) -> None:
        """Collective: grow or shrink a dataset created with a ``None`` in ``maxshape``."""
        if self._writes_metadata:
            self._file[name].resize(size, axis=axis)

    def write_block(self, name: str, block: np.ndarray, index: Index) -> None:
        """Collective: every rank writes its ``block`` at ``dataset[index]``.

        In serial-HDF5 mode rank 0 receives the blocks one rank at a time (at most one
        foreign block in memory). Ranks owning nothing pass an empty block.
        """
        block = np.ascontiguousarray(block)
        if self.parallel:
            if block.size:
                self._file[name][index] = block
            return
        if not self.is_root:
            self.comm.send((index, block.shape, block.dtype.str), dest=0, tag=_BLOCK_TAG)
            if block.size:
                self.comm.Send(block, dest=0, tag=_BLOCK_TAG)
            return
        dset = self._file[name]
        if block.size:
            dset[index] = block
        for source in range(1, self.comm.size):
            their_index, shape, dtype = self.comm.recv(source=source, tag=_BLOCK_TAG)
            if int(np.prod(shape)) == 0:
                continue
            buffer = np.empty(shape, dtype=dtype)
            self.comm.Recv(buffer, source=source, tag=_BLOCK_TAG)
            dset[their_index] = buffer


_BLOCK_TAG = 7301


@dataclass
class Result:
    """An HDF5 result read back: datasets by path, their units and dimension names, and
    the root attributes."""

    data: dict[str, np.ndarray] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    dims: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


def read_result(path: str | os.PathLike) -> Result:
    """Read every dataset and attribute of a result file (serially, on the calling rank)."""
    result = Result()
    with h5py.File(path, "r") as f:
        result.attrs = {k: _plain(v) for k, v in f.attrs.items()}

        def visit(name: str, obj: Any) -> None:
            if isinstance(obj, h5py.Dataset):
                result.data[name] = obj[()]
                result.units[name] = _plain(obj.attrs.get("units", ""))
                result.dims[name] = tuple(d.label for d in obj.dims)

        f.visititems(visit)
    return result
