"""Every core for the Python assets' text work: a process pool per run, lazily.

``parse_articles`` and ``extracted_figures`` hand their articles, a warehouse chunk at a
time, to :func:`chunked_map`; it gives back each chunk's results in the chunk's order, so
the tables are written row for row as the run's own process would write them. The
warehouse stays in the run's process (reads and writes); workers only run the pure text
layer on plain values (strings, numbers, dates, tuples) and return plain rows.

* **Sizing.** ``LEDGER_WORKERS`` (``settings.ledger_workers``, default: the cores the
  process may use) workers; ``1``: no pool, the same functions in process.
* **When.** Only a run of more than :data:`POOL_ABOVE` articles gets a pool: its start
  (the fork server importing the text layer, then the workers: 0.4–0.85 s measured on a
  busy 2-core machine) costs about as much as 100 articles' parse and extract on one core
  (≈ 6 ms of CPU each), which two workers would halve. A one-article run never starts one.
* **Per run.** :func:`run_pool` keeps one pool per run id: ``parse_articles`` starts it,
  ``extracted_figures`` reuses it and closes it at its end (:func:`close_pool`); a pool
  left by a run that failed in between is closed when the next run asks, or at exit.
* **Start method: forkserver.** The run's process has threads by the time an asset runs
  (Dagster's pool watch and event writes, the GX import, the dbt server's pipes); a
  ``fork`` would copy whatever lock another thread held at that instant into the child,
  which can then hang for ever. The fork server is a fresh single-threaded interpreter that
  imports the worker module once (``set_forkserver_preload``); each worker is forked from
  it in milliseconds and shares those pages.
* **No main module in the workers.** ``multiprocessing`` imports the parent's main
  module in each worker (``python -m orchestration.cli.run_all``: cheap; the ``dagster``
  command of a run the daemon launched: all of Dagster, ≈ 1 s of CPU a worker). The worker
  functions live in an importable module, so the pool starts its workers with the main
  module hidden (:func:`_main_module_hidden`).
* **Bounded memory.** At most ``2 × workers`` tasks of :data:`TASK_ARTICLES` articles
  are in flight; the inputs of the next warehouse chunk are read only when the workers
  need them (so the run's process writes chunk *k* while the workers start on *k + 1*).
* **Failures.** ``concurrent.futures.ProcessPoolExecutor``: a worker that dies (killed,
  out of memory) fails the step with ``BrokenProcessPool`` instead of hanging, and an
  exception inside a worker is raised in the step with its traceback.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from orchestration.settings import ledger_workers

POOL_ABOVE = 100  # articles in a run: more get a pool (read at call time: tests lower it)
TASK_ARTICLES = 20  # articles per task sent to a worker (≈ 0.1 s of work)
START_METHOD = "forkserver"

K = TypeVar("K")
T = TypeVar("T")
R = TypeVar("R")


def _ready() -> int:
    """A no-op task: one per worker when the pool starts, so that they all start then."""
    return 0


def _wait_for_the_others(barrier) -> None:
    """A worker's initializer: wait until every worker has started. The executor starts a
    worker per task submitted while none is idle, so the start submits one task per worker
    and none of them may finish (become idle) before the last has started."""
    with contextlib.suppress(threading.BrokenBarrierError):
        barrier.wait(timeout=60)


class TextPool:
    """A process pool started at its first use, ordered results, bounded work in flight."""

    def __init__(self, workers: int, preload: tuple[str, ...] = ()):
        self.workers = workers
        self.preload = preload
        self.start_seconds: float | None = None  # how long starting it took
        self._executor: ProcessPoolExecutor | None = None

    def _start(self, preload: tuple[str, ...]) -> ProcessPoolExecutor:
        started = time.perf_counter()
        context = multiprocessing.get_context(START_METHOD)
        modules = tuple(dict.fromkeys((*self.preload, *preload)))
        if modules:  # takes effect if this process's fork server is not running yet
            context.set_forkserver_preload(list(modules))
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_wait_for_the_others,
            initargs=(context.Barrier(self.workers),),
        )
        with _main_module_hidden():  # every worker starts now, none later
            for future in [executor.submit(_ready) for _ in range(self.workers)]:
                future.result()
        self._executor = executor
        self.start_seconds = time.perf_counter() - started
        return executor

    @property
    def started(self) -> bool:
        return self._executor is not None

    def imap(self, function: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """``function(task)`` for each task, in the tasks' order; at most ``2 × workers``
        tasks submitted ahead of the one whose result is next."""
        executor = self._executor or self._start((function.__module__,))
        ahead: deque[Future] = deque()
        try:
            for task in tasks:
                ahead.append(executor.submit(function, task))
                if len(ahead) >= 2 * self.workers:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:
            for future in ahead:  # the consumer stopped early, or a task failed
                future.cancel()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While workers start: the parent's ``__main__`` neither named nor with a file, so
    ``multiprocessing`` does not import it again in each worker. Nothing the workers run
    is defined in ``__main__``."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {
        name: main.__dict__[name] for name in ("__spec__", "__file__") if name in main.__dict__
    }
    main.__dict__["__spec__"] = None
    main.__dict__.pop("__file__", None)
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


# ---------------------------------------------------------------------------- one per run

_lock = threading.Lock()
_current: tuple[str, TextPool] | None = None


def workers_for(articles: int) -> int:
    """Workers a run of ``articles`` articles gets: 1 (in process) for few articles or
    ``LEDGER_WORKERS=1``; else ``LEDGER_WORKERS``, at most one per task."""
    if articles <= POOL_ABOVE:
        return 1
    tasks = -(-articles // TASK_ARTICLES)
    return max(1, min(ledger_workers(), tasks))


def run_pool(run_id: str, articles: int, preload: tuple[str, ...] = ()) -> TextPool | None:
    """The pool of run ``run_id`` (started at its first task), or None when the run's
    ``articles`` are better worked in process. A pool of another run is closed first."""
    global _current
    workers = workers_for(articles)
    with _lock:
        if _current is not None and _current[0] == run_id:
            return _current[1]
        if workers <= 1:
            return None
        if _current is not None:
            _current[1].close()
        _current = (run_id, TextPool(workers, preload))
        return _current[1]


def close_pool(run_id: str | None = None) -> None:
    """Stop the pool of ``run_id`` (any pool when None); its workers exit."""
    global _current
    with _lock:
        if _current is not None and (run_id is None or _current[0] == run_id):
            _current[1].close()
            _current = None


atexit.register(close_pool)


# ---------------------------------------------------------------------------- the work


def chunked_map(
    function: Callable[[list[T]], list[R]],
    chunks: Iterable[tuple[K, list[T]]],
    pool: TextPool | None,
    task_size: int | None = None,
) -> Iterator[tuple[K, list[R]]]:
    """For each ``(key, items)`` of ``chunks``, in order: ``(key, results)``, where
    ``results`` are ``function``'s results for ``items``, in the items' order.

    ``function`` takes a list of items and returns one result per item (a plain top-level
    function: the workers import it by name). Without a pool it is called once per chunk in
    this process; with one, on tasks of ``task_size`` items (default :data:`TASK_ARTICLES`)
    in the workers. Either way the same results in the same order. ``chunks`` is read
    lazily: the next chunk only when the workers need its items."""
    if pool is None:
        for key, items in chunks:
            yield key, function(items)
        return
    size = task_size or TASK_ARTICLES
    keys: deque[tuple[K, int]] = deque()  # each chunk's key and its number of tasks

    def tasks() -> Iterator[list[T]]:
        for key, items in chunks:
            parts = [items[i : i + size] for i in range(0, len(items), size)]
            keys.append((key, len(parts)))
            yield from parts

    results: list[R] = []
    done = 0
    for part in pool.imap(function, tasks()):
        results.extend(part)
        done += 1
        while keys and done == keys[0][1]:
            key, _ = keys.popleft()
            yield key, results
            results, done = [], 0
    while keys:  # chunks with no items
        key, count = keys.popleft()
        if count:  # pragma: no cover - every task's result was counted above
            raise RuntimeError("a task's result is missing")
        yield key, []


def describe(pool: TextPool | None) -> str:
    """One line for the step's log: how the text work runs."""
    if pool is None:
        return "in process (LEDGER_WORKERS=1, or too few articles for a pool)"
    started = f", started in {pool.start_seconds:.2f} s" if pool.start_seconds else ""
    return f"{pool.workers} worker processes ({START_METHOD}{started})"
