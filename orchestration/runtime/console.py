"""What ``make run`` prints: a quiet console that still says what matters.

- dbt's per-node lines (``12 of 126 PASS not_null_…``, ``START``, ``OK``) and its banners are
  dropped; its ``Done. PASS=… WARN=… ERROR=…`` line is kept as the counts, and every
  failing, erroring or warning node is printed in full, with dbt's explanation after it;
- ANSI colour codes are removed;
- Dagster's log lines lose their timestamp and run id (``step: message``, long info lines
  cut), and dagster-dbt's bookkeeping (``Copying … partial_parse``, ``Finished dbt
  command``) is dropped;
- warnings that repeat per article (``…txt: no city sections recognised``) are printed the
  first :data:`SHOWN_PER_KIND` times, then counted: ``188 articles without city sections:
  see the report`` at the end of the run.

``LEDGER_VERBOSE=1`` prints everything as it comes. :class:`Progress` gives long loops over
articles a line with counts and rate every ``PROGRESS_EVERY`` seconds.
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
import warnings
from collections import Counter

VERBOSE_ENV = "LEDGER_VERBOSE"
SHOWN_PER_KIND = 2  # repeated warnings of one kind printed before they are only counted
PROGRESS_EVERY = 10.0  # seconds between progress lines

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DBT_NODE = re.compile(r"^\d+ of \d+ (START|OK|PASS|SKIP|NO-OP)\b")
DBT_BANNER = re.compile(
    r"^(Running with dbt=|Registered adapter:|Found \d+ \w+|Concurrency: |Finished running |"
    r"Completed successfully|\d\d:\d\d:\d\d\s*$|"
    # a node's row count and column types, for Dagster (dbt_project/macros/relation_facts.sql)
    r"ledger-relation-facts )"
)
DBT_DONE = re.compile(r"^Done\. (PASS=.*)$")
DAGSTER_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} - dagster - (?P<level>[A-Z]+) - \S+ - "
    r"[0-9a-f-]{36} - (?:(?P<step>[\w.\[\]-]+) - )?(?P<message>.*)$"
)
DAGSTER_CHATTER = (
    "A dbt subsetted execution is not being performed",
    "Copying `",
    "Finished dbt command: ",
)
LONG_INFO = 160  # an info line longer than this is cut (a dbt command with its selection)
CHECK_FAILED = "DagsterAssetCheckFailedError"  # a blocking check failed: the summary says it
NOT_EXECUTED = ("Dependencies for step ",)
# how the count of a repeated warning reads (its kind -> the phrase after the number)
PHRASES = {
    "no city sections recognised": "articles without city sections",
}


def verbose() -> bool:
    return (os.environ.get(VERBOSE_ENV) or "").strip() not in ("", "0", "false", "no")


def silence_known_warnings() -> None:
    """Warnings understood and accepted, not to be printed by every process.

    ``backfill_policy`` is a beta parameter of ``@dg.asset`` in Dagster 1.13; the ledger uses
    ``BackfillPolicy.single_run()`` on purpose (a backfill of many articles is one run, see
    README "Running unattended") and pins Dagster's version, so a change in the beta is seen
    when the lock is bumped, not in every run's output."""
    try:
        from dagster import BetaWarning
    except ImportError:  # noqa: S110 - another Dagster: nothing to silence
        return
    warnings.filterwarnings(
        "ignore",
        message=r"Parameter `backfill_policy` of function `asset` is currently in beta",
        category=BetaWarning,
    )


def _kind(message: str) -> str:
    """A repeated warning's kind: the message without its counter and file prefix."""
    message = re.sub(r"^\[\d+/\d+\]\s*", "", message)
    message = re.sub(r"^[^\s:]+\.(txt|csv|json)(:\d+)?:\s*", "", message)
    return message.split(";")[0].strip()


