"""Scaling studies: sweeps over rank counts, their records, analysis and plots.

``records`` reads the JSON-lines records that ``--record FILE`` appends; ``analysis`` turns
them into time, speedup, efficiency and serial fractions with Amdahl and Gustafson fits;
``plot`` draws them; ``sweep`` runs a program over rank counts. ``python -m hpcpar.scaling``
is the command line (``analyze`` and ``run``); ``jobs/scaling.slurm`` runs it under Slurm.
"""
