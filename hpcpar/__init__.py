"""hpcpar: MPI-first parallel computing toolkit and reference SPMD applications.

Importing the package does nothing but define its version; each program is a module run as
``python -m hpcpar.<program>`` (``heat1d``, ``heat2d``, ``pi``, ``randomwalk``, ...).
"""

__version__ = "0.1.0"
