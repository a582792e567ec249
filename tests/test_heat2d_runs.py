"""heat2d as real mpiexec jobs: bitwise identity over process grids, bad decks, the plot."""

import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from hpcpar.h5io import read_result
from hpcpar.launch import python_module_command, run_command

ROOT = Path(__file__).resolve().parents[1]

# an uneven plate on a grid no process grid divides: hot and cold edges, a heater and a
# cooler; small enough that six oversubscribed ranks finish in seconds
STEADY = ["--nx", "17", "--ny", "13", "--lx", "1.3", "--ly", "0.9", "--t-left", "30",
          "--t-right", "-5", "--t-bottom", "12", "--t-top", "100",
          "--sources", "0.1,0.5,0.2,0.7,9000,0.8,1.2,0.0,0.3,-6000", "--tolerance", "1e-2",
          "--check-every", "7"]
TRANSIENT = [*STEADY, "--mode", "transient", "--t-initial", "20", "--r", "0.45",
             "--steps", "60", "--check-every", "9"]


def heat2d(nranks, *args, cwd, timeout=120):
    cmd = python_module_command(nranks, "hpcpar.heat2d", [str(a) for a in args])
    return run_command(cmd, timeout, cwd=cwd)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Steady runs (l2 norm) on every grid of the issue and on a 1 x 2 grid (columns only:
    the derived-datatype path alone); transient runs (max norm) on 1, 1 x 2 and 3 x 2."""
    tmp = tmp_path_factory.mktemp("heat2d")
    cases = [("steady", p, None) for p in (1, 2, 3, 4, 6)] + [("steady", 2, "1,2")]
    cases += [("transient", 1, None), ("transient", 2, "1,2"), ("transient", 6, None)]
    modes = {"steady": [*STEADY, "--norm", "l2"], "transient": [*TRANSIENT, "--norm", "max"]}
    results = {}
    for mode, nranks, grid in cases:
        extra = ["--process-grid", grid] if grid else []
        out = tmp / f"{mode}-{nranks}-{grid}.h5"
        proc = heat2d(nranks, *modes[mode], *extra, "--output", out, cwd=tmp)
        assert proc.returncode == 0, proc.stderr
        results[mode, nranks, grid] = read_result(out)
    return results


@pytest.mark.timeout(240)
@pytest.mark.parametrize("mode", ["steady", "transient"])
def test_bitwise_identical_on_every_process_grid(runs, mode):
    ref = runs[mode, 1, None]
    grids = {}
    for (m, nranks, _), result in runs.items():
        if m != mode:
            continue
        grids[nranks, tuple(result.attrs["process_grid"])] = result
        for name in ("temperature", "residual", "iteration", "x", "y"):
            assert result[name].tobytes() == ref[name].tobytes(), (nranks, name)
        assert result.attrs["iterations"] == ref.attrs["iterations"]
    expected = {(1, (1, 1)), (2, (1, 2)), (6, (3, 2))}
    if mode == "steady":
        expected |= {(2, (2, 1)), (3, (3, 1)), (4, (2, 2))}
    assert set(grids) == expected
    if mode == "steady":
        assert ref.attrs["converged"] and ref["residual"][-1] < 1e-2 <= ref["residual"][-2]
    else:
        assert ref.attrs["iterations"] == 60 and ref["residual"].size == 6


def test_result_file_layout(runs):
    result = runs["steady", 4, None]
    temp = result["temperature"]
    assert temp.shape == (13, 17) and result.dims["temperature"] == ("y", "x")
    assert result.units == {**result.units, "temperature": "K", "x": "m", "y": "m",
                            "residual": "K"}
    assert np.array_equal(result["x"], 1.3 * np.arange(17) / 16)
    assert np.all(temp[1:-1, 0] == 30) and np.all(temp[-1, 1:-1] == 100)
    assert temp[0, 0] == 0.5 * (12 + 30)  # corner: mean of its edges
    assert result.attrs["norm"] == "l2" and "nx = 17" in result.attrs["input_deck"]
    assert temp.max() > 300  # the heater
    assert temp.min() < -50  # the cooler


@pytest.mark.parametrize("args, words", [
    (["--nx", "-8"], ["field 'nx'", "-8", ">= 3"]),
    (["--tolerance", "0"], ["field 'tolerance'", "0", "> 0"]),
    (["--tolerance=-1e-6"], ["field 'tolerance'", "-1e-06", "> 0"]),
    (["--mode", "transient", "--dt", "0.01"], ["field 'dt' = 0.01", "unstable", "dt <= "]),
    (["--mode", "transient", "--r", "0.6"], ["field 'r' = 0.6", "unstable", "r <= 0.5"]),
    (["--sources", "0.1,0.2,0.3"], ["field 'sources'", "groups of 5"]),
    (["--sources", "0.5,2.0,0,1,10"], ["field 'sources'", "<= lx = 1"]),
    (["--process-grid", "3,1"], ["field 'process_grid'", "number of ranks, 2"]),
    (["--nx", "3", "--process-grid", "1,3"], ["field 'process_grid'"]),
])
def test_bad_deck_one_message_exit_2_no_output(tmp_path, args, words):
    proc = heat2d(2, *args, "--output", tmp_path / "out" / "heat2d.h5", "--plot", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    for word in words:
        assert word in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_deck_file_names_the_deck(tmp_path):
    deck = tmp_path / "plate.toml"
    deck.write_text((ROOT / "inputs" / "heat2d.toml").read_text() + "nyy = 129\n")
    proc = heat2d(2, deck, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("error:") == 1
    assert "plate.toml: unknown field 'nyy' (did you mean 'ny'?)" in proc.stderr
    deck.write_text("mode = 'transient'\nnx = 101\nalpha = 2.0\ndt = 1e-4\n")
    proc = heat2d(2, deck, "--output", "x.h5", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("error:") == 1
    assert "field 'dt' = 0.0001: FTCS is unstable; expected dt <= 9.47544e-06 s" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plate.toml"]


def png_chunks(data):
    """(type, payload) of every chunk of a PNG, checking each CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + payload)
        chunks.append((kind, payload))
        pos += 12 + length
    return chunks


@pytest.mark.timeout(120)
def test_plot_writes_a_valid_png_heat_map(tmp_path):
    deck = ROOT / "inputs" / "heat2d_transient.toml"
    proc = heat2d(2, deck, "--nx", "41", "--ny", "21", "--steps", "50", "--plot",
                  "--output", "plate.h5", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    png = tmp_path / "plate.png"
    chunks = png_chunks(png.read_bytes())
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width >= 300 and height >= 300
    pixels = zlib.decompress(b"".join(p for k, p in chunks if k == b"IDAT"))
    assert len(set(pixels)) > 50  # a colour map, not a blank canvas
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plate.h5", "plate.png"]
    assert "wrote plate.png" in proc.stdout + proc.stderr


def test_fixed_iterations_for_scaling_runs(tmp_path):
    """What the scaling study runs: no checks, no output, a JSON record with MLUPS."""
    proc = heat2d(2, "--nx", "64", "--ny", "64", "--check-every", "0", "--max-iters", "25",
                  "--output", "", "--record", "runs.jsonl", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import json

    record = json.loads((tmp_path / "runs.jsonl").read_text())
    summary = record["summary"]
    assert summary["iterations"] == 25 and summary["nx"] == summary["ny"] == 64
    assert summary["mlups"] > 0 and not summary["converged"]
    assert {"compute", "halo", "total"} <= set(record["timings"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.jsonl"]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
