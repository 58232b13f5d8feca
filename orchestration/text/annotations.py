"""Reads the hand-made annotation CSVs and locates each annotated figure in the article.

An annotation row is never dropped: every row comes back as an :class:`Annotation` with a
``status``. Rows that cannot be used (bad columns, bad numbers, unknown city, a quote
that is not in the text, a duplicate) carry the reason, so the pipeline can quarantine
them and the checks can report them, naming the file and the CSV line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date

from orchestration.text.cities import CITY_CODES
from orchestration.text.codes import BOUNDS, CATEGORIES, MEASURES, UNITS
from orchestration.text.metrics import VOCABULARY, closest_names
from orchestration.text.places import REGION_CODE, gazetteer, place_code_for
from orchestration.text.sentences import sentence_around, sentence_spans

REQUIRED_COLUMNS = ("quote", "city", "category", "metric")
OPTIONAL_COLUMNS = (
    "occurrence",
    "value",
    "unit",
    "bound",
    "note",
    "place",  # the most specific place: a gazetteer code or name (二连浩特市, 内蒙古)
    "period_start",  # YYYY-MM-DD: the period the figure covers, overriding the extractor's
    "period_end",
    "measure",
    # written by the Label Studio import (orchestration/cli/label_studio.py): where the row
    # comes from (named in every problem of the row), and why the import could not trust
    # the span (offsets outside the text, a quote not at its offsets): the row is invalid
    "origin",
    "import_problem",
)
_METRIC_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_METRIC_BY_CODE = {m.code: name for name, m in VOCABULARY.items()}


class AnnotationFileError(ValueError):
    """The whole file cannot be read (encoding, missing required columns)."""


@dataclass(frozen=True)
class Annotation:
    article_id: str
    source_file: str
    line: int  # line of the CSV file (header is line 1)
    quote: str
    occurrence: int
    city_code: str | None  # None: region-wide, or about no Inner Mongolia place
    category: str
    metric: str
    value: float | None  # the person's reading, in the unit's base
    unit: str | None
    bound: str | None
    note: str
    char_start: int | None = None  # located span of quote in the repaired text
    char_end: int | None = None
    sentence: str | None = None
    status: str = "ok"  # ok | quote_not_found | unknown_city | invalid | duplicate
    problem: str | None = None
    place_code: str | None = None  # only when the row names a place (the `place` column)
    period_start: date | None = None
    period_end: date | None = None
    measure: str | None = None
    warning: str | None = None  # usable, with a caveat (a metric outside the vocabulary)
    origin: str = ""  # e.g. "label-studio task 12 annotation 34"

    @property
    def where(self) -> str:
        """``file:line``, with the row's origin when it has one."""
        return _where(self.source_file, self.line, self.origin)

    @property
    def usable(self) -> bool:
        return self.status == "ok"


