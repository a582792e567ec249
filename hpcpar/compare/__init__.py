"""Backend comparison: one workload on every single-node backend and worker count."""
