"""A small program on the common runner, used to test the runner's failure paths.

``mode = "ok"`` writes a distributed array to ``output``; ``"crash"`` raises on the last rank
while the others wait in a barrier; ``"crash-after-open"`` raises on the last rank while a
result file is open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hpcpar.config import ConfigError, param
from hpcpar.decomposition import block_range
from hpcpar.runner import Context, Program, run


@dataclass(frozen=True)
class DemoConfig:
    n: int = param(10, "number of points", minimum=1)
    scale: float = param(1.0, "value multiplier", units="K", above=0.0)
    mode: str = param("ok", "behaviour", choices=("ok", "crash", "crash-after-open"))
    output: str = param("demo.h5", "result file")

    def validate(self, nranks: int) -> None:
        if self.n < nranks:
            raise ConfigError(f"field 'n' = {self.n}: expected at least one point per rank "
                              f"({nranks} ranks)")


def main(cfg: DemoConfig, ctx: Context) -> dict:
    start, stop = block_range(cfg.n, ctx.size, ctx.rank)
    if cfg.mode == "crash" and ctx.rank == ctx.size - 1:
        raise RuntimeError("deliberate crash")
    with ctx.result_file(cfg.output) as out:
        out.write_scale("x", np.arange(cfg.n, dtype=float), units="m")
        out.create("u", (cfg.n,), "f8", units="K", dims=("x",))
        if cfg.mode == "crash-after-open" and ctx.rank == ctx.size - 1:
            raise RuntimeError("deliberate crash with the file open")
        with ctx.timers.region("write"):
            out.write_block("u", cfg.scale * np.arange(start, stop, dtype=float),
                            (slice(start, stop),))
    if ctx.rank == 0:
        print(f"demo: wrote {cfg.n} points to {cfg.output}", flush=True)
    return {"n": cfg.n}


if __name__ == "__main__":
    raise SystemExit(run(Program("demo", DemoConfig, main, "runner test program")))
