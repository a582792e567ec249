# hpcpar — `make run` sets up .venv and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MPIEXEC := $(VENV)/bin/mpiexec
NP ?= 2
TEST_RANKS ?= 2 3 4
# One thread per rank; ranks oversubscribe the cores in tests, which is fine for correctness.
MPI_ENV := OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 PYTHONUNBUFFERED=1

.PHONY: setup run test test-serial test-mpi lint bench clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,plot]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(MPI_ENV) timeout -k 10 1800 $(MPIEXEC) -n $(NP) $(PY) -m hpcpar.heat1d inputs/heat1d.toml

test: lint test-serial test-mpi

lint: setup
	$(VENV)/bin/ruff check .

# Serial tests, including those that start their own mpiexec jobs as subprocesses.
test-serial: setup
	timeout -k 10 2400 $(PY) -m pytest -m "not mpi"

# MPI tests: every rank runs pytest; a failure on one rank aborts all (hpcpar.testing).
test-mpi: setup
	@for n in $(TEST_RANKS); do \
	  echo "== MPI tests on $$n ranks"; \
	  $(MPI_ENV) timeout -k 10 1200 $(MPIEXEC) -n $$n \
	    $(PY) -m pytest --with-mpi -m mpi -q -p no:cacheprovider || exit $$?; \
	done

# Benchmarks: each bench/bench_*.py builds its C reference, times both, writes bench/results/.
bench: setup
	@for f in bench/bench_*.py; do echo "== $$f"; flock /tmp/hpcpar-bench.lock $(PY) $$f || exit $$?; done

clean:
	rm -rf $(VENV) build *.egg-info bench/build .pytest_cache .ruff_cache
