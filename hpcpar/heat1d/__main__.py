"""``mpiexec -n P python -m hpcpar.heat1d [deck.toml] [--field value ...]``"""

from __future__ import annotations

from hpcpar.heat1d.config import Heat1DConfig
from hpcpar.heat1d.solver import solve
from hpcpar.runner import Context, Program, run

EPILOG = """\
Writes `output` (x, snapshot times, u(t, x) every snapshot_every steps with total heat,
max |u| and the error against the exact solution where one exists, and u_final).
checkpoint_every > 0 writes `checkpoint_file`; --restart FILE continues from one, on any
number of ranks, bitwise identical to an uninterrupted run. SIGTERM or SIGUSR1 (Slurm's
--signal) writes a checkpoint at the next step and exits 0.
"""


def main(cfg: Heat1DConfig, ctx: Context) -> dict:
    """Every rank: solve the deck; the summary (rank 0) has nx, steps and mlups."""
    return solve(cfg, ctx)


PROGRAM = Program("heat1d", Heat1DConfig, main,
                  "1D heat equation u_t = alpha u_xx, FTCS, block-decomposed over MPI ranks, "
                  "with halo exchange, HDF5 snapshots and checkpoint/restart.", EPILOG)

if __name__ == "__main__":
    raise SystemExit(run(PROGRAM))
