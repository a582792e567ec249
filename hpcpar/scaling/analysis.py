"""Strong and weak scaling from run records: time, speedup, efficiency, serial fractions.

For each rank count ``p`` the time ``T(p)`` is the median over repetitions of one timed
region's slowest rank (``stat = "max"``; the job waits for the slowest rank). Speedup and
efficiency are relative to the smallest rank count ``p0`` of the study (normally 1),
assuming perfect scaling up to ``p0``:

* strong scaling (same problem on every ``p``): ``S(p) = p0 T(p0) / T(p)``;
* weak scaling (work per rank fixed): scaled speedup ``S(p) = p T(p0) / T(p)``;

and in both cases the efficiency ``E(p) = S(p) / p``. The serial fraction per rank count is
the Karp–Flatt metric ``e = (1/S - 1/p) / (1 - 1/p)`` for strong scaling and Gustafson's
``a = (p - S) / (p - 1)`` for weak scaling. The models fitted over all rank counts by least
squares are Amdahl's law ``T(p) = T1 (f + (1 - f) / p)`` (strong; a straight line in
``1/p``) and Gustafson's law ``S(p) = p - a (p - 1)`` (weak); their serial fractions are
kept within [0, 1].
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hpcpar.scaling.records import RecordError, RunRecord


@dataclass(frozen=True)
class ScalingPoint:
    """One rank count of a study. Times in seconds over the repetitions."""

    ranks: int
    nodes: int
    size: int
    repetitions: int
    seconds: float          # median over repetitions
    seconds_min: float
    seconds_max: float
    speedup: float
    efficiency: float
    serial_fraction: float  # Karp–Flatt (strong) or Gustafson (weak); nan at p0
    model_speedup: float    # speedup predicted by the fitted model


@dataclass(frozen=True)
class ScalingCurve:
    """A study: one program, mode and problem (size; weak: size per rank) over rank counts."""

    program: str
    mode: str
    study: str
    size: int               # strong: problem size; weak: problem size per rank
    region: str
    stat: str
    points: tuple[ScalingPoint, ...]
    model: str              # "amdahl" or "gustafson"
    model_serial_fraction: float

    @property
    def name(self) -> str:
        """A file-name-safe label, e.g. ``heat1d-strong-4000``."""
        parts = [self.program, self.mode, str(self.size)]
        if self.study:
            parts.append(self.study)
        return "-".join("".join(c if c.isalnum() or c in "._" else "_" for c in p)
                        for p in parts)


def karp_flatt(speedup: float, ranks: int) -> float:
    """Experimentally determined serial fraction ``(1/S - 1/p) / (1 - 1/p)``; nan for p = 1."""
    if ranks <= 1:
        return math.nan
    return (1.0 / speedup - 1.0 / ranks) / (1.0 - 1.0 / ranks)


def gustafson_fraction(speedup: float, ranks: int) -> float:
    """Serial fraction ``(p - S) / (p - 1)`` from a scaled speedup; nan for p = 1."""
    if ranks <= 1:
        return math.nan
    return (ranks - speedup) / (ranks - 1.0)


def amdahl_fit(ranks: Sequence[int], seconds: Sequence[float]) -> tuple[float, float]:
    """Least-squares fit of ``T(p) = a + b / p``; returns ``(T1, f)`` with ``T1 = a + b`` the
    one-rank time and ``f = a / T1`` the serial fraction, both constrained to ``a, b >= 0``."""
    p = np.asarray(ranks, dtype=float)
    t = np.asarray(seconds, dtype=float)
    if len(set(p)) < 2:
        return float(t.mean()), math.nan
    design = np.column_stack([np.ones_like(p), 1.0 / p])
    (a, b), *_ = np.linalg.lstsq(design, t, rcond=None)
    if a < 0:   # superlinear: the best model has no serial part
        a, b = 0.0, float(np.dot(t, 1 / p) / np.dot(1 / p, 1 / p))
    elif b < 0:  # slower with more ranks: all serial
        a, b = float(t.mean()), 0.0
    total = a + b
    return total, (a / total if total > 0 else math.nan)


def amdahl_speedup(fraction: float, ranks: float | np.ndarray) -> float | np.ndarray:
    """Amdahl's speedup ``1 / (f + (1 - f) / p)`` over one rank."""
    return 1.0 / (fraction + (1.0 - fraction) / np.asarray(ranks, dtype=float))


def gustafson_fit(ranks: Sequence[int], speedup: Sequence[float]) -> float:
    """Least-squares ``a`` in ``S(p) = p - a (p - 1)``, within [0, 1]; nan if only p = 1."""
    p = np.asarray(ranks, dtype=float)
    s = np.asarray(speedup, dtype=float)
    x = p - 1.0
    if not np.any(x > 0):
        return math.nan
    return float(np.clip(np.dot(x, p - s) / np.dot(x, x), 0.0, 1.0))


def gustafson_speedup(fraction: float, ranks: float | np.ndarray) -> float | np.ndarray:
    """Gustafson's scaled speedup ``p - a (p - 1)``."""
    p = np.asarray(ranks, dtype=float)
    return p - fraction * (p - 1.0)


def _study_key(record: RunRecord) -> tuple[str, str, str, int]:
    if record.mode == "weak":
        if record.size % record.ranks:
            raise RecordError(f"weak-scaling {record.program} run on {record.ranks} ranks has "
                              f"size {record.size}, not a multiple of the rank count")
        size = record.size // record.ranks
    else:
        size = record.size
    return record.program, record.mode, record.study, size


