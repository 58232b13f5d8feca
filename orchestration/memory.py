"""Keeping a long run's process small."""

import contextlib
import ctypes


def release_memory() -> None:
    """Hand freed memory back to the system after a step that held a large table (glibc
    keeps freed heap otherwise, and every later step would add to a bloated process). The
    rows are freed by reference counting already; no ``gc.collect`` (0.3 s in a process
    that has loaded dagster, dbt and GX)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