def read_annotation_file(data: bytes, article_id: str, source_file: str) -> list[Annotation]:
    """Parse one CSV; raises AnnotationFileError when no row can be read at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnnotationFileError(f"{source_file}: not valid UTF-8 (byte {error.start})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise AnnotationFileError(
            f"{source_file}:1: missing required column(s) {', '.join(missing)}; "
            f"header is {','.join(header) or '(empty)'}"
        )
    reader.fieldnames = header
    rows: list[Annotation] = []
    for record in reader:
        # reader.line_num is the line the record ends on; records here are one line each
        rows.append(_row_to_annotation(record, article_id, source_file, reader.line_num))
    return rows


def _row_to_annotation(record: dict, article_id: str, source_file: str, line: int) -> Annotation:
    def field(name: str) -> str:
        value = record.get(name)
        return value.strip() if isinstance(value, str) else ""

    problems: list[str] = []
    if field("import_problem"):
        problems.append(field("import_problem"))
    where = _where(source_file, line, field("origin"))
    if None in record:
        problems.append(f"{len(record[None])} value(s) more than the header has columns")
    quote = field("quote")
    if not quote:
        problems.append("empty quote")
    import math

    max_occurrence = 10_000  # an article never repeats a figure more often
    occurrence = 1
    if field("occurrence"):
        try:
            occurrence = int(field("occurrence"))
            if not 1 <= occurrence <= max_occurrence:
                raise ValueError
        except ValueError:  # also a number too long to read (Python's digit limit)
            problems.append(
                f"occurrence '{field('occurrence')[:40]}' is not a whole number "
                f"from 1 to {max_occurrence:,}"
            )
            occurrence = 1  # the column is a 32-bit integer: nothing larger reaches it
    category = field("category")
    if category not in CATEGORIES:
        problems.append(f"category '{category}' is not one of {', '.join(CATEGORIES)}")
    metric = _METRIC_BY_CODE.get(field("metric"), field("metric"))  # trade.export_value too
    warning = None
    if not _METRIC_RE.match(metric):
        problems.append(f"metric '{metric}' is not snake_case nor a vocabulary code")
    elif metric not in VOCABULARY:
        suggestions = ", ".join(closest_names(metric)) or "none close"
        warning = (
            f"{where}: metric '{metric}' is not in the vocabulary "
            f"(rules/metrics.csv); closest: {suggestions}. The row is used as written."
        )
    measure = field("measure") or None
    if measure is not None and measure not in MEASURES:
        problems.append(f"measure '{measure}' is not one of {', '.join(MEASURES)}")
    value: float | None = None
    if field("value"):
        try:
            value = float(field("value").replace(",", ""))
        except ValueError:
            problems.append(f"value '{field('value')[:40]}' is not a number")
        else:
            if not math.isfinite(value) or value <= 0:  # nan, inf, 1e309 (read as inf), 0, -5
                problems.append(f"value '{field('value')[:40]}' is not a finite positive number")
                value = None
    unit = field("unit") or None
    if unit is not None and unit not in UNITS:
        problems.append(f"unit '{unit}' is not a contract unit code")
    bound = field("bound") or None
    if bound is not None and bound not in BOUNDS:
        problems.append(f"bound '{bound}' is not one of {', '.join(BOUNDS)}")
    periods: dict[str, date | None] = {}
    for name in ("period_start", "period_end"):
        periods[name] = None
        if field(name):
            try:
                periods[name] = date.fromisoformat(field(name))
            except ValueError:
                problems.append(f"{name} '{field(name)}' is not a YYYY-MM-DD date")
    if (periods["period_start"] is None) != (periods["period_end"] is None):
        problems.append("period_start and period_end go together")
    elif periods["period_start"] and periods["period_start"] > periods["period_end"]:
        problems.append("period_start is after period_end")
    city = field("city") or None
    place = None
    if field("place"):
        place = place_code_for(field("place"))
        if place is None:
            problems.append(f"place '{field('place')}' is not in the gazetteer (places.csv)")
    status = "ok"
    if problems:
        status = "invalid"
    elif city is not None and city not in CITY_CODES:
        status = "unknown_city"
        problems.append(f"city '{city}' is not one of the contract's twelve city codes")
    elif place is not None and gazetteer()[place].city_code != city:
        if city is None and place != REGION_CODE:
            city = gazetteer()[place].city_code  # the place says which city
        else:
            status = "invalid"
            problems.append(
                f"place '{field('place')}' lies in {gazetteer()[place].city_code or 'no city'}, "
                f"not in city '{city or ''}'"
            )

    return Annotation(
        article_id=article_id,
        source_file=source_file,
        line=line,
        quote=quote,
        occurrence=occurrence,
        city_code=city,
        category=category,
        metric=metric,
        value=value,
        unit=unit,
        bound=bound,
        note=field("note"),
        status=status,
        problem=f"{where}: " + "; ".join(problems) if problems else None,
        place_code=place,
        period_start=periods["period_start"],
        period_end=periods["period_end"],
        measure=measure,
        origin=field("origin"),
        warning=warning,
    )


def _where(source_file: str, line: int, origin: str) -> str:
    return f"{source_file}:{line} ({origin})" if origin else f"{source_file}:{line}"


def find_occurrence(text: str, quote: str, occurrence: int) -> int | None:
    """Offset of the ``occurrence``-th appearance of ``quote`` (overlaps allowed), or None."""
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            return None
    return start


def locate_annotations(annotations: list[Annotation], text: str) -> list[Annotation]:
    """Give each usable annotation its span in ``text``; mark missing quotes and duplicates."""
    located: list[Annotation] = []
    seen: dict[tuple[str, int], int] = {}
    spans = sentence_spans(text)
    for ann in annotations:
        if not ann.usable:
            located.append(ann)
            continue
        key = (ann.quote, ann.occurrence)
        if key in seen:
            located.append(
                replace(
                    ann,
                    status="duplicate",
                    problem=f"{ann.where}: duplicate of line {seen[key]} "
                    f"(quote '{ann.quote}', occurrence {ann.occurrence})",
                )
            )
            continue
        seen[key] = ann.line
        start = find_occurrence(text, ann.quote, ann.occurrence)
        if start is None:
            count = text.count(ann.quote)
            where = (
                "is not in the article text"
                if count == 0
                else f"occurs only {count} time(s), occurrence {ann.occurrence} was asked"
            )
            located.append(
                replace(
                    ann,
                    status="quote_not_found",
                    problem=f"{ann.where}: quote '{ann.quote}' {where}",
                )
            )
            continue
        end = start + len(ann.quote)
        located.append(
            replace(
                ann,
                char_start=start,
                char_end=end,
                sentence=sentence_around(text, start, end, spans),
            )
        )
    return located
