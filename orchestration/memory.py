"""Keeping a long run's process small."""

import contextlib
import ctypes
import gc


def release_memory(collect: bool = False) -> None:
    """Hand freed memory back to the system after a step that held a large table (glibc
    keeps freed heap otherwise, and every later step would add to a bloated process).

    Plain rows are freed by reference counting. Objects caught in reference cycles (GX's
    validation machinery holds the validated DataFrame in some) wait for the cyclic
    collector, which may not run for a long time: ``collect`` runs it first. It costs
    ≈ 0.3 s in a process that has loaded dagster, dbt and GX, so only after large tables."""
    if collect:
        gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
