"""π solvers: Monte Carlo and midpoint-rule estimates of π over every common MPI pattern.

Run as ``mpiexec -n P python -m hpcpar.pi [deck.toml] --method {montecarlo,midpoint}
--comm PATTERN --kernel {python,numpy,numba} --samples N``. The work is split into fixed
chunks of :data:`hpcpar.pi.kernels.CHUNK_SIZE` samples, so the answer depends only on the
input, never on the number of ranks or the communication pattern.

Modules: :mod:`~hpcpar.pi.rng` (counter-based SplitMix64 generator), :mod:`~hpcpar.pi.kernels`
(python/numpy/numba kernels, no MPI), :mod:`~hpcpar.pi.patterns` (the eight communication
patterns), :mod:`~hpcpar.pi.estimate` (statistics and error bounds), :mod:`~hpcpar.pi.config`
(the input deck) and :mod:`~hpcpar.pi.__main__` (the driver and the HDF5 output).
"""
