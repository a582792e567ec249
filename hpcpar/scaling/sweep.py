"""A scaling sweep: run one program on 1, 2, 4, ... ranks, several times each, with records.

The same sweep runs inside a Slurm job (``jobs/scaling.slurm``, launcher ``srun --mpi=pmi2``
or ``mpiexec``) and on a machine without Slurm (``python -m hpcpar.scaling run``, launcher
``mpiexec``). Every run gets ``--expect-ranks P`` (a launcher that starts P singletons
instead of one P-rank job fails at once) and appends one record to the records file, tagged
with ``mode``, ``size``, ``repetition``, ``study`` and ``launcher``.

Problem sizes are in the program's work units. Strong scaling runs the same problem on
every rank count; weak scaling multiplies it by the rank count:

========  ===========================  ==================================
program   strong (size N)              weak (size N per rank, P ranks)
========  ===========================  ==================================
heat1d    ``--nx N``                   ``--nx N*P``
heat2d    ``--nx N --ny N``            ``--nx N --ny N*P`` (rows grow)
          (transient, 500 steps)
pi        ``--samples N``              ``--samples N*P``
x.py      ``--<size-option> N``        ``--<size-option> N*P``
========  ===========================  ==================================

The ``size`` tag is the total work: grid points (heat2d: ``nx * ny``) or samples.
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hpcpar.launch import find_mpiexec, mpi_env, run_command

LAUNCHERS = ("mpiexec", "srun")


@dataclass(frozen=True)
class ProgramSpec:
    """How to start a program and set its problem size."""

    command: tuple[str, ...]          # after the launcher, before the arguments
    size_options: tuple[str, ...]     # heat2d: ("--nx", "--ny"); the last one grows (weak)
    default_size: int
    default_args: tuple[str, ...] = ()

    def size_args(self, mode: str, size: int, ranks: int) -> tuple[int, list[str]]:
        """(total work, arguments) for a run on ``ranks`` ranks with size ``size``."""
        grow = ranks if mode == "weak" else 1
        values = [size] * len(self.size_options)
        values[-1] *= grow
        args = [a for opt, v in zip(self.size_options, values, strict=True) for a in (opt, str(v))]
        return math.prod(values), args


def program_spec(program: str, size_option: str = "nx") -> ProgramSpec:
    """The spec of ``heat1d``, ``heat2d``, ``pi``, or of a script ``path/to/x.py`` on the
    common runner whose size is the field ``size_option`` (``--<size_option> N``)."""
    python = sys.executable
    if program.endswith(".py"):
        if not Path(program).is_file():
            raise ValueError(f"--program {program!r}: no such file")
        return ProgramSpec((python, program), (f"--{size_option.lstrip('-')}",), 1000)
    specs = {  # default sizes: a few seconds on one core; scale them up for real studies
        "heat1d": ProgramSpec((python, "-m", "hpcpar.heat1d"), ("--nx",), 1_000_000,
                              ("--snapshot-every", "0", "--checkpoint-every", "0")),
        # transient with a fixed number of steps: the work is nx * ny * steps in both modes
        # (a steady solve needs more iterations on a bigger grid, which is no weak scaling)
        "heat2d": ProgramSpec((python, "-m", "hpcpar.heat2d"), ("--nx", "--ny"), 1024,
                              ("--mode", "transient", "--steps", "500")),
        "pi": ProgramSpec((python, "-m", "hpcpar.pi"), ("--samples",), 200_000_000),
    }
    if program not in specs:
        raise ValueError(f"--program {program!r}: expected heat1d, heat2d, pi or a path to a "
                         ".py program")
    return specs[program]


def default_rank_counts(max_ranks: int) -> list[int]:
    """1, 2, 4, ... up to ``max_ranks``, and ``max_ranks`` itself."""
    if max_ranks < 1:
        raise ValueError(f"maximum rank count {max_ranks}: expected at least 1")
    counts = [1 << k for k in range(max_ranks.bit_length()) if 1 << k <= max_ranks]
    return counts if counts[-1] == max_ranks else [*counts, max_ranks]


def parse_rank_counts(text: str) -> list[int]:
    """``"1,2,4"`` (or ``"1:2:4"``, ``"1 2 4"``: sbatch --export splits on commas) ->
    ``[1, 2, 4]``, sorted, distinct, all positive."""
    try:
        counts = sorted({int(x) for x in re.split(r"[,:\s]+", text.strip()) if x})
    except ValueError:
        raise ValueError(f"--ranks {text!r}: expected rank counts such as 1,2,4 or "
                         "1:2:4") from None
    if not counts or counts[0] < 1:
        raise ValueError(f"--ranks {text!r}: expected positive rank counts such as 1,2,4")
    return counts


def launcher_command(launcher: str, ranks: int, extra: Sequence[str] = (),
                     tasks_per_node: int | None = None, job_nodes: int | None = None,
                     oversubscribe: bool = False) -> list[str]:
    """``mpiexec -n P`` (the venv's, see :func:`hpcpar.launch.find_mpiexec`) or
    ``srun --mpi=pmi2 --ntasks=P``, then ``extra``.

    For srun inside an allocation of ``job_nodes`` nodes with ``tasks_per_node`` tasks each,
    P ranks go on the fewest nodes that hold them; with ``oversubscribe``, rank counts beyond
    the allocation are started with ``--overcommit`` (more ranks than cores: for testing
    only; such timings mean nothing).
    """
    if launcher == "mpiexec":
        return [find_mpiexec(), "-n", str(ranks), *extra]
    if launcher != "srun":
        raise ValueError(f"--launcher {launcher!r}: expected one of {', '.join(LAUNCHERS)}")
    cmd = ["srun", "--mpi=pmi2", f"--ntasks={ranks}"]
    if tasks_per_node:
        nodes = -(-ranks // tasks_per_node)
        if job_nodes:
            nodes = min(nodes, job_nodes)
        cmd.append(f"--nodes={nodes}")
        if ranks > nodes * tasks_per_node:
            if not oversubscribe:
                raise ValueError(f"{ranks} ranks do not fit in {nodes} nodes of "
                                 f"{tasks_per_node} tasks; set OVERSUBSCRIBE=1 "
                                 "(--oversubscribe) to overcommit the cores anyway")
            cmd += ["--overcommit", f"--ntasks-per-node={-(-ranks // nodes)}"]
    elif oversubscribe:
        cmd.append("--overcommit")
    return [*cmd, *extra]


def _slurm_int(name: str) -> int | None:
    """An integer Slurm variable such as ``SLURM_NTASKS_PER_NODE``, or None."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Sweep:
    """Everything a sweep needs; :meth:`runs` lists its commands."""

    program: str
    mode: str
    size: int
    ranks: tuple[int, ...]
    repetitions: int
    records: Path
    study: str
    launcher: str = "mpiexec"
    launcher_args: tuple[str, ...] = ()
    oversubscribe: bool = False
    program_args: tuple[str, ...] = ()
    size_option: str = "nx"
    workdir: Path | None = None
    spec: ProgramSpec = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "spec", program_spec(self.program, self.size_option))
        if self.mode not in ("strong", "weak"):
            raise ValueError(f"--mode {self.mode!r}: expected strong or weak")
        if self.size < 1:
            raise ValueError(f"--size {self.size}: expected a positive problem size")
        if self.repetitions < 1:
            raise ValueError(f"--repetitions {self.repetitions}: expected at least 1")

    @property
    def name(self) -> str:
        return Path(self.program).stem if self.program.endswith(".py") else self.program

    def command(self, ranks: int, repetition: int | None) -> list[str]:
        """The command line of one run; ``repetition=None``: an unrecorded warm-up run."""
        total, size_args = self.spec.size_args(self.mode, self.size, ranks)
        workdir = self.workdir or self.records.parent / "runs"
        cmd = [*launcher_command(self.launcher, ranks, self.launcher_args,
                                 _slurm_int("SLURM_NTASKS_PER_NODE"),
                                 _slurm_int("SLURM_JOB_NUM_NODES"), self.oversubscribe),
               *self.spec.command, *self.spec.default_args, *size_args, *self.program_args,
               "--output", str(workdir / f"{self.name}-{self.mode}-{ranks}ranks.h5"),
               "--expect-ranks", str(ranks)]
        if repetition is not None:
            cmd += ["--record", str(self.records)]
            for key, value in (("mode", self.mode), ("size", total),
                               ("repetition", repetition), ("study", self.study),
                               ("launcher", self.launcher)):
                cmd += ["--tag", f"{key}={value}"]
        return cmd

    def runs(self) -> list[tuple[int, int, list[str]]]:
        """``(ranks, repetition, command)`` in run order: repetitions outermost, so slow drift
        of the machine spreads over all rank counts instead of biasing one."""
        return [(p, rep, self.command(p, rep))
                for rep in range(1, self.repetitions + 1) for p in self.ranks]


