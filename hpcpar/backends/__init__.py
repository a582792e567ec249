"""Single-node backends: the same independent tasks run serially, on threads or on processes.

A :class:`~hpcpar.backends.workload.Workload` is a list of picklable tasks, a picklable task
function per kernel, and a combine step; every backend returns the combined result, which is
bitwise identical whichever backend, kernel or worker count ran it (tasks are seeded by id).

- :mod:`~hpcpar.backends.serial`: one task after another in this thread.
- :mod:`~hpcpar.backends.threads`: ``concurrent.futures.ThreadPoolExecutor`` (fast only for
  kernels that release the GIL: numba ``nogil``, partly numpy) and numba's own ``prange``.
- :mod:`~hpcpar.backends.processes`: ``multiprocessing.Pool`` (``map``, ``imap_unordered``,
  ``apply_async``) and ``concurrent.futures.ProcessPoolExecutor``.
"""
