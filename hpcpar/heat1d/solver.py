"""The heat1d time loop: halo exchange cycles, snapshots, checkpoints, signals, progress.

Each cycle advances ``nsub <= g`` steps with one halo exchange of width ``g``: pack the edge
points, start the exchange, update the interior, finish the exchange, update the edges. Cycle
lengths are cut at snapshot, checkpoint and signal-check steps, which depend only on the deck
and the decomposition's largest block, so every rank takes the same cycles.
"""

from __future__ import annotations

import math
import signal
from dataclasses import dataclass

import numpy as np
from mpi4py import MPI

from hpcpar.decomposition import Block1D, block_counts
from hpcpar.heat1d import kernels
from hpcpar.heat1d.analytic import exact_solution, grid_x, has_exact_solution, initial_block
from hpcpar.heat1d.config import Heat1DConfig
from hpcpar.heat1d.halo import HaloExchange, line_communicator, make_halo
from hpcpar.heat1d.io import (
    SnapshotWriter,
    read_checkpoint_block,
    read_initial_block,
    write_checkpoint,
)
from hpcpar.jit import compile_once
from hpcpar.runner import Context

MAX_GHOST = 256  # the automatic ghost width never exceeds this many points
CYCLE_UPDATES = 4_000_000  # automatic ghost width: about this many point updates per cycle
CHECK_UPDATES = 16_000_000  # signal check (one Allreduce) about this often, in point updates,
MAX_CHECK_CYCLES = 64  # and at least every this many cycles (each costs ~10 us of Python)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGUSR1)


def ghost_width(cfg: Heat1DConfig, nranks: int) -> int:
    """Ghost width g = steps per halo exchange: ``cfg.ghost``, or enough steps per exchange to
    hide the per-cycle Python and MPI overhead; never more than the smallest block."""
    counts, _ = block_counts(cfg.nx, nranks)
    smallest, largest = int(counts.min()), int(counts.max())
    wanted = cfg.ghost or min(MAX_GHOST, math.ceil(CYCLE_UPDATES / largest))
    return max(1, min(wanted, smallest))


def _next_multiple(step: int, every: int) -> float:
    return (step // every + 1) * every if every > 0 else math.inf


class StopRequest:
    """Records SIGTERM/SIGUSR1 (Slurm's ``--signal``) while installed; the loop polls it."""

    def __init__(self) -> None:
        self.signal: int = 0
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame: object) -> None:
        self.signal = signum

    def install(self) -> None:
        for sig in STOP_SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous.clear()


@dataclass
class LocalField:
    """One rank's block: ping-pong buffers ``cur`` (current state) and ``nxt`` of length
    ``n + 2 g``, owned points at ``g .. g+n-1`` (global ``start .. start+n-1``)."""

    cur: np.ndarray
    nxt: np.ndarray
    block: Block1D
    left: int
    right: int

    @property
    def owned(self) -> np.ndarray:
        return self.cur[self.block.owned]


def _side_kind(neighbour: int, boundary: str) -> int:
    if neighbour != MPI.PROC_NULL:
        return kernels.NEIGHBOUR
    return kernels.FIXED if boundary == "dirichlet" else kernels.MIRROR


def initial_state(cfg: Heat1DConfig, block: Block1D) -> tuple[np.ndarray, int]:
    """This rank's owned points at the first step of the run, and that step number."""
    start, stop = block.start, block.stop
    if cfg.restart is not None:
        return read_checkpoint_block(cfg.restart, start, stop)
    if cfg.ic == "file":
        u = read_initial_block(cfg.ic_file, cfg.ic_dataset, start, stop)
    else:
        u = initial_block(cfg, start, stop)
    if cfg.boundary == "dirichlet":
        if start == 0:
            u[0] = cfg.left_value
        if stop == cfg.nx:
            u[-1] = cfg.right_value
    return u, 0


