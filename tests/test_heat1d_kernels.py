"""heat1d kernels without MPI: blocks advanced cycle by cycle with hand-copied ghosts must
match the whole-grid numpy reference bit for bit, for any split, ghost width and boundary."""

import numpy as np
import pytest
from heat1d_reference import reference_run

from hpcpar.decomposition import block_counts
from hpcpar.heat1d import kernels
from hpcpar.heat1d.analytic import exact_solution, grid_x, initial_block, initial_field
from hpcpar.heat1d.config import Heat1DConfig
from hpcpar.heat1d.solver import ghost_width


def blocked_run(u0: np.ndarray, r: float, steps: int, nparts: int, g: int, boundary: str,
                overlap_order: bool) -> np.ndarray:
    """The solver's cycle (pack, interior, exchange, edges) on ``nparts`` blocks in one process."""
    nx = u0.size
    counts, displs = block_counts(nx, nparts)
    periodic = boundary == "periodic"
    edge = kernels.FIXED if boundary == "dirichlet" else kernels.MIRROR
    blocks = []
    for p in range(nparts):
        n, s = int(counts[p]), int(displs[p])
        a = np.zeros(n + 2 * g)
        a[g:g + n] = u0[s:s + n]
        left = kernels.NEIGHBOUR if p > 0 or periodic else edge
        right = kernels.NEIGHBOUR if p < nparts - 1 or periodic else edge
        blocks.append({"a": a, "b": a.copy(), "n": n, "left": left, "right": right,
                       "send": (np.zeros(g), np.zeros(g)), "recv": (np.zeros(g), np.zeros(g))})
    done = 0
    while done < steps:
        nsub = min(g, steps - done)
        for blk in blocks:
            kernels.pack_edges(blk["a"], g, blk["n"], *blk["send"])
        if overlap_order:  # interior before the ghosts arrive, as with --halo isend
            for blk in blocks:
                kernels.advance_interior(blk["a"], blk["b"], r, nsub, g, blk["n"], blk["left"],
                                         blk["right"])
        for p, blk in enumerate(blocks):  # the "messages"
            lp, rp = (p - 1) % nparts, (p + 1) % nparts
            if blk["left"] == kernels.NEIGHBOUR:
                blk["recv"][0][:] = blocks[lp]["send"][1]
            if blk["right"] == kernels.NEIGHBOUR:
                blk["recv"][1][:] = blocks[rp]["send"][0]
        for blk in blocks:
            if not overlap_order:
                kernels.advance_interior(blk["a"], blk["b"], r, nsub, g, blk["n"], blk["left"],
                                         blk["right"])
            kernels.advance_edges(blk["a"], blk["b"], r, nsub, g, blk["n"], blk["left"],
                                  blk["right"], *blk["recv"])
            if nsub % 2:
                blk["a"], blk["b"] = blk["b"], blk["a"]
        done += nsub
    return np.concatenate([blk["a"][g:g + blk["n"]] for blk in blocks])


@pytest.mark.parametrize("boundary", ["dirichlet", "neumann", "periodic"])
@pytest.mark.parametrize("nparts, g", [(1, 1), (1, 7), (2, 3), (3, 1), (4, 4), (7, 1), (5, 2),
                                       (13, 1), (6, 3)])
def test_blocks_match_whole_grid_bitwise(boundary, nparts, g):
    nx, steps, r = 19, 61, 0.45
    fields = dict(nx=nx, r=r, boundary=boundary, ic="gaussian", left_value=2.0, right_value=-1.0,
                  width=0.1)
    expected, _ = reference_run(steps, **fields)
    cfg = Heat1DConfig(**fields)
    u0 = initial_block(cfg, 0, nx)
    if boundary == "dirichlet":
        u0[0], u0[-1] = 2.0, -1.0
    assert g <= nx // nparts  # the solver's rule: no ghost wider than the smallest block
    for overlap in (True, False):
        got = blocked_run(u0, r, steps, nparts, g, boundary, overlap)
        assert np.array_equal(got, expected), (overlap, np.abs(got - expected).max())


def test_initial_block_is_split_independent():
    cfg = Heat1DConfig(nx=1000, ic="sine", mode=3)
    whole = initial_block(cfg, 0, 1000)
    for start, stop in [(0, 1), (1, 333), (333, 666), (999, 1000), (65, 130)]:
        assert np.array_equal(initial_block(cfg, start, stop), whole[start:stop])
    assert np.allclose(whole, initial_field(cfg, grid_x(cfg, 0, 1000)), rtol=0, atol=1e-15)


def test_ghost_width_never_exceeds_smallest_block():
    cfg = Heat1DConfig(nx=13)
    assert ghost_width(cfg, 7) == 1  # a rank owns a single point
    assert ghost_width(Heat1DConfig(nx=10_000), 1) == 256
    assert ghost_width(Heat1DConfig(nx=10_000_000), 2) == 1
    assert ghost_width(Heat1DConfig(nx=100, ghost=5), 3) == 5
    assert ghost_width(Heat1DConfig(nx=100, ghost=50), 3) == 33


def test_grids_and_exact_solutions():
    d = Heat1DConfig(nx=11, boundary="dirichlet", length=2.0)
    assert d.dx == 0.2 and grid_x(d, 0, 11)[-1] == pytest.approx(2.0)
    n = Heat1DConfig(nx=10, boundary="neumann", length=2.0)
    assert n.dx == 0.2 and grid_x(n, 0, 10)[0] == pytest.approx(0.1)
    p = Heat1DConfig(nx=10, boundary="periodic", length=2.0, ic="sine")
    x = grid_x(p, 0, 10)
    assert np.allclose(exact_solution(p, x, 0.3), np.exp(-np.pi ** 2 * 0.3) * np.sin(np.pi * x))
    par = Heat1DConfig(nx=101, length=np.pi, ic="parabola")
    x = grid_x(par, 0, 101)
    t = 1e-3  # the sine series of x (pi - x), barely damped, is still the parabola
    assert np.allclose(exact_solution(par, x, t), x * (np.pi - x), atol=2e-3)
    late = exact_solution(par, x, 5.0)  # relaxed onto the slowest mode (8/pi) e^-t sin x
    assert np.allclose(late, 8 / np.pi * np.exp(-5.0) * np.sin(x), rtol=0, atol=1e-12)
    assert Heat1DConfig(r=0.3).dt_effective == pytest.approx(0.3 * 1e-6)
    assert Heat1DConfig(dt=2e-7, nx=1001).r_effective == pytest.approx(0.2)
