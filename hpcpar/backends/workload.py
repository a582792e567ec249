"""What a backend runs: tasks, a task function per kernel, and how results combine."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Workload:
    """Independent tasks with a kernel choice.

    name : short label, e.g. ``"randomwalk (small)"``.
    tasks : picklable task descriptions; a task's id is its index.
    task_function : ``task_function(kernel)`` returns a picklable callable ``f(task)``
        (a module-level function or a ``functools.partial`` of one).
    combine : task values in task order -> the result array, compared bitwise between runs.
    work : task values in task order -> units of work done (e.g. steps, samples).
    units : the unit of ``work``.
    preload : modules worker processes import up front (``forkserver`` preload).
    warmup : ``warmup(kernel)`` compiles a numba kernel (picklable, run in every worker).
    """

    name: str
    tasks: Sequence[Any]
    task_function: Callable[[str], Callable[[Any], Any]]
    combine: Callable[[list[Any]], np.ndarray]
    work: Callable[[list[Any]], float]
    units: str
    warmup: Callable[[str], None]
    preload: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class BackendRun:
    """One timed run: which backend, kernel and worker count, the time and the result."""

    backend: str
    kernel: str
    workers: int
    seconds: float
    result: np.ndarray
    work: float
    note: str = ""

    @property
    def rate(self) -> float:
        """Work units per second."""
        return self.work / self.seconds