def diagnostics(ctx: Context, cfg: Heat1DConfig, field: LocalField, x: np.ndarray,
                step: int) -> tuple[float, ...]:
    """Collective: (time, step, heat, max|u| [, max error, rms error]); exact on rank 0."""
    u, block, t = field.owned, field.block, step * cfg.dt_effective
    heat = float(u.sum())
    if cfg.boundary == "dirichlet":  # trapezoidal rule on the vertex grid
        if block.start == 0:
            heat -= 0.5 * u[0]
        if block.stop == cfg.nx:
            heat -= 0.5 * u[-1]
    sums, maxima = np.array([heat * cfg.dx, 0.0]), np.array([np.abs(u).max(), 0.0])
    if has_exact_solution(cfg):
        error = u - exact_solution(cfg, x, t)
        sums[1] = np.dot(error, error)
        maxima[1] = np.abs(error).max()
    ctx.comm.Reduce(MPI.IN_PLACE if ctx.rank == 0 else sums, sums, op=MPI.SUM, root=0)
    ctx.comm.Reduce(MPI.IN_PLACE if ctx.rank == 0 else maxima, maxima, op=MPI.MAX, root=0)
    if ctx.rank != 0:
        return ()
    row = (t, float(step), float(sums[0]), float(maxima[0]))
    if has_exact_solution(cfg):
        row += (float(maxima[1]), math.sqrt(sums[1] / cfg.nx))
    return row


def solve(cfg: Heat1DConfig, ctx: Context) -> dict:
    """Collective: run the deck; returns the summary (significant on rank 0)."""
    stop_request = StopRequest()
    stop_request.install()
    try:
        return _solve(cfg, ctx, stop_request)
    finally:
        stop_request.restore()


def _solve(cfg: Heat1DConfig, ctx: Context, stop_request: StopRequest) -> dict:
    comm, log = ctx.comm, ctx.log
    g = ghost_width(cfg, ctx.size)
    block = Block1D.of(cfg.nx, ctx.size, ctx.rank, ghost=g)
    cart = line_communicator(comm, periodic=cfg.boundary == "periodic")
    halo = make_halo(cfg.halo, cart, g)
    compile_once(comm, kernels.warm_up)

    owned, start_step = initial_state(cfg, block)
    cur = np.zeros(block.local_shape)
    cur[block.owned] = owned
    field = LocalField(cur, cur.copy(), block, _side_kind(halo.left, cfg.boundary),
                       _side_kind(halo.right, cfg.boundary))
    x = grid_x(cfg, block.start, block.stop)
    r, dt = cfg.r_effective, cfg.dt_effective
    largest = int(block_counts(cfg.nx, ctx.size)[0].max())
    check_cycles = max(1, min(MAX_CHECK_CYCLES, math.ceil(CHECK_UPDATES / (g * largest))))
    log.info(f"heat1d: nx = {cfg.nx} on {ctx.size} ranks, {cfg.boundary} boundaries, "
             f"r = {r:.6g}, dt = {dt:.6g} s, steps {start_step} -> {cfg.steps}, "
             f"halo = {cfg.halo}, ghost width {g}")

    writer = SnapshotWriter(ctx, cfg, x, block.start, has_exact_solution(cfg))
    try:
        summary = _time_loop(cfg, ctx, field, halo, writer, x, start_step, g, check_cycles,
                             stop_request)
    except BaseException:
        writer.discard()
        raise
    cart.Free()
    return summary