def scaling_curve(records: Sequence[RunRecord], region: str = "total",
                  stat: str = "max") -> ScalingCurve:
    """The scaling curve of the records of ONE study (same program, mode, study and size)."""
    keys = {_study_key(r) for r in records}
    if len(keys) != 1:
        raise RecordError(f"scaling_curve needs the records of one study, got {sorted(keys)}")
    program, mode, study, size = keys.pop()
    by_ranks: dict[int, list[RunRecord]] = defaultdict(list)
    for r in records:
        by_ranks[r.ranks].append(r)
    ranks = sorted(by_ranks)
    times = {p: [r.seconds(region, stat) for r in by_ranks[p]] for p in ranks}
    median = {p: float(np.median(times[p])) for p in ranks}
    p0, t0 = ranks[0], median[ranks[0]]
    if mode == "strong":
        speedup = {p: p0 * t0 / median[p] for p in ranks}
        t1, fraction = amdahl_fit(ranks, [median[p] for p in ranks])
        model = {p: p0 * amdahl_speedup(fraction, p) / amdahl_speedup(fraction, p0)
                 for p in ranks} if not math.isnan(fraction) else {p: math.nan for p in ranks}
        serial = {p: karp_flatt(speedup[p], p) for p in ranks}
        model_name = "amdahl"
    else:
        speedup = {p: p * t0 / median[p] for p in ranks}
        fraction = gustafson_fit(ranks, [speedup[p] for p in ranks])
        model = {p: float(gustafson_speedup(fraction, p)) for p in ranks}
        serial = {p: gustafson_fraction(speedup[p], p) for p in ranks}
        model_name = "gustafson"
    points = tuple(
        ScalingPoint(ranks=p, nodes=max(r.nodes for r in by_ranks[p]),
                     size=by_ranks[p][0].size, repetitions=len(times[p]),
                     seconds=median[p], seconds_min=min(times[p]), seconds_max=max(times[p]),
                     speedup=speedup[p], efficiency=speedup[p] / p,
                     serial_fraction=serial[p], model_speedup=float(model[p]))
        for p in ranks)
    return ScalingCurve(program, mode, study, size, region, stat, points, model_name, fraction)


def analyze(records: Iterable[RunRecord], region: str = "total",
            stat: str = "max") -> list[ScalingCurve]:
    """One :class:`ScalingCurve` per study in ``records`` (program, mode, study, size)."""
    studies: dict[tuple[str, str, str, int], list[RunRecord]] = defaultdict(list)
    for record in records:
        studies[_study_key(record)].append(record)
    return [scaling_curve(studies[key], region, stat) for key in sorted(studies)]


CSV_COLUMNS = ("program", "mode", "study", "region", "stat", "size", "ranks", "nodes",
               "repetitions", "seconds", "seconds_min", "seconds_max", "speedup",
               "efficiency", "serial_fraction", "model", "model_serial_fraction",
               "model_speedup")


def _rows(curves: Iterable[ScalingCurve]) -> Iterable[dict[str, object]]:
    for c in curves:
        for pt in c.points:
            yield {"program": c.program, "mode": c.mode, "study": c.study, "region": c.region,
                   "stat": c.stat, "size": pt.size, "ranks": pt.ranks, "nodes": pt.nodes,
                   "repetitions": pt.repetitions, "seconds": pt.seconds,
                   "seconds_min": pt.seconds_min, "seconds_max": pt.seconds_max,
                   "speedup": pt.speedup, "efficiency": pt.efficiency,
                   "serial_fraction": pt.serial_fraction, "model": c.model,
                   "model_serial_fraction": c.model_serial_fraction,
                   "model_speedup": pt.model_speedup}


def write_csv(curves: Iterable[ScalingCurve], path: str | Path) -> Path:
    """The table of every curve as CSV (one row per study and rank count; nan left empty)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in _rows(curves):
            writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v)
                             for k, v in row.items()})
    return path


def _fmt(value: float, width: int, spec: str) -> str:
    return format("-" if math.isnan(value) else format(value, spec), f">{width}")


def format_table(curve: ScalingCurve) -> str:
    """A plain-text table of one curve with its fitted model, for the terminal."""
    size = f"{curve.size} per rank" if curve.mode == "weak" else str(curve.size)
    serial = "Karp-Flatt" if curve.mode == "strong" else "Gustafson"
    lines = [f"{curve.program}, {curve.mode} scaling, size {size}"
             + (f", study {curve.study}" if curve.study else "")
             + f" (region {curve.region!r}, {curve.stat} over ranks, median over repetitions)",
             f"{'ranks':>6} {'nodes':>5} {'reps':>4} {'time/s':>10} {'min/s':>10} {'max/s':>10}"
             f" {'speedup':>8} {'effic.':>7} {serial:>10} {curve.model:>9}"]
    for pt in curve.points:
        lines.append(f"{pt.ranks:>6} {pt.nodes:>5} {pt.repetitions:>4} {pt.seconds:>10.4g} "
                     f"{pt.seconds_min:>10.4g} {pt.seconds_max:>10.4g} {pt.speedup:>8.3f} "
                     f"{pt.efficiency:>7.3f} {_fmt(pt.serial_fraction, 10, '.4f')} "
                     f"{_fmt(pt.model_speedup, 9, '.3f')}")
    law = "Amdahl" if curve.model == "amdahl" else "Gustafson"
    lines.append(f"least-squares {law} fit: serial fraction "
                 f"{_fmt(curve.model_serial_fraction, 0, '.4f')}")
    return "\n".join(lines)
