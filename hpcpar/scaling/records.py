"""Timing records of scaling runs: one JSON object per line, as written by ``--record FILE``.

Every program run with ``--record FILE --tag mode=strong --tag size=N --tag repetition=R``
appends one line (see ``hpcpar.runner``): the program, rank and node counts, the Slurm job
and node list, the MPI library, the git commit, the config, and per timed region the
min/mean/median/max wall-clock seconds over ranks. This module reads those lines back into
:class:`RunRecord` objects; a line that is not such a record is an error naming the file,
the line and what was wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATS = ("min", "mean", "median", "max")
MODES = ("strong", "weak")


class RecordError(ValueError):
    """A record file or line that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class RunRecord:
    """One program run of a scaling study.

    ``size`` is the problem size in work units (heat1d: grid points, heat2d: grid points
    nx * ny, pi: samples); ``timings[region][stat]`` are seconds, ``stat`` one of
    :data:`STATS` over the ranks. ``raw`` keeps the whole JSON object.
    """

    program: str
    mode: str
    ranks: int
    nodes: int
    size: int
    repetition: int
    study: str
    timings: dict[str, dict[str, float]]
    job_id: str = ""
    nodelist: str = ""
    mpi_library: str = ""
    git_commit: str = ""
    launcher: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def seconds(self, region: str = "total", stat: str = "max") -> float:
        """Wall-clock seconds of ``region``; ``stat`` over ranks (``max``: the slowest rank,
        which is what the job waited for)."""
        if stat not in STATS:
            raise RecordError(f"stat {stat!r}: expected one of {', '.join(STATS)}")
        try:
            return float(self.timings[region][stat])
        except KeyError:
            have = ", ".join(sorted(self.timings)) or "none"
            raise RecordError(f"{self.program} run on {self.ranks} ranks has no timed region "
                              f"{region!r} (regions: {have})") from None


def _int_field(obj: dict[str, Any], key: str, default: int | None, where: str) -> int:
    value = obj.get(key, default)
    if value is None:
        raise RecordError(f"{where}: missing field {key!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise RecordError(f"{where}: field {key!r} = {value!r}: expected an integer") from None
    if number < 0 or (key == "ranks" and number < 1):
        raise RecordError(f"{where}: field {key!r} = {value!r}: expected a positive integer")
    return number


def work_units(config: dict[str, Any]) -> int | None:
    """The problem size of a run from its config, in the units the sweeps use: ``samples``
    (pi), ``nx * ny`` (heat2d), ``nx`` (heat1d); None if the config has none of them."""
    if isinstance(config.get("samples"), int):
        return config["samples"]
    if isinstance(config.get("nx"), int):
        return config["nx"] * (config["ny"] if isinstance(config.get("ny"), int) else 1)
    return None


def parse_record(obj: Any, where: str = "record") -> RunRecord:
    """A :class:`RunRecord` from one decoded JSON object; ``where`` prefixes error messages.

    ``mode`` defaults to ``strong``, ``repetition`` to 1 and ``study`` to ``""``; ``size``
    (the ``size`` tag of a sweep) falls back to the summary's ``size``, then to
    :func:`work_units` of the config, so a production run's ``--record`` line works too.
    """
    if not isinstance(obj, dict):
        raise RecordError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    if not obj.get("program"):
        raise RecordError(f"{where}: missing field 'program'")
    mode = str(obj.get("mode", "strong"))
    if mode not in MODES:
        raise RecordError(f"{where}: field 'mode' = {mode!r}: expected one of {', '.join(MODES)}")
    summary = obj.get("summary") if isinstance(obj.get("summary"), dict) else {}
    config = obj.get("config") if isinstance(obj.get("config"), dict) else {}
    size = obj.get("size", summary.get("size", work_units(config)))
    timings = obj.get("timings")
    if not isinstance(timings, dict) or not timings:
        raise RecordError(f"{where}: missing field 'timings' (per-region seconds)")
    for region, stats in timings.items():
        if not isinstance(stats, dict) or not all(isinstance(stats.get(s), int | float)
                                                  for s in ("min", "median", "max")):
            raise RecordError(f"{where}: timings[{region!r}] = {stats!r}: expected min, "
                              "median and max seconds")
    return RunRecord(
        program=str(obj["program"]),
        mode=mode,
        ranks=_int_field(obj, "ranks", None, where),
        nodes=_int_field(obj, "nnodes", 1, where),
        size=_int_field({"size": size}, "size", None, where),
        repetition=_int_field(obj, "repetition", 1, where),
        study=str(obj.get("study", "")),
        timings={r: {k: float(v) for k, v in s.items() if isinstance(v, int | float)}
                 for r, s in timings.items()},
        job_id=str(obj.get("slurm_job_id", "")),
        nodelist=str(obj.get("slurm_job_nodelist", "") or obj.get("hosts", "")),
        mpi_library=str(obj.get("mpi_library_version", "")),
        git_commit=str(obj.get("git_commit", "")),
        launcher=str(obj.get("launcher", "")),
        raw=obj,
    )


def read_records(paths: Iterable[str | Path]) -> list[RunRecord]:
    """All records in the JSON-lines files ``paths``, in file and line order.

    Blank lines are skipped. Raises :class:`RecordError` for a missing file, a line that is
    not JSON or not a run record, or when the files hold no records at all.
    """
    records: list[RunRecord] = []
    names = []
    for path in map(Path, paths):
        names.append(str(path))
        try:
            text = path.read_text()
        except FileNotFoundError:
            raise RecordError(f"{path}: no such record file") from None
        except OSError as err:
            raise RecordError(f"{path}: cannot read: {err.strerror}") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise RecordError(f"{where}: not a JSON record ({err.msg})") from None
            records.append(parse_record(obj, where))
    if not records:
        raise RecordError(f"{', '.join(names) or 'no files given'}: no records")
    return records
