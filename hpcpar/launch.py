"""Starting MPI jobs from Python: find ``mpiexec``, clean its environment, never hang."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# Variables an MPI process inherits from its own launcher; a child mpiexec must not see them.
_LAUNCHER_PREFIXES = ("PMI_", "PMIX_", "HYDRA_", "MPIR_", "MPI_LOCALNRANKS", "MPI_LOCALRANKID",
                      "OMPI_")


def find_mpiexec() -> str:
    """``$HPCPAR_MPIEXEC``, else the ``mpiexec`` beside this Python (the mpich wheel's, in a
    venv), else the first on ``PATH``."""
    if os.environ.get("HPCPAR_MPIEXEC"):
        return os.environ["HPCPAR_MPIEXEC"]
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.exists():
        return str(beside)
    found = shutil.which("mpiexec")
    if not found:
        raise FileNotFoundError("no mpiexec found: install the mpich wheel or set HPCPAR_MPIEXEC")
    return found


def mpi_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without launcher variables, with one thread per rank."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_LAUNCHER_PREFIXES)}
    env.update(OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.update(extra or {})
    return env


def mpiexec_command(nranks: int, args: Sequence[str]) -> list[str]:
    """``mpiexec -n nranks args...``"""
    return [find_mpiexec(), "-n", str(nranks), *args]


def python_module_command(nranks: int, module: str, args: Sequence[str] = ()) -> list[str]:
    """``mpiexec -n nranks python -m module args...`` with this interpreter."""
    return mpiexec_command(nranks, [sys.executable, "-m", module, *args])


def run_command(command: Sequence[str], timeout: float, env: dict[str, str] | None = None,
                cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run ``command`` in its own process group, capturing text output.

    On timeout the whole group (mpiexec, its proxies, every rank) is killed and
    ``subprocess.TimeoutExpired`` is raised with the output so far.
    """
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=mpi_env() if env is None else env, cwd=cwd,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        raise subprocess.TimeoutExpired(command, timeout, output=out, stderr=err) from None
    return subprocess.CompletedProcess(command, proc.returncode, out, err)
