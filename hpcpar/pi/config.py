"""Input deck of ``python -m hpcpar.pi``."""

from __future__ import annotations

from dataclasses import dataclass

from hpcpar.config import ConfigError, param
from hpcpar.pi.kernels import KERNELS, METHODS
from hpcpar.pi.patterns import PATTERNS

MAX_SAMPLES = 10**12
"""Largest N: the per-chunk partials (8 bytes per 2**20 samples) then take 7.6 MB."""


@dataclass(frozen=True)
class PiConfig:
    samples: int = param(100_000_000, "N: Monte Carlo points, or midpoint intervals",
                         minimum=1, maximum=MAX_SAMPLES)
    method: str = param("montecarlo", "estimator", choices=METHODS)
    comm: str = param("reduce", "MPI communication pattern", choices=tuple(PATTERNS))
    kernel: str = param("numba", "compute kernel", choices=KERNELS)
    seed: int = param(20260101, "Monte Carlo stream seed", minimum=0, maximum=2**63 - 1)
    output: str = param("outputs/pi.h5", "result file (HDF5)")

    def validate(self, nranks: int) -> None:
        if self.samples < nranks:
            raise ConfigError(f"field 'samples' = {self.samples}: expected at least one sample "
                              f"per rank ({nranks} ranks)")
