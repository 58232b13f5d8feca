"""Evaluate the figure extractor against hand annotations: ``python -m orchestration.cli.evaluation``.

Without arguments, two sets are evaluated and reported separately:

* **development**: the articles the rules may be tuned against, with every per-article
  miss, false positive and disagreement: ``raw/`` and ``tests/data/`` (the tuning set the
  rules were first written against) and ``tests/data/holdout/`` (the former held-out set,
  promoted to development after its review); each part is summed up, then all together;
* **real-reporting layouts**: ``tests/data/real/`` (wire stories, city news, customs
  releases, port news, a government report, a signing report, several leagues in one
  paragraph, a photo caption), annotated with place and period, part of development; and
  the blind rounds (``BLIND_ROUNDS`` below: ``tests/data/real_blind``, ``real_blind3`` …),
  each written by a colleague who never read the extractor and measured once before any
  rule was tuned on it, development since. What each round holds and its first, untuned
  reading are in the README's table of blind rounds (one place, not repeated here);
* **held-out**: ``tests/data/holdout2/`` (seed layout) and ``tests/data/real_holdout/``
  (real-reporting layouts), reported separately (articles nobody tuned against).
  Only its overall summary is printed, never per-article lines, misses or disagreements,
  so that a routine ``make eval`` does not leak the held-out text into the next round of
  tuning. ``--details`` is accepted and ignored (kept for old command lines); to see a
  set's details, name its folder as an argument.

Arguments, when given, form one set. Each argument may be

* a folder with ``articles/`` and ``annotations/`` subfolders (``tests/data/holdout``);
* a folder of articles (``raw/articles``), whose annotations are ``../annotations/<stem>.csv``;
* an article file, with the same annotation path rule.

For every annotated article the extractor runs *without* the annotations. The annotation
file is read and located by :mod:`orchestration.text.annotations` (the pipeline's own
reader: ``occurrence``-th occurrence of ``quote`` in the repaired text); each located
annotation is matched one-to-one to the extracted figure whose span overlaps it most.
Rows the reader marks unusable (invalid, unknown city, duplicate) are listed and not
scored; a quote not in the text counts as a miss.

Reported per article and per set: recall (annotations matched), precision (extracted
figures matched), and over the matched pairs: category, bound, value/unit, modality and
city accuracy (a region-wide figure has no city: None == None is right) and the
exact-surface rate; place accuracy where the file has a ``place`` column (an empty cell
means the city itself); period accuracy where it has ``period_start``/``period_end``
(every figure counts: one the annotator left without a period must have none), split into
"where stated" and "unsupported" (a period where the annotation has none); metric accuracy
over annotations naming a vocabulary metric, measure accuracy where ``measure`` is given,
and metric coverage (extracted figures with a vocabulary metric). The annotated modality is read from the note:
a note that mentions ``forecast`` or ``target`` (the first of the two it mentions) gives
that modality, any other note ``actual``. It reports and always exits 0.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.defs.ingest.text_work import read_article_file
from orchestration.text.annotations import (
    Annotation,
    AnnotationFileError,
    locate_annotations,
    read_annotation_file,
)
from orchestration.text.extraction import Figure, extract_figures
from orchestration.text.metrics import VOCABULARY

ROOT = Path(__file__).resolve().parents[2]  # the repository
TUNING_DIRS = (ROOT / "raw", ROOT / "tests" / "data")
FORMER_HELDOUT_DIRS = (ROOT / "tests" / "data" / "holdout",)
REAL_LAYOUT_DIRS = (ROOT / "tests" / "data" / "real",)
# the blind rounds, in order: (ordinal, folder under tests/data/); a new round is one line
BLIND_ROUNDS = (
    ("second", "real_blind"),
    ("third", "real_blind3"),
    ("fourth", "real_blind4"),
    ("fifth", "real_blind5"),
    ("sixth", "real_blind6"),
    ("seventh", "real_blind7"),
    ("eighth", "real_blind8"),
    ("ninth", "real_blind9"),
    ("tenth", "real_blind10"),
    ("eleventh", "real_blind11"),
    ("twelfth", "real_blind12"),
    ("thirteenth", "real_blind13"),
    ("fourteenth", "real_blind14"),
    ("fifteenth", "real_blind15"),
    ("sixteenth", "real_blind16"),
    ("seventeenth", "real_blind17"),
    ("eighteenth", "real_blind18"),
    ("nineteenth", "real_blind19"),
    ("twentieth", "real_blind20"),
    ("twenty-first", "real_blind21"),
    ("twenty-second", "real_blind22"),
    ("twenty-third", "real_blind23"),
    ("twenty-fourth", "real_blind24"),
    ("twenty-fifth", "real_blind25"),
    ("twenty-sixth", "real_blind26"),
    ("twenty-seventh", "real_blind27"),
    ("twenty-eighth", "real_blind28"),
    ("twenty-ninth", "real_blind29"),
    ("thirtieth", "real_blind30"),
    ("thirty-first", "real_blind31"),
    ("thirty-second", "real_blind32"),
    ("thirty-third", "real_blind33"),
    ("thirty-fourth", "real_blind34"),
    ("thirty-fifth", "real_blind35"),
    ("thirty-sixth", "real_blind36"),
    ("thirty-seventh", "real_blind37"),
    ("thirty-eighth", "real_blind38"),
    ("thirty-ninth", "real_blind39"),
    ("fortieth", "real_blind40"),
    ("forty-first", "real_blind41"),
    ("forty-second", "real_blind42"),
    ("forty-third", "real_blind43"),
    ("forty-fourth", "real_blind44"),
    ("forty-fifth", "real_blind45"),
    ("forty-sixth", "real_blind46"),
    ("forty-seventh", "real_blind47"),
    ("forty-eighth", "real_blind48"),
    ("forty-ninth", "real_blind49"),
    ("fiftieth", "real_blind50"),
    ("fifty-first", "real_blind51"),
    ("fifty-second", "real_blind52"),
    ("fifty-third", "real_blind53"),
    ("fifty-fourth", "real_blind54"),
    ("fifty-fifth", "real_blind55"),
    ("fifty-sixth", "real_blind56"),
    ("fifty-seventh", "real_blind57"),
    ("fifty-eighth", "real_blind58"),
    ("fifty-ninth", "real_blind59"),
    ("sixtieth", "real_blind60"),
    ("sixty-first", "real_blind61"),
    ("sixty-second", "real_blind62"),
    ("sixty-third", "real_blind63"),
    ("sixty-fourth", "real_blind64"),
    ("sixty-fifth", "real_blind65"),
    ("sixty-sixth", "real_blind66"),
    ("sixty-seventh", "real_blind67"),
    ("sixty-eighth", "real_blind68"),
    ("sixty-ninth", "real_blind69"),
    ("seventieth", "real_blind70"),
    ("seventy-first", "real_blind71"),
    ("seventy-second", "real_blind72"),
    ("seventy-third", "real_blind73"),
    ("seventy-fourth", "real_blind74"),
    ("seventy-fifth", "real_blind75"),
    ("seventy-sixth", "real_blind76"),
    ("seventy-seventh", "real_blind77"),
    ("seventy-eighth", "real_blind78"),
    ("seventy-ninth", "real_blind79"),
    ("eightieth", "real_blind80"),
)
DEVELOPMENT_SETS = (
    ("tuning (raw/, tests/data/)", TUNING_DIRS),
    ("development (tests/data/holdout/, the former held-out set)", FORMER_HELDOUT_DIRS),
    ("real-reporting layouts (tests/data/real/)", REAL_LAYOUT_DIRS),
    *(
        (
            f"real-reporting layouts, {ordinal} blind round (tests/data/{folder}/)",
            (ROOT / "tests" / "data" / folder,),
        )
        for ordinal, folder in BLIND_ROUNDS
    ),
)
HELDOUT_SETS = (
    ("held-out, seed layout (tests/data/holdout2/)", ROOT / "tests" / "data" / "holdout2"),
    (
        "held-out, real-reporting layouts (tests/data/real_holdout/)",
        ROOT / "tests" / "data" / "real_holdout",
    ),
)

_COUNTERS = (
    "annotations",
    "figures",
    "matched",
    "category_ok",
    "bound_ok",
    "bound_n",
    "value_ok",
    "value_n",
    "modality_ok",
    "city_ok",
    "place_ok",
    "place_n",
    "metric_ok",
    "metric_n",
    "measure_ok",
    "measure_n",
    "metric_known",
    "period_ok",
    "period_n",
    "period_stated_ok",
    "period_stated_n",
    "period_unsupported",
    "surface_ok",
)


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
    modality_ok: int = 0
    city_ok: int = 0
    place_ok: int = 0
    place_n: int = 0
    metric_ok: int = 0
    metric_n: int = 0
    measure_ok: int = 0
    measure_n: int = 0
    metric_known: int = 0  # extracted figures with a vocabulary metric
    period_ok: int = 0
    period_n: int = 0
    period_stated_ok: int = 0  # of the figures whose annotation has a period
    period_stated_n: int = 0
    period_unsupported: int = 0  # a period where the annotation has none
    surface_ok: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    unusable: list[str] = field(default_factory=list)

    def add(self, other: Result) -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "n/a"


_MODALITY_RE = re.compile(r"forecast|target", re.IGNORECASE)


def annotated_modality(note: str) -> str:
    """``forecast`` / ``target`` when the note says so (the first it mentions), else actual."""
    m = _MODALITY_RE.search(note or "")
    return m.group().lower() if m else "actual"


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return (
        text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end : end + width]
    ).replace("\n", "⏎")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def evaluate_article(article: Path, annotation_path: Path) -> Result:
    parsed, published, home = read_article_file(article)
    figures = extract_figures(parsed, published, home=home)
    data = annotation_path.read_bytes()
    rows = read_annotation_file(data, article.stem, str(annotation_path))
    header = data.split(b"\n", 1)[0]
    has_periods, has_places = b"period_start" in header, b"place" in header
    located = locate_annotations(rows, parsed.text)
    result = Result(article.stem, figures=len(figures))
    result.metric_known = sum(f.metric is not None for f in figures)
    used: set[int] = set()
    for ann in located:
        if ann.status == "quote_not_found":
            result.annotations += 1
            result.misses.append(ann.problem or f"{ann.quote!r} not found in text")
            continue
        if not ann.usable or ann.char_start is None or ann.char_end is None:
            result.unusable.append(ann.problem or f"{ann.quote!r}: {ann.status}")
            continue
        result.annotations += 1
        best: tuple[int, int] | None = None
        for i, fig in enumerate(figures):
            if i in used:
                continue
            overlap = min(fig.char_end, ann.char_end) - max(fig.char_start, ann.char_start)
            if overlap > 0 and (best is None or overlap > best[1]):
                best = (i, overlap)
        if best is None:
            where = _context(parsed.text, ann.char_start, ann.char_end)
            result.misses.append(f"{ann.quote!r} {ann.category} {where}")
            continue
        used.add(best[0])
        result.matched += 1
        _compare(result, ann, figures[best[0]], parsed.text, has_places, has_periods)
    for i, fig in enumerate(figures):
        if i not in used:
            where = _context(parsed.text, fig.char_start, fig.char_end)
            result.false_positives.append(f"{fig.surface!r} {fig.unit} {fig.category} {where}")
    return result


def _compare(
    result: Result, ann: Annotation, fig: Figure, text: str, places: bool, periods: bool
) -> None:
    """Score one matched pair; places and periods only where the file has those columns."""
    problems: list[str] = []

    def score(name: str, agrees: bool, problem: str, counted: str | None = None) -> None:
        """Count ``name``_ok when ``agrees``, else note the problem; ``counted``: the
        counter of scored pairs, for aspects not every annotation states."""
        if counted:
            setattr(result, counted, getattr(result, counted) + 1)
        if agrees:
            setattr(result, f"{name}_ok", getattr(result, f"{name}_ok") + 1)
        else:
            problems.append(problem)

    score("category", fig.category == ann.category, f"category {fig.category} != {ann.category}")
    if ann.bound:
        score("bound", fig.bound == ann.bound, f"bound {fig.bound} != {ann.bound}", "bound_n")
    if ann.value is not None and ann.unit:
        score(
            "value",
            fig.unit == ann.unit and _close(fig.value, ann.value),
            f"value {fig.value:g} {fig.unit} != {ann.value:g} {ann.unit}",
            "value_n",
        )
    modality = annotated_modality(ann.note)
    score("modality", fig.modality == modality, f"modality {fig.modality} != {modality}")
    # a region-wide figure has no city: None == None is right
    score("city", fig.city_code == ann.city_code, f"city {fig.city_code} != {ann.city_code}")
    if ann.metric in VOCABULARY:  # rows naming a metric outside it are not scored
        score(
            "metric", fig.metric == ann.metric, f"metric {fig.metric} != {ann.metric}", "metric_n"
        )
    if ann.measure:
        score(
            "measure",
            fig.measure == ann.measure,
            f"measure {fig.measure} != {ann.measure}",
            "measure_n",
        )
    if places:
        expected = ann.place_code or ann.city_code  # an empty place: the city itself
        score(
            "place",
            fig.place_code == expected,
            f"place {fig.place_code} != {expected} ({fig.place_evidence})",
            "place_n",
        )
    if periods:
        # every figure of an annotated file counts: a figure whose text gives no period must
        # have none, as the annotator left it empty
        got = (fig.period.start, fig.period.end) if fig.period else (None, None)
        wanted = (ann.period_start, ann.period_end)
        if ann.period_start is not None:
            result.period_stated_n += 1
            result.period_stated_ok += got == wanted
        elif got != (None, None):
            result.period_unsupported += 1
        said = fig.period.text if fig.period else None
        score(
            "period",
            got == wanted,
            f"period {got[0]}..{got[1]} ({said!r}) != {wanted[0]}..{wanted[1]}",
            "period_n",
        )
    score("surface", fig.surface == ann.quote, f"surface {fig.surface!r} != {ann.quote!r}")
    if problems:
        where = _context(text, fig.char_start, fig.char_end)
        result.disagreements.append(f"{where}: " + "; ".join(problems))


def _report(result: Result, details: bool = True) -> None:
    print(f"== {result.article_id}: {result.annotations} annotations, {result.figures} extracted")
    print(f"   recall             {_ratio(result.matched, result.annotations)}")
    print(f"   precision          {_ratio(result.matched, result.figures)}")
    print(f"   category accuracy  {_ratio(result.category_ok, result.matched)}")
    print(f"   bound accuracy     {_ratio(result.bound_ok, result.bound_n)}")
    print(f"   value/unit accuracy {_ratio(result.value_ok, result.value_n)}")
    print(f"   modality accuracy  {_ratio(result.modality_ok, result.matched)}")
    print(f"   city accuracy      {_ratio(result.city_ok, result.matched)}")
    print(f"   place accuracy     {_ratio(result.place_ok, result.place_n)}")
    print(f"   period accuracy    {_ratio(result.period_ok, result.period_n)}")
    print(f"     where stated     {_ratio(result.period_stated_ok, result.period_stated_n)}")
    print(
        f"     unsupported      {result.period_unsupported} (a period where the annotation has none)"
    )
    print(f"   metric accuracy    {_ratio(result.metric_ok, result.metric_n)}")
    print(f"   measure accuracy   {_ratio(result.measure_ok, result.measure_n)}")
    print(f"   metric coverage    {_ratio(result.metric_known, result.figures)}")
    print(f"   exact surface      {_ratio(result.surface_ok, result.matched)}")
    if not details:
        return
    for title, items in (
        ("misses", result.misses),
        ("false positives", result.false_positives),
        ("disagreements", result.disagreements),
        ("unusable annotation rows (not scored)", result.unusable),
    ):
        if items:
            print(f"   {title}:")
            for item in items:
                print(f"     - {item}")


def _pairs_in(path: Path) -> list[Path]:
    """The article files an argument stands for."""
    if path.is_dir():
        if (path / "articles").is_dir():
            return sorted((path / "articles").glob("*.txt"))
        return sorted(path.glob("*.txt"))
    return [path]


def find_articles(args: list[str] | tuple[Path, ...]) -> list[tuple[Path, Path]]:
    """(article, annotation file) pairs for the given folders / files; skipped ones are told."""
    pairs: list[tuple[Path, Path]] = []
    for arg in args:
        for article in _pairs_in(Path(arg)):
            annotation = article.parent.parent / "annotations" / f"{article.stem}.csv"
            if annotation.exists():
                pairs.append((article, annotation))
            else:
                print(f"(skipped {article}: no annotations at {annotation})")
    return pairs


def evaluate_set(
    label: str, pairs: list[tuple[Path, Path]], details: bool, per_article: bool = True
) -> Result:
    """Evaluate ``pairs``; print each article (with its details when ``details``) unless
    ``per_article`` is False, then the set's overall summary."""
    overall = Result(f"overall, {label}")
    for article, annotation in pairs:
        try:
            result = evaluate_article(article, annotation)
        except (OSError, AnnotationFileError, ValueError) as exc:
            # report and go on: evaluation never fails the build
            print(f"== {article.stem if per_article else 'an article'}: could not be evaluated")
            if per_article:
                print(f"   {exc}")
            continue
        if per_article:
            _report(result, details)
        overall.add(result)
    _report(overall, details=False)
    return overall


def main(argv: list[str] | None = None) -> int:
    args = [a for a in (sys.argv[1:] if argv is None else argv) if a != "--details"]
    if args:
        evaluate_set("given", find_articles(args), details=True)
        return 0
    development = Result("overall, development (all parts)")
    for label, dirs in DEVELOPMENT_SETS:
        print(f"######## {label}")
        development.add(evaluate_set(label, find_articles(dirs), details=True))
        print()
    print("######## development set, all parts together")
    _report(development, details=False)
    print()
    for label, folder in HELDOUT_SETS:
        print(f"######## {label}: summary only")
        heldout = _quiet_find_articles(folder) if folder.is_dir() else []
        if heldout:
            evaluate_set(label, heldout, details=False, per_article=False)
        else:
            print("(no held-out articles)")
        print()
    return 0


def _quiet_find_articles(folder: Path) -> list[tuple[Path, Path]]:
    """Like :func:`find_articles`, without naming skipped articles (held-out text)."""
    pairs = []
    for article in _pairs_in(folder):
        annotation = article.parent.parent / "annotations" / f"{article.stem}.csv"
        if annotation.exists():
            pairs.append((article, annotation))
    return pairs


if __name__ == "__main__":
    sys.exit(main())
