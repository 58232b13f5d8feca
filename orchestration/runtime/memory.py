"""Keeping a long run's process small, and its start quick."""

import contextlib
import ctypes
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def loading_code() -> Iterator[None]:
    """For the start of a run: importing dagster, dbt and the definitions creates millions
    of objects that live as long as the process. The cyclic garbage collector would
    traverse them again and again while they load (≈ 0.6 s of a 3.5 s start) and in every
    full collection of the run after it. So it is off while the block loads them, and
    afterwards they are moved out of its sight (``gc.freeze``); it is on again for the
    run's own objects."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


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
