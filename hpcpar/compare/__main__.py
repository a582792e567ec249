"""``python -m hpcpar.compare --workload randomwalk``: every single-node backend, compared."""

from hpcpar.compare.config import CompareConfig
from hpcpar.compare.study import main
from hpcpar.runner import Program, run

PROGRAM = Program(
    "compare", CompareConfig, main,
    description="Run one workload on every single-node backend (serial Python, numpy, numba, "
                "threads, numba prange, multiprocessing.Pool map / imap_unordered / "
                "apply_async, concurrent.futures processes) and worker count; print time, "
                "speedup and efficiency; write an HDF5 table and a PNG bar chart.",
    epilog="Runs on one process (no mpiexec needed) and starts its own threads and processes. "
           "Do not set NUMBA_NUM_THREADS=1 here: numba-prange needs the threads.")

if __name__ == "__main__":
    raise SystemExit(run(PROGRAM))