class QuietConsole:
    """Filters what this process writes to stdout and stderr while it is active (a context
    manager); ``summary()`` gives the counted warnings."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.shown: Counter[str] = Counter()
        self.dbt_failures = 0
        self._lock = threading.RLock()
        self._saved: tuple | None = None
        self._after_failure = False  # dbt's explanation lines after a failing node
        self._held: list[str] = []  # an error's lines, until it is known what failed

    def __enter__(self) -> QuietConsole:
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _LineFilter(sys.stdout, self)
        sys.stderr = _LineFilter(sys.stderr, self)
        return self

    def __exit__(self, *exc) -> None:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, _LineFilter):
                stream.flush_pending()
        sys.stdout, sys.stderr = self._saved
        for line in self.close():
            print(line, file=sys.stderr, flush=True)
        for line in self.summary():
            print(line, file=sys.stderr, flush=True)

    def summary(self) -> list[str]:
        lines = []
        for kind, count in self.counts.items():
            if count > self.shown[kind]:
                phrase = PHRASES.get(kind)
                what = f"{count} {phrase}" if phrase else f"{count} × {kind}"
                above = f" (first {self.shown[kind]} above)" if self.shown[kind] else ""
                lines.append(f"{what}{above}: see the report")
        return lines

    def line(self, raw: str) -> str | None:
        """What to print for one line written (without its newline); None to drop it (or
        to hold it: an error's lines are printed when the next log line comes)."""
        shown = self.feed(raw)
        return "\n".join(shown) if shown else None

    def feed(self, raw: str) -> list[str]:
        """The lines to print now for one line written."""
        text = ANSI.sub("", raw)
        with self._lock:
            stripped = text.strip()
            if self._held and self._continues(text, stripped):
                self._held.append(text)  # the error's message and stack trace
                return []
            shown = self.close()
            one = self._one(text)
            return shown + ([] if one is None else [one])

    def _continues(self, text: str, stripped: str) -> bool:
        """Whether a line continues the held error: its message's first lines, then its
        stack trace (indented lines, ``Stack Trace:``, ``…Error: …``, blank lines)."""
        if any(p.match(stripped) for p in (DAGSTER_LINE, DBT_NODE, DBT_DONE, DBT_BANNER)):
            return False
        return (
            len(self._held) < 4
            or not stripped
            or text[:1].isspace()
            or stripped.startswith(("Stack Trace:", "The above exception", "Traceback"))
            or re.match(r"^[\w.]+(Error|Exception)\b", stripped) is not None
        )

    def close(self) -> list[str]:
        """The held error's lines: none when it is a blocking check's failure (the run
        summary lists the check with its failing rows), else all of them."""
        held, self._held = self._held, []
        if any(CHECK_FAILED in line for line in held):
            return []
        return held

    def _one(self, text: str) -> str | None:
        stripped = text.strip()
        if DBT_NODE.match(stripped) or DBT_BANNER.match(stripped):
            self._after_failure = False
            return None
        if not stripped:
            return None if not self._after_failure else text
        done = DBT_DONE.match(stripped)
        if done:
            self._after_failure = False
            return f"dbt: {done.group(1)}"
        if re.match(r"^\d+ of \d+ (FAIL|ERROR|WARN)\b", stripped):
            self.dbt_failures += 1
            self._after_failure = True
            return text
        match = DAGSTER_LINE.match(stripped)
        if not match:
            return text
        self._after_failure = False
        level, step, message = match["level"], match["step"], match["message"]
        if level in ("DEBUG", "INFO") and message.startswith(DAGSTER_CHATTER):
            return None
        prefix = f"{step}: " if step else ""
        if level == "WARNING":
            kind = _kind(message)
            self.counts[kind] += 1
            if self.shown[kind] >= SHOWN_PER_KIND:
                return None
            self.shown[kind] += 1
            return f"warning: {prefix}{message}"
        if level in ("ERROR", "CRITICAL"):
            if message.startswith(NOT_EXECUTED):
                kind = "steps not executed (downstream of a failed step or check)"
                self.counts[kind] += 1
                return None
            self._held = [f"{level.lower()}: {prefix}{message}"]
            return None
        if len(message) > LONG_INFO:
            message = message[:LONG_INFO] + " …"
        return f"{prefix}{message}"


class _LineFilter(io.TextIOBase):
    """A text stream that hands complete lines to a :class:`QuietConsole`."""

    def __init__(self, target, console: QuietConsole):
        self.target, self.console = target, console
        self._pending = ""

    def write(self, text: str) -> int:
        with self.console._lock:
            self._pending += text
            *lines, self._pending = self._pending.split("\n")
            for line in lines:
                for shown in self.console.feed(line):
                    self.target.write(shown + "\n")
        return len(text)

    def flush_pending(self) -> None:
        with self.console._lock:
            if self._pending:
                for shown in self.console.feed(self._pending):
                    self.target.write(shown + "\n")
                self._pending = ""
            self.target.flush()

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", "utf-8")

    def writable(self) -> bool:
        return True


class Progress:
    """``tick()`` once per item; every ``PROGRESS_EVERY`` seconds ``say`` gets a line with
    the count, the total and the rate (``parse: 420/1000 articles, 41/s``)."""

    def __init__(self, say, label: str, total: int, every: float = PROGRESS_EVERY):
        self.say, self.label, self.total, self.every = say, label, total, every
        self.done = 0
        self.started = self._last = time.monotonic()

    def tick(self, count: int = 1) -> None:
        self.done += count
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            rate = self.done / max(now - self.started, 1e-9)
            self.say(f"{self.label}: {self.done}/{self.total} articles, {rate:.0f}/s")
