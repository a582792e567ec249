"""heat2d: a heated rectangular plate on a 2D Cartesian process grid.

Steady state by Jacobi iteration to a global residual tolerance, or time stepping by FTCS,
with a 5-point stencil. Fields are bitwise identical for every process grid.

Modules: ``config`` (input deck), ``kernels`` (numba stencils, no MPI), ``halo`` (Cartesian
topology and halo exchange), ``residual`` (decomposition-independent global norms),
``solver`` (the iteration), ``analytic`` (exact solutions), ``plot`` (PNG heat map),
``__main__`` (the program).
"""