def _time_loop(cfg: Heat1DConfig, ctx: Context, field: LocalField, halo: HaloExchange,
               writer: SnapshotWriter, x: np.ndarray, start_step: int, g: int,
               check_cycles: int, stop_request: StopRequest) -> dict:
    """Collective: advance from ``start_step`` to ``cfg.steps`` (or a stop signal), writing
    snapshots and checkpoints on the way; closes ``writer``; returns the summary."""
    comm, log, timers = ctx.comm, ctx.log, ctx.timers
    r, n, dt, steps = cfg.r_effective, field.block.n_local, cfg.dt_effective, cfg.steps
    left, right = field.left, field.right
    send_left, send_right = halo.send_left, halo.send_right
    recv_left, recv_right = halo.recv_left, halo.recv_right
    pack, interior, edges = kernels.pack_edges, kernels.advance_interior, kernels.advance_edges
    flag, agreed = np.zeros(1, dtype=np.int32), np.zeros(1, dtype=np.int32)
    wtime = MPI.Wtime

    def snapshot(step: int) -> None:
        with timers.region("io"):
            writer.snapshot(field.owned, diagnostics(ctx, cfg, field, x, step))

    step, cycles, compute_s, halo_s = start_step, 0, 0.0, 0.0
    stopped_by = 0
    if cfg.restart is not None and cfg.snapshot_every:
        with timers.region("io"):
            copied = writer.copy_earlier(cfg.output, start_step, field.block.stop)
        if copied:
            log.info(f"heat1d: kept {copied} earlier snapshots from {cfg.output}")
    if cfg.snapshot_every and step % cfg.snapshot_every == 0:
        snapshot(step)
    comm.Barrier()
    t_start = wtime()
    next_report = t_start + cfg.progress_every
    while step < steps:
        next_event = min(steps, _next_multiple(step, cfg.snapshot_every),
                         _next_multiple(step, cfg.checkpoint_every))
        nsub = min(g, next_event - step)
        cur, nxt = field.cur, field.nxt
        t0 = wtime()
        pack(cur, g, n, send_left, send_right)
        t1 = wtime()
        halo.begin()
        t2 = wtime()
        interior(cur, nxt, r, nsub, g, n, left, right)
        t3 = wtime()
        halo.end()
        t4 = wtime()
        edges(cur, nxt, r, nsub, g, n, left, right, recv_left, recv_right)
        t5 = wtime()
        compute_s += (t1 - t0) + (t3 - t2) + (t5 - t4)
        halo_s += (t2 - t1) + (t4 - t3)
        if nsub % 2:
            field.cur, field.nxt = nxt, cur
        step += nsub
        cycles += 1

        if cfg.snapshot_every and step % cfg.snapshot_every == 0:
            snapshot(step)
        if cfg.checkpoint_every and step % cfg.checkpoint_every == 0:
            with timers.region("io"):
                write_checkpoint(ctx, cfg, field.owned, field.block.start, step)
            log.info(f"heat1d: checkpoint at step {step} -> {cfg.checkpoint_file}")
        if cycles % check_cycles == 0 or step == steps:
            flag[0] = stop_request.signal
            comm.Allreduce(flag, agreed, op=MPI.MAX)
            if agreed[0]:
                stopped_by = int(agreed[0])
                break
        if ctx.rank == 0 and t5 >= next_report:
            elapsed = t5 - t_start
            eta = elapsed / (step - start_step) * (steps - step)
            log.info(f"heat1d: step {step}/{steps}  t = {step * dt:.6g} s  "
                     f"wall {elapsed:.1f} s  ETA {eta:.1f} s")
            next_report = t5 + cfg.progress_every
    loop_s = wtime() - t_start
    timers.add("compute", compute_s, calls=cycles)
    timers.add("halo", halo_s, calls=cycles)

    if stopped_by:
        with timers.region("io"):
            if not (cfg.checkpoint_every and step % cfg.checkpoint_every == 0):
                write_checkpoint(ctx, cfg, field.owned, field.block.start, step)
        if ctx.rank == 0:
            name = signal.Signals(stopped_by).name
            print(f"heat1d: {name} received: checkpoint written at step {step} "
                  f"(t = {step * dt:.6g} s) to {cfg.checkpoint_file}; continue with "
                  f"--restart {cfg.checkpoint_file}", flush=True)
    final = diagnostics(ctx, cfg, field, x, step)
    with timers.region("io"):
        writer.close(field.owned, steps=steps, start_step=start_step, last_step=step,
                     complete=step == steps, final_time=step * dt, dt=dt, dx=cfg.dx, r=r,
                     ghost_width=g, halo=cfg.halo, boundary=cfg.boundary,
                     restarted_from=cfg.restart or "")
    steps_run = step - start_step
    summary = {"nx": cfg.nx, "steps": steps, "start_step": start_step, "last_step": step,
               "steps_run": steps_run, "ranks": ctx.size, "halo": cfg.halo, "ghost": g,
               "loop_seconds": loop_s,
               "mlups": cfg.nx * steps_run / loop_s / 1e6 if loop_s > 0 else 0.0,
               "interrupted": bool(stopped_by)}
    if ctx.rank == 0:
        summary.update(final_time=final[0], heat=final[2], max_abs=final[3])
        if len(final) > 4:
            summary.update(error_max=final[4], error_rms=final[5])
        log.info(f"heat1d: {steps_run} steps in {loop_s:.3f} s = {summary['mlups']:.1f} MLUPS; "
                 f"wrote {cfg.output}")
    return summary