class SweepError(RuntimeError):
    """A run of the sweep failed; the message holds its command and output tail."""


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run_sweep(sweep: Sweep, warmup: int = 1, timeout: float = 3600.0,
              echo=print) -> None:
    """Run the warm-up runs (smallest rank count, not recorded: fills numba's cache), then
    every run of ``sweep``; each appends one record. Raises :class:`SweepError` on the first
    failing run."""
    sweep.records.parent.mkdir(parents=True, exist_ok=True)
    (sweep.workdir or sweep.records.parent / "runs").mkdir(parents=True, exist_ok=True)
    env = mpi_env()
    plan = [(sweep.ranks[0], None, sweep.command(sweep.ranks[0], None))] * warmup + sweep.runs()
    shown: set[int] = set()
    for ranks, repetition, cmd in plan:
        if ranks not in shown and repetition is not None:
            echo(f"$ {shlex.join(cmd)}")
            shown.add(ranks)
        label = "warm-up" if repetition is None else f"repetition {repetition}"
        t0 = time.monotonic()
        try:
            proc = run_command(cmd, timeout, env=env)
        except FileNotFoundError as err:
            raise SweepError(f"cannot start {cmd[0]!r}: {err.strerror}") from None
        except Exception as err:  # subprocess.TimeoutExpired: the group is already killed
            raise SweepError(f"{ranks} ranks, {label}: {err}\n$ {shlex.join(cmd)}") from None
        wall = time.monotonic() - t0
        if proc.returncode != 0:
            raise SweepError(f"{ranks} ranks, {label}: exit status {proc.returncode}\n"
                             f"$ {shlex.join(cmd)}\n{_tail(proc.stdout)}\n{_tail(proc.stderr)}")
        if repetition is None:
            echo(f"  {ranks:>4} ranks, {label}: {wall:.2f} s wall")
            continue
        last = json.loads(sweep.records.read_text().splitlines()[-1])
        echo(f"  {ranks:>4} ranks, {label}: total {last['timings']['total']['max']:.4g} s "
             f"(slowest rank), {wall:.2f} s wall with start-up")
