"""Task farming over MPI: run independent tasks on the ranks of a communicator.

Three schedulers, one call (:func:`run_tasks`), identical results (collected in task order):

``static``
    Block split of the task list (:func:`hpcpar.decomposition.block_range`): no messages
    until the end, but when tasks differ in cost the rank with the expensive block finishes
    last while the others idle. The per-rank busy times show it.
``dynamic``
    Master/worker farm. Rank 0 hands out one task at a time; a worker that finishes sends its
    result, which doubles as the request for the next task; rank 0 receives with
    ``MPI.ANY_SOURCE`` so whoever is idle is served first. Rank 0 also computes: a dispatcher
    thread serves the workers (polling with ``Iprobe`` and a short sleep so it does not spin
    a core) while rank 0's main thread takes tasks from the same queue. With one rank,
    rank 0 simply runs every task. Tasks are handed out in ``order`` (e.g. the most
    expensive first, which shortens the tail). If MPI was initialised with less than
    ``MPI_THREAD_SERIALIZED`` (mpi4py asks for ``MULTIPLE``), rank 0 only dispatches.
``futures``
    ``mpi4py.futures.MPICommExecutor`` on ``comm``: the ranks are all started by ``mpiexec``
    up front; rank 0 becomes the client and submits the tasks, the other ranks serve as the
    pool's workers (rank 0 does not compute unless it is alone). No ``MPI_Comm_spawn`` is
    involved (see the README for why ``MPIPoolExecutor``'s spawning is not used).

A task that raises ends the run with :class:`TaskError` naming the task id and the rank,
raised on a rank that the caller (the runner) aborts: the failing worker itself in the
``static`` and ``dynamic`` farms (it also tells rank 0), rank 0 with ``futures`` (the
exception travels back in the future).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from mpi4py import MPI

from hpcpar.decomposition import block_range

SCHEDULERS = ("static", "dynamic", "futures")

_TAG_REQUEST = 7411  # worker -> master: ("ready",), ("result", id, value) or ("error", text)
_TAG_TASK = 7412  # master -> worker: (id, task) or None when there is no more work


class TaskError(RuntimeError):
    """A task raised; the message names the task id, the rank and the original error."""


@dataclass
class FarmResult:
    """What :func:`run_tasks` returns on every rank.

    results : rank 0: one value per task, in task order; other ranks: None.
    busy : seconds each rank spent inside tasks, shape (nranks,).
    ntasks : tasks each rank ran, shape (nranks,).
    elapsed : seconds each rank spent in :func:`run_tasks`, shape (nranks,).
    """

    scheduler: str
    results: list[Any] | None
    busy: np.ndarray
    ntasks: np.ndarray
    elapsed: np.ndarray

    @property
    def imbalance(self) -> float:
        """max / mean busy time over all ranks (1.0 is perfect balance; with ``futures``
        rank 0 is the client and counts as idle)."""
        mean = float(self.busy.mean())
        return float(self.busy.max()) / mean if mean > 0 else 1.0


def run_tasks(comm: MPI.Intracomm, func: Callable[[Any], Any], tasks: Sequence[Any],
              scheduler: str = "dynamic", *, order: Sequence[int] | None = None,
              poll_interval: float = 1e-3) -> FarmResult:
    """Collective: compute ``func(task)`` for every task on the ranks of ``comm``.

    Parameters
    ----------
    func : called as ``func(task)``; must be picklable (a module-level function or a
        ``functools.partial`` of one) for ``futures``.
    tasks : the same sequence on every rank; a task's id is its index.
    scheduler : ``"static"``, ``"dynamic"`` or ``"futures"``.
    order : dispatch order of the task ids for ``dynamic`` and ``futures`` (default
        ascending). Results are always returned in task order.
    poll_interval : seconds the ``dynamic`` dispatcher sleeps when no worker is waiting.
    """
    if scheduler not in SCHEDULERS:
        raise ValueError(f"unknown scheduler {scheduler!r}; expected one of "
                         f"{', '.join(SCHEDULERS)}")
    order = list(range(len(tasks)) if order is None else order)
    if sorted(order) != list(range(len(tasks))):
        raise ValueError("order must be a permutation of the task ids")
    t0 = time.perf_counter()
    ledger = _Ledger()
    if scheduler == "static":
        results = _static(comm, func, tasks, ledger)
    elif scheduler == "dynamic":
        results = _dynamic(comm, func, tasks, order, ledger, poll_interval)
    else:
        results = _futures(comm, func, tasks, order, ledger)
    elapsed = time.perf_counter() - t0
    if scheduler == "futures":  # the workers' times came back with the results, to rank 0
        busy, ntasks = comm.bcast((ledger.busy_by_rank, ledger.count_by_rank))
    else:
        busy = np.array(comm.allgather(ledger.busy))
        ntasks = np.array(comm.allgather(ledger.count))
    return FarmResult(scheduler, results, np.asarray(busy, dtype=float),
                      np.asarray(ntasks, dtype=np.int64),
                      np.array(comm.allgather(elapsed)))


# -- helpers ----------------------------------------------------------------------------------
class _Ledger:
    """Busy seconds and task counts of this rank (and, for futures, of every rank)."""

    def __init__(self) -> None:
        self.busy = 0.0
        self.count = 0
        self.busy_by_rank: np.ndarray | None = None
        self.count_by_rank: np.ndarray | None = None

    def add(self, seconds: float) -> None:
        self.busy += seconds
        self.count += 1


def _describe_failure(task_id: int, rank: int, err: BaseException) -> str:
    return f"task {task_id} failed on rank {rank}: {type(err).__name__}: {err}"


def _call(func: Callable[[Any], Any], task_id: int, task: Any, rank: int) -> tuple[Any, float]:
    """``func(task)`` and its duration; a failure becomes a TaskError naming the task."""
    t0 = time.perf_counter()
    try:
        value = func(task)
    except Exception as err:
        raise TaskError(_describe_failure(task_id, rank, err)) from err
    return value, time.perf_counter() - t0


# -- static ---------------------------------------------------------------------------------
def _static(comm: MPI.Intracomm, func: Callable, tasks: Sequence, ledger: _Ledger
            ) -> list | None:
    start, stop = block_range(len(tasks), comm.size, comm.rank)
    mine = []
    for task_id in range(start, stop):
        value, seconds = _call(func, task_id, tasks[task_id], comm.rank)
        ledger.add(seconds)
        mine.append(value)
    blocks = comm.gather(mine, root=0)
    return None if blocks is None else [value for block in blocks for value in block]


# -- dynamic --------------------------------------------------------------------------------
def _dynamic(comm: MPI.Intracomm, func: Callable, tasks: Sequence, order: list[int],
             ledger: _Ledger, poll_interval: float) -> list | None:
    if comm.rank != 0:
        _worker(comm, func, ledger)
        return None
    results: list[Any] = [None] * len(tasks)
    queue = iter(order)
    lock = threading.Lock()

    def next_task() -> int | None:
        with lock:
            return next(queue, None)

    dispatcher = None
    failure: list[BaseException] = []
    if comm.size > 1 and MPI.Query_thread() < MPI.THREAD_SERIALIZED:
        # MPI may only be called from the main thread: rank 0 dispatches and does not compute
        _dispatch(comm, tasks, results, next_task, failure, poll_interval=0.0)
    elif comm.size > 1:
        dispatcher = threading.Thread(
            target=_dispatch, name="hpcpar-dispatcher", daemon=True,
            args=(comm, tasks, results, next_task, failure, poll_interval))
        dispatcher.start()
    while not failure and (task_id := next_task()) is not None:  # rank 0 works too
        results[task_id], seconds = _call(func, task_id, tasks[task_id], 0)
        ledger.add(seconds)
    if dispatcher is not None:
        dispatcher.join()
    if failure:
        raise failure[0]
    return results


def _dispatch(comm: MPI.Intracomm, tasks: Sequence, results: list, next_task: Callable,
              failure: list, poll_interval: float) -> None:
    """Rank 0's dispatcher thread: serve task requests until every worker is released."""
    status = MPI.Status()
    working = comm.size - 1
    try:
        while working:
            if poll_interval and not comm.iprobe(source=MPI.ANY_SOURCE, tag=_TAG_REQUEST,
                                                 status=status):
                time.sleep(poll_interval)
                continue
            if not poll_interval:  # a blocking receive on the main thread
                comm.probe(source=MPI.ANY_SOURCE, tag=_TAG_REQUEST, status=status)
            source = status.Get_source()
            message = comm.recv(source=source, tag=_TAG_REQUEST)
            if message[0] == "result":
                _, task_id, value = message
                results[task_id] = value
            elif message[0] == "error":
                raise TaskError(message[1])
            task_id = None if failure else next_task()
            comm.send(None if task_id is None else (task_id, tasks[task_id]), dest=source,
                      tag=_TAG_TASK)
            if task_id is None:
                working -= 1
    except BaseException as err:
        failure.append(err)


