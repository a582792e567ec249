"""pytest plugin for MPI test runs: a failure on one rank aborts the whole job.

Without it, a test failing on one rank leaves the other ranks waiting in a collective until
the CI time limit. Ranks other than 0 keep quiet on stdout (``HPCPAR_TEST_ALL_RANKS=1``
shows every rank's report); failures still reach stderr. Enabled for this project's tests
by ``tests/conftest.py``; load it elsewhere with ``pytest -p hpcpar.testing``.
"""

from __future__ import annotations

import os
import sys

import pytest


def _world_size() -> int:
    mpi = sys.modules.get("mpi4py.MPI")
    if mpi is None or not mpi.Is_initialized() or mpi.Is_finalized():
        return 1
    return mpi.COMM_WORLD.size


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("with_mpi", default=False) or os.environ.get("HPCPAR_TEST_ALL_RANKS"):
        return
    from mpi4py import MPI

    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if MPI.COMM_WORLD.rank > 0 and reporter is not None:
        config.pluginmanager.unregister(reporter)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _world_size() > 1:
        from mpi4py import MPI

        rank = MPI.COMM_WORLD.rank
        sys.stderr.write(f"\n[rank {rank}] {item.nodeid} failed in {report.when}; "
                         f"aborting MPI_COMM_WORLD\n{report.longreprtext}\n")
        sys.stderr.flush()
        MPI.COMM_WORLD.Abort(1)
