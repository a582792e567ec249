"""``mpiexec -n P python -m hpcpar.randomwalk [deck.toml]``: first-crossing times of 1D walks."""

from hpcpar.randomwalk.config import RandomWalkConfig
from hpcpar.randomwalk.study import main
from hpcpar.runner import Program, run

PROGRAM = Program(
    "randomwalk", RandomWalkConfig, main,
    description="Mean number of steps a 1D random walk (steps uniform in [-1, 1]) takes to "
                "first reach |y| >= Y, for each Y, farmed over MPI ranks as independent tasks "
                "(static split, dynamic master/worker farm, or mpi4py.futures); fit T = a Y^b.",
    epilog="Results are identical for every scheduler, kernel and rank count: each walk has "
           "its own random stream fixed by (seed, distance index, walk index).")

if __name__ == "__main__":
    raise SystemExit(run(PROGRAM))
