"""``python -m hpcpar.scaling analyze RECORDS...`` and ``python -m hpcpar.scaling run``.

``analyze`` prints per study and rank count the time, speedup, efficiency and serial
fraction with the fitted Amdahl (strong) or Gustafson (weak) law, and writes the table as
CSV and PNG plots of time, speedup and efficiency against the ideal. ``run`` runs a sweep
with ``mpiexec`` (or ``srun``) and then analyzes it; ``jobs/scaling.slurm`` calls it.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

from hpcpar.scaling.analysis import analyze, format_table, write_csv
from hpcpar.scaling.records import STATS, RecordError, read_records
from hpcpar.scaling.sweep import (
    LAUNCHERS,
    Sweep,
    SweepError,
    default_rank_counts,
    parse_rank_counts,
    program_spec,
    run_sweep,
)

EXIT_BAD_INPUT = 2


def _add_analysis_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default="total",
                        help="timed region to analyze (default: total; e.g. compute, halo)")
    parser.add_argument("--stat", default="max", choices=STATS,
                        help="statistic over ranks (default: max, the slowest rank)")
    parser.add_argument("--csv", metavar="FILE",
                        help="write the table here (default: RECORDS with .csv)")
    parser.add_argument("--plots", metavar="DIR",
                        help="write PNG plots here (default: plots/ beside RECORDS)")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hpcpar.scaling", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)

    an = sub.add_parser("analyze", help="tables, CSV and plots from records")
    an.add_argument("records", nargs="+", help="JSON-lines record files (from --record)")
    an.add_argument("--program", help="only this program")
    an.add_argument("--mode", choices=("strong", "weak"), help="only this mode")
    an.add_argument("--study", help="only this study (tag study=..., e.g. a Slurm job id)")
    _add_analysis_options(an)

    rn = sub.add_parser("run", help="run a sweep over rank counts, then analyze it")
    rn.add_argument("--program", default="heat1d",
                    help="heat1d, heat2d, pi, or a .py program on the common runner "
                         "(default: heat1d)")
    rn.add_argument("--mode", default="strong", choices=("strong", "weak"),
                    help="strong: same problem on every rank count; weak: problem grows "
                         "with the ranks (default: strong)")
    rn.add_argument("--size", type=int,
                    help="problem size (weak: per rank); heat1d nx, heat2d nx = ny, pi "
                         "samples (default: per program)")
    rn.add_argument("--size-option", default="nx",
                    help="size field of a .py program, e.g. nx for --nx (default: nx)")
    rn.add_argument("--ranks", help="rank counts, e.g. 1,2,4 (default: 1, 2, 4, ... up to "
                                    "--max-ranks)")
    rn.add_argument("--max-ranks", type=int,
                    help="default: $SLURM_NTASKS, else the number of CPUs")
    rn.add_argument("--repetitions", type=int, default=3, help="runs per rank count (3)")
    rn.add_argument("--warmup", type=int, default=1,
                    help="unrecorded runs first, on the fewest ranks (1)")
    rn.add_argument("--launcher", default="mpiexec", choices=LAUNCHERS,
                    help="mpiexec (the venv's) or srun --mpi=pmi2 (default: mpiexec)")
    rn.add_argument("--oversubscribe", action="store_true",
                    help="allow more ranks than the job's tasks / this machine's cores "
                         "(testing only: such timings mean nothing)")
    rn.add_argument("--launcher-args", default="", help="extra launcher arguments (quoted)")
    rn.add_argument("--args", default="", help="extra program arguments (quoted), e.g. "
                                               "'--steps 2000'")
    rn.add_argument("--records", default="outputs/scaling/records.jsonl",
                    help="record file to append to (default: outputs/scaling/records.jsonl)")
    rn.add_argument("--study", help="study label (default: $SLURM_JOB_ID, else a time stamp)")
    rn.add_argument("--timeout", type=float, default=3600.0, help="seconds per run (3600)")
    rn.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    rn.add_argument("--no-analyze", action="store_true", help="skip the analysis at the end")
    _add_analysis_options(rn)
    return parser


def _analyze(records_paths: list[str], args: argparse.Namespace, program: str | None,
             mode: str | None, study: str | None) -> None:
    records = read_records(records_paths)
    chosen = [r for r in records
              if (program is None or r.program == program) and (mode is None or r.mode == mode)
              and (study is None or r.study == study)]
    if not chosen:
        raise RecordError(f"{', '.join(records_paths)}: no records match program={program} "
                          f"mode={mode} study={study}")
    curves = analyze(chosen, args.region, args.stat)
    first = Path(records_paths[0])
    csv_path = write_csv(curves, args.csv or first.with_suffix(".csv"))
    for curve in curves:
        print(format_table(curve), end="\n\n")
    print(f"table: {csv_path}")
    if not args.no_plots:
        from hpcpar.scaling.plot import plot_curve

        outdir = Path(args.plots) if args.plots else first.parent / "plots"
        for curve in curves:
            for path in plot_curve(curve, outdir):
                print(f"plot: {path}")


def _run(args: argparse.Namespace) -> None:
    max_ranks = args.max_ranks or int(os.environ.get("SLURM_NTASKS", 0) or os.cpu_count() or 1)
    ranks = parse_rank_counts(args.ranks) if args.ranks else default_rank_counts(max_ranks)
    if ranks[-1] > max_ranks and not args.oversubscribe:
        raise ValueError(f"--ranks {args.ranks}: {ranks[-1]} ranks exceed the {max_ranks} "
                         "available (the job's tasks or this machine's cores); use "
                         "--oversubscribe to run them anyway (testing only)")
    study = args.study or os.environ.get("SLURM_JOB_ID") or \
        datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    size = (args.size if args.size is not None
            else program_spec(args.program, args.size_option).default_size)
    sweep = Sweep(program=args.program, mode=args.mode, size=size, ranks=tuple(ranks),
                  repetitions=args.repetitions, records=Path(args.records), study=study,
                  launcher=args.launcher, oversubscribe=args.oversubscribe,
                  launcher_args=tuple(shlex.split(args.launcher_args)),
                  program_args=tuple(shlex.split(args.args)), size_option=args.size_option)
    if args.dry_run:
        for _, _, cmd in sweep.runs():
            print(shlex.join(cmd))
        return
    print(f"hpcpar.scaling: {sweep.name} {sweep.mode} scaling, size {size}"
          f"{' per rank' if sweep.mode == 'weak' else ''}, ranks {ranks}, "
          f"{sweep.repetitions} repetitions, launcher {sweep.launcher}, study {study}",
          flush=True)
    run_sweep(sweep, warmup=args.warmup, timeout=args.timeout,
              echo=lambda line: print(line, flush=True))
    if not args.no_analyze:
        _analyze([str(sweep.records)], args, None, sweep.mode, study)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "analyze":
            _analyze(args.records, args, args.program, args.mode, args.study)
        else:
            _run(args)
    except (RecordError, ValueError) as err:
        print(f"hpcpar.scaling: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SweepError as err:
        print(f"hpcpar.scaling: run failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
