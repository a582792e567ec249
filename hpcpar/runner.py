"""The runner behind every ``python -m hpcpar.<program>``.

* Arguments and the input deck are parsed and validated on rank 0 and the verdict broadcast,
  so bad input prints exactly one message and every rank exits with status 2, never a hang.
* An exception on any rank prints that rank's traceback and aborts ``COMM_WORLD``, so one
  crashing rank ends the whole job within seconds.
* Rank 0 logs progress (``--verbose``: every rank); timed regions are reduced over ranks and,
  with ``--record FILE``, appended to a JSON-lines record for scaling studies.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from logging import Logger
from pathlib import Path
from typing import Any

from mpi4py import MPI

from hpcpar import provenance
from hpcpar.config import ConfigError, add_config_arguments, config_dict, load_config, to_toml
from hpcpar.h5io import ResultFile
from hpcpar.logs import rank_logger
from hpcpar.timing import Timers

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


@dataclass
class Context:
    """What a program's ``main`` gets besides its config: the communicator and run services."""

    comm: MPI.Intracomm
    log: Logger
    timers: Timers
    deck_toml: str
    provenance: dict[str, Any]
    program: str

    @property
    def rank(self) -> int:
        return self.comm.rank

    @property
    def size(self) -> int:
        return self.comm.size

    def result_file(self, path: str | Path, parallel: bool | None = None) -> ResultFile:
        """Collective: a :class:`ResultFile` stamped with provenance and the input deck."""
        attrs = {"program": self.program, "input_deck": self.deck_toml, **self.provenance}
        return ResultFile(path, self.comm, attrs=attrs, parallel=parallel)


@dataclass(frozen=True)
class Program:
    """A runnable program: its name, config dataclass and SPMD ``main``.

    ``main(config, context)`` runs on every rank and returns a summary dict (significant on
    rank 0; it goes into ``--record`` records) or None. A config class may define
    ``validate(self, nranks)`` raising :class:`ConfigError` for checks across fields or
    against the number of ranks; it runs on rank 0 before ``main``.
    """

    name: str
    config: type
    main: Callable[[Any, Context], dict[str, Any] | None]
    description: str = ""
    epilog: str = ""
    extra_validation: list[Callable[[Any, int], None]] = field(default_factory=list)


def build_parser(program: Program) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m hpcpar.{program.name}", description=program.description,
        epilog=program.epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("deck", nargs="?", help="TOML input deck (default: built-in defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log from every rank")
    parser.add_argument("--record", metavar="FILE",
                        help="append a JSON-lines timing record of this run to FILE")
    parser.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE",
                        help="extra field for the --record record (repeatable)")
    parser.add_argument("--expect-ranks", type=int, metavar="N",
                        help="fail unless the job has exactly N ranks (catches launcher "
                             "mismatches such as srun without --mpi=pmi2)")
    add_config_arguments(parser, program.config)
    return parser


def _parse(program: Program, argv: Sequence[str], nranks: int) -> tuple[Any, argparse.Namespace]:
    """Rank 0: parse, load, validate. Raises ConfigError or SystemExit (argparse)."""
    parser = build_parser(program)
    args = parser.parse_args(argv)
    generic = {"deck", "verbose", "record", "tag", "expect_ranks"}
    overrides = {k: v for k, v in vars(args).items() if k not in generic}
    config = load_config(program.config, args.deck, overrides)
    if args.expect_ranks is not None and args.expect_ranks != nranks:
        raise ConfigError(f"--expect-ranks {args.expect_ranks}: the job has {nranks} ranks; "
                          "check the launcher (srun --mpi=pmi2 or mpiexec) and --ntasks")
    for tag in args.tag:
        if "=" not in tag:
            raise ConfigError(f"command line: --tag {tag!r}: expected KEY=VALUE")
    if hasattr(config, "validate"):
        config.validate(nranks)
    for check in program.extra_validation:
        check(config, nranks)
    return config, args


def run(program: Program, argv: Sequence[str] | None = None) -> int:
    """Run ``program`` on ``COMM_WORLD``; returns the exit status (0, or 2 for bad input).

    Failures after validation do not return: they abort the communicator.
    """
    comm = MPI.COMM_WORLD
    argv = list(sys.argv[1:] if argv is None else argv)
    verdict: tuple[str, Any] = ("", None)
    if comm.rank == 0:
        try:
            verdict = ("ok", _parse(program, argv, comm.size))
        except ConfigError as err:
            print(f"hpcpar.{program.name}: error: {err}", file=sys.stderr, flush=True)
            verdict = ("exit", EXIT_BAD_INPUT)
        except SystemExit as stop:  # argparse: --help (0) or a usage error (2, printed)
            verdict = ("exit", stop.code if isinstance(stop.code, int) else EXIT_BAD_INPUT)
        except BaseException:
            _abort(comm, program.name)
    kind, payload = comm.bcast(verdict)
    if kind == "exit":
        return payload
    config, args = payload
    log = rank_logger(program.name, comm.rank, comm.size, args.verbose)
    try:
        ctx = Context(comm, log, Timers(), to_toml(config), provenance.collect(comm),
                      program.name)
        with ctx.timers.region("total"):
            summary = program.main(config, ctx) or {}
        stats = ctx.timers.reduce(comm)
        if args.record and comm.rank == 0:
            _append_record(Path(args.record), program, config, ctx, summary, stats, args.tag)
    except ConfigError as err:  # input found bad only while running, e.g. a restart file
        print(f"hpcpar.{program.name}: error: {err}", file=sys.stderr, flush=True)
        comm.Abort(EXIT_BAD_INPUT)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            _abort(comm, program.name)
    except BaseException:
        _abort(comm, program.name)
    return 0


def _abort(comm: MPI.Comm, name: str) -> None:
    """Print this rank's traceback and abort every rank of the job."""
    where = f"rank {comm.rank} of {comm.size} on {MPI.Get_processor_name()}"
    print(f"hpcpar.{name}: {where} failed, aborting the job:\n{traceback.format_exc()}",
          file=sys.stderr, flush=True)
    comm.Abort(EXIT_FAILURE)


def _append_record(path: Path, program: Program, config: Any, ctx: Context,
                   summary: dict[str, Any], stats: dict, tags: list[str]) -> None:
    """Append one JSON line describing this run (rank 0 only)."""
    record = {
        "program": program.name,
        "ranks": ctx.size,
        **{k: ctx.provenance[k] for k in ("nnodes", "hosts", "slurm_job_id",
                                          "slurm_job_nodelist", "mpi_library_version",
                                          "git_commit", "hpcpar_version", "start_time")},
        "end_time": provenance.now_iso(),
        "config": config_dict(config),
        "summary": summary,
        "timings": {name: s.as_dict() for name, s in stats.items()},
        **dict(tag.split("=", 1) for tag in tags),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, default=float) + "\n"
    with open(path, "a") as f:  # one write of one line: concurrent jobs do not interleave
        f.write(line)
