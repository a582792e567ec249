"""Scaling analysis on record files shaped exactly like the runner's ``--record`` lines.

The times follow Amdahl's and Gustafson's laws with known serial fractions (plus noise and
outliers where said), so the expected speedups, Karp–Flatt metrics and fits are known.
"""

import csv
import json
import math
import subprocess
import sys

import numpy as np
import pytest

from hpcpar.scaling.analysis import (
    amdahl_fit,
    analyze,
    format_table,
    gustafson_fit,
    karp_flatt,
    write_csv,
)
from hpcpar.scaling.records import RecordError, parse_record, read_records

RANKS = (1, 2, 4, 8, 16, 40)


def record(ranks, seconds, *, program="heat1d", mode="strong", size=1_000_000, repetition=1,
           study="4242", compute_share=0.8, nodes=None):
    """A record as hpcpar.runner._append_record writes it (tags are strings)."""
    per_rank = [seconds * (1 - 0.03 * r / max(ranks - 1, 1)) for r in range(ranks)]

    def stats(values):
        return {"min": min(values), "mean": float(np.mean(values)),
                "median": float(np.median(values)), "max": max(values), "per_rank": values}

    nnodes = nodes or -(-ranks // 40)
    return {
        "program": program, "ranks": ranks, "nnodes": nnodes,
        "hosts": ",".join(f"dn{i:03d}" for i in range(nnodes)), "slurm_job_id": study,
        "slurm_job_nodelist": f"dn[000-{nnodes - 1:03d}]",
        "mpi_library_version": "MPICH Version: 4.1.2", "git_commit": "0123abcd",
        "hpcpar_version": "0.1.0", "start_time": "2026-11-22T03:00:00+00:00",
        "end_time": "2026-11-22T03:00:09+00:00", "config": {"nx": size}, "summary": {},
        "timings": {"total": stats(per_rank),
                    "compute": stats([compute_share * t for t in per_rank])},
        "mode": mode, "size": str(size), "repetition": str(repetition), "study": study,
        "launcher": "srun",
    }


def write_records(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def amdahl_seconds(t1, fraction, p):
    return t1 * (fraction + (1 - fraction) / p)


def test_exact_amdahl_data_gives_back_its_serial_fraction(tmp_path):
    f, t1 = 0.05, 120.0
    recs = [record(p, amdahl_seconds(t1, f, p)) for p in RANKS]
    path = write_records(tmp_path / "rec.jsonl", recs)
    (curve,) = analyze(read_records([path]))
    assert curve.mode == "strong" and curve.model == "amdahl" and curve.size == 1_000_000
    assert curve.model_serial_fraction == pytest.approx(f, rel=1e-9)
    for pt in curve.points:
        expected = 1 / (f + (1 - f) / pt.ranks)
        assert pt.speedup == pytest.approx(expected, rel=1e-9)
        assert pt.efficiency == pytest.approx(expected / pt.ranks, rel=1e-9)
        assert pt.model_speedup == pytest.approx(expected, rel=1e-9)
        if pt.ranks == 1:
            assert math.isnan(pt.serial_fraction)
        else:  # Karp-Flatt recovers Amdahl's serial fraction at every rank count
            assert pt.serial_fraction == pytest.approx(f, rel=1e-9)
    assert [pt.nodes for pt in curve.points] == [1, 1, 1, 1, 1, 1]


def test_median_over_repetitions_ignores_an_outlier_and_fit_is_close(tmp_path):
    rng = np.random.default_rng(7)
    f, t1 = 0.1, 60.0
    recs = []
    for rep in (1, 2, 3):
        for p in RANKS:
            t = amdahl_seconds(t1, f, p) * (1 + 0.01 * rng.standard_normal())
            if p == 4 and rep == 2:
                t *= 5  # a repetition hit by a noisy neighbour
            recs.append(record(p, t, repetition=rep))
    (curve,) = analyze([parse_record(r) for r in recs])
    four = next(pt for pt in curve.points if pt.ranks == 4)
    assert four.repetitions == 3
    assert four.seconds == pytest.approx(amdahl_seconds(t1, f, 4), rel=0.05)
    assert four.seconds_max > 4 * four.seconds
    assert curve.model_serial_fraction == pytest.approx(f, abs=0.01)


def test_max_over_ranks_is_the_default_and_region_and_stat_are_selectable(tmp_path):
    recs = [record(p, amdahl_seconds(10.0, 0.0, p)) for p in (1, 2, 4)]
    (curve,) = analyze([parse_record(r) for r in recs])
    assert curve.points[1].seconds == pytest.approx(recs[1]["timings"]["total"]["max"])
    (compute,) = analyze([parse_record(r) for r in recs], region="compute", stat="min")
    assert compute.points[2].seconds == pytest.approx(recs[2]["timings"]["compute"]["min"])
    assert compute.region == "compute" and compute.stat == "min"
    with pytest.raises(RecordError, match="no timed region 'halo'.*compute, total"):
        analyze([parse_record(r) for r in recs], region="halo")


def test_amdahl_fit_is_least_squares_and_stays_in_range():
    p = np.array([1, 2, 4, 8])
    t1, f = amdahl_fit(p, 3.0 + 12.0 / p)
    assert (t1, f) == (pytest.approx(15.0), pytest.approx(0.2))
    _, f_super = amdahl_fit(p, 10.0 / p**1.2)  # superlinear: no serial part
    assert f_super == 0.0
    _, f_slower = amdahl_fit(p, 1.0 + 0.1 * p)  # slower with more ranks: all serial
    assert f_slower == 1.0
    assert math.isnan(amdahl_fit([4, 4], [1.0, 1.1])[1])
    assert karp_flatt(4.0, 4) == pytest.approx(0.0)
    assert karp_flatt(1.0, 4) == pytest.approx(1.0)


def test_weak_scaling_fits_gustafson_and_groups_by_size_per_rank(tmp_path):
    alpha, t1, per_rank = 0.2, 30.0, 250_000
    recs = [record(p, p * t1 / (p - alpha * (p - 1)), mode="weak", size=per_rank * p)
            for p in RANKS]
    recs += [record(p, 5.0, mode="weak", size=1000 * p, study="other") for p in (1, 2)]
    curves = analyze([parse_record(r) for r in recs])
    assert [(c.size, c.study) for c in curves] == [(per_rank, "4242"), (1000, "other")]
    curve = curves[0]
    assert curve.model == "gustafson"
    assert curve.model_serial_fraction == pytest.approx(alpha, rel=1e-9)
    for pt in curve.points[1:]:
        assert pt.speedup == pytest.approx(pt.ranks - alpha * (pt.ranks - 1), rel=1e-9)
        assert pt.serial_fraction == pytest.approx(alpha, rel=1e-9)
        assert pt.size == per_rank * pt.ranks
    assert gustafson_fit([1, 2, 4], [1.0, 2.1, 4.3]) == 0.0  # clipped, not negative
    assert "weak scaling, size 250000 per rank" in format_table(curve)


def test_weak_size_must_be_a_multiple_of_the_ranks():
    with pytest.raises(RecordError, match="not a multiple of the rank count"):
        analyze([parse_record(record(3, 1.0, mode="weak", size=1000))])


def test_speedup_is_relative_to_the_smallest_rank_count():
    recs = [record(p, 80.0 / p) for p in (4, 8, 16)]
    (curve,) = analyze([parse_record(r) for r in recs])
    assert [pt.speedup for pt in curve.points] == pytest.approx([4.0, 8.0, 16.0])
    assert [pt.efficiency for pt in curve.points] == pytest.approx([1.0, 1.0, 1.0])


def test_csv_table_reads_back(tmp_path):
    recs = [record(p, amdahl_seconds(50.0, 0.02, p), repetition=r)
            for r in (1, 2) for p in RANKS]
    curves = analyze([parse_record(r) for r in recs])
    path = write_csv(curves, tmp_path / "sub" / "table.csv")
    rows = list(csv.DictReader(path.open()))
    assert [int(r["ranks"]) for r in rows] == list(RANKS)
    assert rows[0]["serial_fraction"] == ""  # undefined on one rank
    assert float(rows[3]["serial_fraction"]) == pytest.approx(0.02)
    assert {r["repetitions"] for r in rows} == {"2"}
    assert float(rows[-1]["efficiency"]) == pytest.approx(float(rows[-1]["speedup"]) / 40)


def test_plots_are_small_pngs(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.image

    from hpcpar.scaling.plot import plot_curve

    recs = [record(p, amdahl_seconds(50.0, 0.02, p)) for p in RANKS]
    (curve,) = analyze([parse_record(r) for r in recs])
    paths = plot_curve(curve, tmp_path / "plots")
    assert [p.name for p in paths] == [f"heat1d-strong-1000000-4242-{q}.png"
                                       for q in ("time", "speedup", "efficiency")]
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size < 200_000
        assert matplotlib.image.imread(path).shape[:2] == (340, 480)


@pytest.mark.parametrize("line, words", [
    ("not json", ["rec.jsonl:2", "not a JSON record"]),
    ("[1, 2]", ["rec.jsonl:2", "expected a JSON object"]),
    ('{"ranks": 2, "timings": {}}', ["rec.jsonl:2", "missing field 'program'"]),
    ('{"program": "pi", "ranks": 0, "size": 5, "timings": {"total": {"min": 1, "median": 1, '
     '"max": 1}}}', ["field 'ranks' = 0", "positive"]),
    ('{"program": "pi", "ranks": 2, "timings": {"total": {"min": 1, "median": 1, "max": 1}}}',
     ["missing field 'size'"]),
    ('{"program": "pi", "ranks": 2, "size": "big", "timings": {"total": {}}}',
     ["timings['total']", "min, median and max"]),
    ('{"program": "pi", "ranks": 2, "size": 9, "mode": "medium", "timings": {}}',
     ["field 'mode' = 'medium'", "strong, weak"]),
])
def test_bad_record_lines_are_named(tmp_path, line, words):
    path = tmp_path / "rec.jsonl"
    path.write_text(json.dumps(record(1, 1.0)) + "\n" + line + "\n")
    with pytest.raises(RecordError) as err:
        read_records([path])
    for word in words:
        assert word in str(err.value)


def test_size_falls_back_to_the_config():
    plain = record(2, 1.0)
    del plain["size"]
    plain["config"] = {"nx": 300, "ny": 200}
    assert parse_record(plain).size == 60_000
    plain["config"] = {"samples": 10**9, "kernel": "numba"}
    assert parse_record(plain).size == 10**9
    plain["config"] = {"nx": 4096}
    assert parse_record(plain).size == 4096


def test_missing_and_empty_record_files(tmp_path):
    with pytest.raises(RecordError, match="no such record file"):
        read_records([tmp_path / "nope.jsonl"])
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(RecordError, match="no records"):
        read_records([tmp_path / "empty.jsonl"])


def analyze_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "hpcpar.scaling", "analyze", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_analyze_command_writes_table_csv_and_plots(tmp_path):
    pytest.importorskip("matplotlib")
    recs = [record(p, amdahl_seconds(50.0, 0.02, p)) for p in RANKS]
    recs += [record(p, 10.0, mode="weak", size=1000 * p) for p in (1, 2, 4)]
    write_records(tmp_path / "rec.jsonl", recs)
    proc = analyze_cli("rec.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "heat1d, strong scaling, size 1000000, study 4242" in proc.stdout
    assert "least-squares Amdahl fit: serial fraction 0.0200" in proc.stdout
    assert "least-squares Gustafson fit: serial fraction 0.0000" in proc.stdout
    assert (tmp_path / "rec.csv").exists()
    assert len(list((tmp_path / "plots").glob("*.png"))) == 6
    proc = analyze_cli("rec.jsonl", "--mode", "weak", "--no-plots", "--csv", "w.csv",
                       cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "strong" not in proc.stdout
    assert len(list(csv.DictReader((tmp_path / "w.csv").open()))) == 3


@pytest.mark.parametrize("args, words", [
    (["missing.jsonl"], ["missing.jsonl: no such record file"]),
    (["rec.jsonl", "--region", "halo"], ["no timed region 'halo'"]),
    (["rec.jsonl", "--program", "pi"], ["no records match program=pi"]),
    (["rec.jsonl", "--stat", "mode"], ["invalid choice: 'mode'"]),
])
def test_analyze_command_bad_input_one_message_exit_2(tmp_path, args, words):
    write_records(tmp_path / "rec.jsonl", [record(p, 1.0 / p) for p in (1, 2)])
    proc = analyze_cli(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("error:") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr
    assert not (tmp_path / "plots").exists()
