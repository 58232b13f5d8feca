"""Evaluate the figure extractor against hand annotations: ``python -m orchestration.evaluation``.

For every annotated article (``raw/articles`` + ``raw/annotations`` and
``tests/data/articles`` + ``tests/data/annotations``, or the article paths given on the
command line, whose annotations are ``../annotations/<stem>.csv``), the extractor runs
*without* the annotations; each annotation quote is located in the repaired text
(``parse_article(...).text``, its ``occurrence``-th occurrence) and matched one-to-one to
an extracted figure whose span overlaps it.

Reported per article and overall: recall (annotations matched), precision (extracted
figures matched), and over the matched pairs: category accuracy, bound accuracy,
value/unit accuracy, city accuracy and exact-surface rate; then the misses and the false
positives. It reports and always exits 0.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.text.extraction import Figure, extract_figures
from orchestration.text.parsing import decode_article, parse_article

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (ROOT / "raw" / "articles", ROOT / "tests" / "data" / "articles")


@dataclass
class Annotation:
    quote: str
    occurrence: int
    city: str
    category: str
    metric: str
    value: float | None
    unit: str
    bound: str
    start: int = -1
    end: int = -1


@dataclass
class Result:
    article_id: str
    annotations: int = 0
    figures: int = 0
    matched: int = 0
    category_ok: int = 0
    bound_ok: int = 0
    bound_n: int = 0
    value_ok: int = 0
    value_n: int = 0
    city_ok: int = 0
    surface_ok: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)

    def add(self, other: Result) -> None:
        for name in (
            "annotations",
            "figures",
            "matched",
            "category_ok",
            "bound_ok",
            "bound_n",
            "value_ok",
            "value_n",
            "city_ok",
            "surface_ok",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


def read_annotations(path: Path) -> list[Annotation]:
    rows: list[Annotation] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            quote = (row.get("quote") or "").strip()
            if not quote:
                continue
            try:
                occurrence = int(row.get("occurrence") or 1)
            except ValueError:
                occurrence = 1
            try:
                value = float(row["value"]) if row.get("value") else None
            except ValueError:
                value = None
            rows.append(
                Annotation(
                    quote,
                    occurrence,
                    (row.get("city") or "").strip(),
                    (row.get("category") or "").strip(),
                    (row.get("metric") or "").strip(),
                    value,
                    (row.get("unit") or "").strip(),
                    (row.get("bound") or "").strip(),
                )
            )
    return rows


def locate(text: str, quote: str, occurrence: int) -> tuple[int, int] | None:
    """Offsets of the occurrence-th occurrence of quote in text (occurrences may overlap)."""
    pos = -1
    for _ in range(max(occurrence, 1)):
        pos = text.find(quote, pos + 1)
        if pos < 0:
            return None
    return pos, pos + len(quote)


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (
        text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]
    ).replace("\n", "⏎")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def evaluate_article(article: Path, annotation_path: Path) -> Result:
    text, _ = decode_article(article.read_bytes(), str(article))
    parsed = parse_article(article.stem, text)
    figures = extract_figures(parsed)
    annotations = read_annotations(annotation_path)
    result = Result(article.stem, annotations=len(annotations), figures=len(figures))
    used: set[int] = set()
    for ann in annotations:
        span = locate(parsed.text, ann.quote, ann.occurrence)
        if span is None:
            result.misses.append(f"{ann.quote!r} (occurrence {ann.occurrence}) not found in text")
            continue
        ann.start, ann.end = span
        best: tuple[int, int] | None = None
        for i, fig in enumerate(figures):
            if i in used:
                continue
            overlap = min(fig.char_end, ann.end) - max(fig.char_start, ann.start)
            if overlap > 0 and (best is None or overlap > best[1]):
                best = (i, overlap)
        if best is None:
            result.misses.append(f"{ann.quote!r} {ann.category} {_context(parsed.text, *span)}")
            continue
        used.add(best[0])
        fig = figures[best[0]]
        result.matched += 1
        _compare(result, ann, fig, parsed.text)
    for i, fig in enumerate(figures):
        if i not in used:
            result.false_positives.append(
                f"{fig.surface!r} {fig.unit} {fig.category} {_context(parsed.text, fig.char_start, fig.char_end)}"
            )
    return result


def _compare(result: Result, ann: Annotation, fig: Figure, text: str) -> None:
    where = _context(text, fig.char_start, fig.char_end)
    problems = []
    if fig.category == ann.category:
        result.category_ok += 1
    else:
        problems.append(f"category {fig.category} != {ann.category}")
    if ann.bound:
        result.bound_n += 1
        if fig.bound == ann.bound:
            result.bound_ok += 1
        else:
            problems.append(f"bound {fig.bound} != {ann.bound}")
    if ann.value is not None and ann.unit:
        result.value_n += 1
        if fig.unit == ann.unit and _close(fig.value, ann.value):
            result.value_ok += 1
        else:
            problems.append(f"value {fig.value:g} {fig.unit} != {ann.value:g} {ann.unit}")
    if fig.city_code == ann.city:
        result.city_ok += 1
    else:
        problems.append(f"city {fig.city_code} != {ann.city}")
    if fig.surface == ann.quote:
        result.surface_ok += 1
    else:
        problems.append(f"surface {fig.surface!r} != {ann.quote!r}")
    if problems:
        result.disagreements.append(f"{where}: " + "; ".join(problems))


def _report(result: Result, details: bool = True) -> None:
    print(f"== {result.article_id}: {result.annotations} annotations, {result.figures} extracted")
    print(f"   recall             {_ratio(result.matched, result.annotations)}")
    print(f"   precision          {_ratio(result.matched, result.figures)}")
    print(f"   category accuracy  {_ratio(result.category_ok, result.matched)}")
    print(f"   bound accuracy     {_ratio(result.bound_ok, result.bound_n)}")
    print(f"   value/unit accuracy{_ratio(result.value_ok, result.value_n):>1}")
    print(f"   city accuracy      {_ratio(result.city_ok, result.matched)}")
    print(f"   exact surface      {_ratio(result.surface_ok, result.matched)}")
    if not details:
        return
    for title, items in (
        ("misses", result.misses),
        ("false positives", result.false_positives),
        ("disagreements", result.disagreements),
    ):
        if items:
            print(f"   {title}:")
            for item in items:
                print(f"     - {item}")


def find_articles(args: list[str]) -> list[tuple[Path, Path]]:
    pairs: list[tuple[Path, Path]] = []
    paths: list[Path] = []
    if args:
        for arg in args:
            p = Path(arg)
            paths.extend(sorted(p.glob("*.txt")) if p.is_dir() else [p])
    else:
        for directory in DEFAULT_DIRS:
            paths.extend(sorted(directory.glob("*.txt")))
    for article in paths:
        annotation = article.parent.parent / "annotations" / f"{article.stem}.csv"
        if annotation.exists():
            pairs.append((article, annotation))
        else:
            print(f"(skipped {article}: no annotations at {annotation})")
    return pairs


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    overall = Result("overall")
    for article, annotation in find_articles(args):
        try:
            result = evaluate_article(article, annotation)
        except Exception as exc:  # report and go on: evaluation never fails the build
            print(f"== {article.stem}: could not be evaluated: {exc}")
            continue
        _report(result)
        overall.add(result)
    _report(overall, details=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
