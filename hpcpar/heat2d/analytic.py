"""Exact solutions of the heat equation on the plate, for verification.

Steady state with sine edge profiles (``edge_profile = "sine"``, no sources): Laplace's
equation with ``T = t_edge * sin(pi s / L)`` on each edge is solved exactly by a sum of four
separable ``sin * sinh`` terms, one per heated edge; e.g. the top edge alone gives

    T(x, y) = t_top * sin(pi x / lx) * sinh(pi y / lx) / sinh(pi ly / lx).

Uniform edge temperatures give the classical Fourier series (odd terms only).

Transient with zero edges and ``initial_profile = "sine"``: the single mode decays,
``T = t_initial * sin(pi x / lx) * sin(pi y / ly) * exp(-alpha pi^2 (1/lx^2 + 1/ly^2) t)``.
"""

from __future__ import annotations

import numpy as np


def _sinh_ratio(k: float, s: np.ndarray, length: float) -> np.ndarray:
    """``sinh(k s) / sinh(k length)``, computed without overflow for large ``k``."""
    return np.exp(k * (s - length)) * (1.0 - np.exp(-2.0 * k * s)) / (1.0 - np.exp(-2.0 * k
                                                                                   * length))


def _edge_mode(x: np.ndarray, y: np.ndarray, lx: float, ly: float, n: int,
               edges: dict[str, float]) -> np.ndarray:
    """Mode ``n`` of the solution for edge data ``edges[e] * sin(n pi s / L)``; shape (ny, nx)."""
    X, Y = np.meshgrid(x, y)
    kx, ky = n * np.pi / lx, n * np.pi / ly
    return (edges["top"] * np.sin(kx * X) * _sinh_ratio(kx, Y, ly)
            + edges["bottom"] * np.sin(kx * X) * _sinh_ratio(kx, ly - Y, ly)
            + edges["right"] * np.sin(ky * Y) * _sinh_ratio(ky, X, lx)
            + edges["left"] * np.sin(ky * Y) * _sinh_ratio(ky, lx - X, lx))


def steady_sine_edges(x: np.ndarray, y: np.ndarray, lx: float, ly: float,
                      edges: dict[str, float]) -> np.ndarray:
    """Exact steady temperature [K] at ``x`` (nx,) by ``y`` (ny,), shape (ny, nx), for edge
    temperatures ``edges[e] * sin(pi s / L)`` (keys left, right, bottom, top)."""
    return _edge_mode(x, y, lx, ly, 1, edges)


def steady_uniform_edges(x: np.ndarray, y: np.ndarray, lx: float, ly: float,
                         edges: dict[str, float], terms: int = 2001) -> np.ndarray:
    """Steady temperature [K] for uniform edge temperatures, shape (ny, nx).

    Fourier series ``sum over odd n of 4/(n pi) * mode_n``, truncated after ``terms`` terms;
    accurate in the interior, slowly convergent next to the corners.
    """
    total = np.zeros((y.size, x.size))
    for n in range(1, terms + 1, 2):
        total += 4.0 / (n * np.pi) * _edge_mode(x, y, lx, ly, n, edges)
    return total


def transient_sine_mode(x: np.ndarray, y: np.ndarray, lx: float, ly: float, alpha: float,
                        amplitude: float, t: float) -> np.ndarray:
    """Decaying sine mode [K] at time ``t`` [s] with zero edges, shape (ny, nx)."""
    rate = alpha * np.pi**2 * (1.0 / lx**2 + 1.0 / ly**2)
    return amplitude * np.outer(np.sin(np.pi * y / ly), np.sin(np.pi * x / lx)) * np.exp(
        -rate * t)
