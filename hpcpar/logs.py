"""Rank-aware logging: rank 0 reports progress, ``--verbose`` shows every rank."""

from __future__ import annotations

import logging
import sys


def rank_logger(name: str, rank: int, size: int, verbose: bool = False) -> logging.Logger:
    """A logger writing to stderr: INFO from rank 0, and from every rank when ``verbose``.

    Other ranks still show warnings and errors. Messages carry ``[rank/size]`` when more than
    one rank may speak.
    """
    logger = logging.getLogger(f"hpcpar.{name}")
    logger.handlers.clear()
    logger.propagate = False
    handler = logging.StreamHandler(sys.stderr)
    prefix = f"[{rank}/{size}] " if verbose and size > 1 else ""
    handler.setFormatter(logging.Formatter(f"{prefix}%(message)s"))
    logger.addHandler(handler)
    if verbose:
        logger.setLevel(logging.DEBUG)
    else:
        logger.setLevel(logging.INFO if rank == 0 else logging.WARNING)
    return logger
