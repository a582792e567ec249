"""Random-walk tasks: blocks of walks at one distance, and what one task returns."""

from __future__ import annotations

from dataclasses import dataclass

from hpcpar.randomwalk.kernels import first_crossing_steps


@dataclass(frozen=True)
class WalkTask:
    """``nwalks`` walks (walker indices ``first_walk ..``) to distance ``distances[index]``."""

    task_id: int
    index: int
    distance: float
    first_walk: int
    nwalks: int

    @property
    def cost(self) -> float:
        """Expected work in steps (3 Y^2 per walk), for ordering the dynamic farm."""
        return 3.0 * self.distance**2 * self.nwalks


def make_tasks(distances: tuple[float, ...], walks: int, walks_per_task: int) -> list[WalkTask]:
    """Tasks in id order: all blocks of the first distance, then the next distance, ..."""
    tasks = []
    for index, distance in enumerate(distances):
        for first in range(0, walks, walks_per_task):
            tasks.append(WalkTask(len(tasks), index, float(distance), first,
                                  min(walks_per_task, walks - first)))
    return tasks


def run_walk_task(task: WalkTask, kernel: str, seed: int, fail_task: int | None = None
                  ) -> tuple[int, int, int, int]:
    """Run one task; returns ``(walks, sum of steps, sum of squared steps, max steps)``.

    Python integers: sums are exact (no overflow), so combining tasks gives the same numbers
    whatever the order they finish in.
    """
    if task.task_id == fail_task:
        raise RuntimeError(f"deliberate failure of task {task.task_id} (fail_task)")
    steps = first_crossing_steps(kernel, task.distance, seed, task.index, task.first_walk,
                                 task.nwalks)
    return (int(steps.size), int(steps.sum()), sum(s * s for s in steps.tolist()),
            int(steps.max()))
