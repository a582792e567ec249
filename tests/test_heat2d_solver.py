"""heat2d in one process: analytic solutions, order of accuracy, stopping rule, kernels."""

import numpy as np
import pytest
from mpi4py import MPI

from hpcpar.config import load_config
from hpcpar.heat2d import analytic, kernels
from hpcpar.heat2d.config import Heat2DConfig
from hpcpar.heat2d.halo import cartesian_grid
from hpcpar.heat2d.solver import solve


def run_serial(**fields):
    cfg = load_config(Heat2DConfig, overrides={"output": "", **fields})
    cfg.validate(1)
    return cfg, solve(cfg, MPI.COMM_SELF, (1, 1))


EDGES = {"left": 0.7, "right": -0.4, "bottom": 0.5, "top": 1.0}


def steady_sine_error(n):
    """Max error against the sin*sinh solution on a 2 x 1 plate (dx = dy), all edges hot."""
    cfg, sol = run_serial(nx=2 * n - 1, ny=n, lx=2.0, ly=1.0, edge_profile="sine",
                          t_left=EDGES["left"], t_right=EDGES["right"],
                          t_bottom=EDGES["bottom"], t_top=EDGES["top"], tolerance=1e-12,
                          check_every=50)
    assert sol.converged
    exact = analytic.steady_sine_edges(sol.x, sol.y, cfg.lx, cfg.ly, EDGES)
    return np.abs(sol.owned - exact).max()


def test_steady_matches_sin_sinh_with_second_order_convergence():
    errors = [steady_sine_error(n) for n in (9, 17, 33)]
    assert errors[-1] < 3e-4
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 1.9) and np.all(orders < 2.2), (errors, orders)


def test_steady_uniform_top_edge_matches_fourier_series_in_the_interior():
    cfg, sol = run_serial(nx=41, ny=31, lx=1.0, ly=0.75, t_top=100.0, tolerance=1e-9)
    exact = analytic.steady_uniform_edges(sol.x, sol.y, cfg.lx, cfg.ly,
                                          {"left": 0, "right": 0, "bottom": 0, "top": 100.0})
    inner = (slice(3, -3), slice(3, -3))  # the series and the grid both struggle at corners
    assert np.abs(sol.owned[inner] - exact[inner]).max() < 0.15  # K, of 100 K


def transient_error(n):
    cfg, sol = run_serial(mode="transient", nx=n, ny=n, lx=1.0, ly=1.0, t_top=0.0,
                          initial_profile="sine", t_initial=10.0, r=0.25, t_end=0.02,
                          check_every=0)
    assert sol.time == pytest.approx(0.02, rel=1e-12)
    exact = analytic.transient_sine_mode(sol.x, sol.y, 1.0, 1.0, 1.0, 10.0, sol.time)
    return np.abs(sol.owned - exact).max()


def test_transient_sine_mode_decays_at_the_exact_rate_second_order():
    errors = [transient_error(n) for n in (11, 21, 41)]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert errors[-1] < 5e-3 and np.all(orders > 1.8), (errors, orders)


@pytest.mark.parametrize("norm", ["max", "l2"])
def test_iteration_stops_at_the_first_check_below_tolerance(norm):
    cfg, sol = run_serial(nx=25, ny=21, tolerance=1e-4, check_every=7, norm=norm,
                          sources=(0.2, 0.4, 0.2, 0.6, 500.0))
    assert sol.converged and sol.iterations % 7 == 0
    assert sol.history_iterations == list(range(7, sol.iterations + 1, 7))
    res = sol.history_residuals
    assert res[-1] == sol.residual < 1e-4 <= res[-2]
    # the residual is what it claims to be: one more sweep changes the field by that much
    again = run_serial(nx=25, ny=21, tolerance=1e-4, check_every=0, norm=norm,
                       max_iters=sol.iterations - 1, sources=(0.2, 0.4, 0.2, 0.6, 500.0))[1]
    change = sol.owned - again.owned
    expect = np.abs(change).max() if norm == "max" else np.sqrt((change**2).sum() / (23 * 19))
    assert sol.residual == pytest.approx(expect, rel=1e-12)


def test_no_checks_runs_exactly_max_iters_without_converging():
    cfg, sol = run_serial(nx=20, ny=20, check_every=0, max_iters=123)
    assert sol.iterations == 123 and not sol.converged and sol.history_iterations == []
    assert sol.residual > 0


def test_sources_heat_the_plate_and_match_poisson_in_the_limit():
    # -alpha * laplacian T = q with q = 1 on the whole plate, cold edges: the centre of a unit
    # square reaches 0.0736713 (series solution) for alpha = 1.
    cfg, sol = run_serial(nx=41, ny=41, t_top=0.0, sources=(0.0, 1.0, 0.0, 1.0, 1.0),
                          tolerance=1e-10)
    assert sol.owned[20, 20] == pytest.approx(0.0736713, abs=2e-4)


def test_interior_box_excludes_the_plate_edges():
    grid = cartesian_grid(MPI.COMM_SELF, (5, 7), (1, 1))
    assert grid.local_shape == (7, 9)
    assert grid.interior_box() == (2, 5, 2, 7)


def test_kernels_compute_the_stencil():
    rng = np.random.default_rng(1)
    u, out = rng.random((6, 7)), np.zeros((6, 7))
    kernels.jacobi_sweep(u, out, 0.3, 0.2, 1, 5, 1, 6)
    ref = 0.3 * (u[1:-1, :-2] + u[1:-1, 2:]) + 0.2 * (u[:-2, 1:-1] + u[2:, 1:-1])
    assert np.array_equal(out[1:-1, 1:-1], ref)
    assert np.all(out[0] == 0) and np.all(out[:, 0] == 0)
    kernels.ftcs_step(u, out, 0.1, 0.2, 1, 5, 1, 6)
    c = u[1:-1, 1:-1]
    ref = c + 0.1 * (u[1:-1, :-2] - 2 * c + u[1:-1, 2:]) + 0.2 * (u[:-2, 1:-1] - 2 * c
                                                                  + u[2:, 1:-1])
    assert np.array_equal(out[1:-1, 1:-1], ref)
    sums = np.zeros(6)
    kernels.row_sums_of_squares(u, out, 1, 5, 1, 6, sums)
    assert np.allclose(sums[1:5], ((out - u)[1:5, 1:6] ** 2).sum(axis=1), rtol=1e-14)
    assert kernels.max_abs_change(u, out, 1, 5, 1, 6) == np.abs(out - u)[1:5, 1:6].max()