def _worker(comm: MPI.Intracomm, func: Callable, ledger: _Ledger) -> None:
    """A worker rank: ask for a task, run it, send the result (the next request) back."""
    comm.send(("ready",), dest=0, tag=_TAG_REQUEST)
    while (message := comm.recv(source=0, tag=_TAG_TASK)) is not None:
        task_id, task = message
        try:
            value, seconds = _call(func, task_id, task, comm.rank)
        except TaskError as err:  # tell rank 0, then fail here: the runner aborts the job
            comm.send(("error", f"{err}\n{traceback.format_exc()}"), dest=0, tag=_TAG_REQUEST)
            raise
        ledger.add(seconds)
        comm.send(("result", task_id, value), dest=0, tag=_TAG_REQUEST)


# -- futures --------------------------------------------------------------------------------
def _remote_call(func: Callable, task_id: int, task: Any) -> tuple[Any, float, int]:
    """Runs on a pool worker: the value, its duration and the worker's COMM_WORLD rank."""
    rank = MPI.COMM_WORLD.Get_rank()
    try:
        value, seconds = _call(func, task_id, task, rank)
    except TaskError as err:  # the traceback does not travel with the exception: add it
        remote = traceback.format_exc().rstrip()
        raise TaskError(f"{err}\n(traceback on the worker:)\n{remote}") from None
    return value, seconds, rank


