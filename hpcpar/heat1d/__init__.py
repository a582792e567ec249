"""heat1d: the 1D heat equation u_t = alpha u_xx, FTCS on a block-decomposed grid.

Physics (stencil kernels) in :mod:`hpcpar.heat1d.kernels`, exact solutions in
:mod:`hpcpar.heat1d.analytic`, MPI halo exchange in :mod:`hpcpar.heat1d.halo`, the time loop
in :mod:`hpcpar.heat1d.solver`, snapshots and checkpoints in :mod:`hpcpar.heat1d.io`, the input
deck in :mod:`hpcpar.heat1d.config`. Run with ``mpiexec -n P python -m hpcpar.heat1d deck.toml``.
"""
