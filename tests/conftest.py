"""Test configuration: a failure on one MPI rank aborts the whole job."""

pytest_plugins = ["hpcpar.testing"]
