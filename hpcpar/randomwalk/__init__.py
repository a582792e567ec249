"""Random-walk first-crossing study: kernels, tasks, statistics, plot, SPMD driver."""
