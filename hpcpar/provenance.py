"""Where and how a run happened: versions, git commit, MPI library, ranks, hosts, Slurm job."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

from mpi4py import MPI

import hpcpar


def now_iso() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@cache
def git_commit() -> str:
    """``git describe --always --dirty`` of the checkout holding this package, or ``""``."""
    here = Path(hpcpar.__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "describe", "--always", "--dirty",
                              "--abbrev=40"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def mpi_library_version() -> str:
    """First line of ``MPI.Get_library_version()``, e.g. ``MPICH Version: 5.0.2``."""
    return " ".join(MPI.Get_library_version().splitlines()[0].split())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def collect(comm: MPI.Comm) -> dict[str, str | int]:
    """Collective: provenance attributes, identical on every rank.

    Git is asked on rank 0 only, so 1000 ranks do not start 1000 ``git`` processes.
    """
    hosts = comm.allgather(MPI.Get_processor_name())
    root = None
    if comm.rank == 0:
        root = {"git_commit": git_commit(), "start_time": now_iso()}
    root = comm.bcast(root)
    return {
        "hpcpar_version": hpcpar.__version__,
        "git_commit": root["git_commit"],
        "mpi_library_version": mpi_library_version(),
        "mpi4py_version": _version("mpi4py"),
        "numpy_version": _version("numpy"),
        "numba_version": _version("numba"),
        "h5py_version": _version("h5py"),
        "python_version": sys.version.split()[0],
        "nranks": comm.size,
        "nnodes": len(set(hosts)),
        "hosts": ",".join(sorted(set(hosts))),
        "command_line": shlex.join([Path(sys.executable).name, *sys.orig_argv[1:]]),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID", ""),
        "slurm_job_nodelist": os.environ.get("SLURM_JOB_NODELIST", ""),
        "start_time": root["start_time"],
    }