def _futures(comm: MPI.Intracomm, func: Callable, tasks: Sequence, order: list[int],
             ledger: _Ledger) -> list | None:
    from concurrent.futures import FIRST_EXCEPTION, wait

    from mpi4py.futures import MPICommExecutor

    results = None
    with MPICommExecutor(comm, root=0) as executor:
        if executor is not None:
            futures = {executor.submit(_remote_call, func, task_id, tasks[task_id]): task_id
                       for task_id in order}
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                executor.shutdown(wait=False, cancel_futures=True)
                err = failed[0].exception()
                if isinstance(err, TaskError):
                    raise err
                raise TaskError(_describe_failure(futures[failed[0]], -1, err)) from err
            to_comm = _world_to_comm(comm)
            results = [None] * len(tasks)
            ledger.busy_by_rank = np.zeros(comm.size)
            ledger.count_by_rank = np.zeros(comm.size, dtype=np.int64)
            for future, task_id in futures.items():
                results[task_id], seconds, world_rank = future.result()
                ledger.busy_by_rank[to_comm[world_rank]] += seconds
                ledger.count_by_rank[to_comm[world_rank]] += 1
    return results


def _world_to_comm(comm: MPI.Intracomm) -> dict[int, int]:
    """COMM_WORLD rank -> rank in ``comm``, for the members of ``comm``."""
    world = MPI.COMM_WORLD.Get_group()
    mine = comm.Get_group()
    ranks = MPI.Group.Translate_ranks(mine, list(range(comm.size)), world)
    world.Free()
    mine.Free()
    return {w: c for c, w in enumerate(ranks)}
