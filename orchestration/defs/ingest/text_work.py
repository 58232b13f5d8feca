"""The per-article work of ``parse_articles``, ``article_annotations`` and
``extracted_figures``: plain values in, plain rows out, the pure text layer in between.

These are the functions the pool's worker processes run (``orchestration/runtime/pool.py``),
so this module imports neither Dagster nor pandas nor a warehouse: a worker imports it in
a fraction of a second. The assets call the same functions in process when a run has no
pool, so the rows are the same either way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from orchestration.defs.ingest.inventory import META_SUFFIX, annotation_file
from orchestration.text.annotations import (
    AnnotationFileError,
    locate_annotations,
    read_annotation_file,
)
from orchestration.text.extraction import extract_figures
from orchestration.text.numbers import read_quantity
from orchestration.text.parsing import (
    Block,
    ParsedArticle,
    Section,
    decode_article,
    find_dateline,
    parse_article,
)
from orchestration.text.periods import publication_date
from orchestration.text.places import PlaceResolver, home_of_source
from orchestration.text.script import simplified
from orchestration.text.sidecar import ArticleMeta, read_sidecar

# columns of raw.article_blocks that rebuild an article's blocks, in this order
BLOCK_FIELDS = (
    "kind",
    "text",
    "char_start",
    "char_end",
    "source_line",
    "section_index",
    "city_code",
)

# (article_id, raw_text, the sidecar's published_on or None, the sidecar's source or None)
ParseInput = tuple[str, str, date | None, str | None]
# (parsed_articles row, article_blocks rows, parse warnings, page-break repairs)
ParseOutput = tuple[dict, list[dict], list[str], int]
# (article_id, repaired_text, published_on or None, blocks as BLOCK_FIELDS tuples in order,
# the home place of the paper that printed it or None)
ExtractInput = tuple[str, str, date | None, list[tuple], str | None]
# (raw folder, article_id, repaired_text or None when the article could not be read)
AnnotateInput = tuple[str, str, str | None]
# (raw.annotations rows, problem rows, (level, message) lines for the step's log, in order)
AnnotateOutput = tuple[list[dict], list[dict], list[tuple[str, str]]]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def problem_row(
    stage: str,
    source_file: str,
    article_id: str | None,
    reason: str,
    line: int | None = None,
    severity: str = "error",
) -> dict:
    """A row of ``raw.<stage>_problems``: an input that could not be used, or a warning."""
    return {
        "stage": stage,
        "source_file": source_file,
        "article_id": article_id,
        "line": line,
        "severity": severity,
        "reason": reason,
        "detected_at": utc_now(),
    }


def relative_path(path: Path, raw_dir: Path) -> str:
    """Paths in messages as a user sees them: ``raw/articles/x.txt``."""
    try:
        return str(path.relative_to(raw_dir.parent))
    except ValueError:
        return str(path)


def dataclass_fields(record) -> dict:
    """A dataclass's fields, shallow (``dataclasses.asdict`` deep-copies: slow over 10^5 rows)."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _publication(view: str, sidecar_published_on: date | None) -> tuple[date | None, str | None]:
    """The publication date and where it came from: the sidecar's, else the text's date
    line (``view``: the text as extraction reads it), else none."""
    if sidecar_published_on is not None:
        return sidecar_published_on, "sidecar"
    published = publication_date(view)
    return published, ("text" if published else None)


def read_article_file(path: Path) -> tuple[ParsedArticle, date | None, str | None]:
    """(parsed article, publication date, home place) of one article file and its sidecar,
    as :func:`parse_one` reads them: decoded, parsed, the sidecar's date else the text's
    date line, the sidecar paper's place (the place of last resort). A missing or invalid
    sidecar counts as none (the pipeline quarantines it). For ``make eval`` and the Label
    Studio export, which read files, not warehouse rows."""
    text, _ = decode_article(path.read_bytes(), str(path))
    parsed = parse_article(path.stem, text)
    try:
        meta = read_sidecar(path.with_name(path.stem + META_SUFFIX).read_bytes())
    except (OSError, ValueError):
        meta = ArticleMeta()
    published, _ = _publication(simplified(parsed.text), meta.published_on)
    return parsed, published, home_of_source(meta.source)


def parse_one(
    article_id: str,
    raw_text: str,
    sidecar_published_on: date | None,
    sidecar_source: str | None = None,
) -> ParseOutput:
    """One article's ``raw.parsed_articles`` row, its ``raw.article_blocks`` rows, its
    parse warnings and its number of page-break repairs."""
    parsed = parse_article(article_id, raw_text)
    view = simplified(parsed.text)  # as extraction reads it (traditional characters)
    published, published_from = _publication(view, sidecar_published_on)
    home = home_of_source(sidecar_source)
    resolver = PlaceResolver(view, parsed.blocks, [], bool(parsed.sections), parsed.dateline, home)
    row = {
        "article_id": parsed.article_id,
        "headline": parsed.headline,
        "repaired_text": parsed.text,
        "section_count": len(parsed.sections),
        "block_count": len(parsed.blocks),
        "page_break_repairs": len(parsed.repairs),
        "warnings": "; ".join(parsed.warnings) or None,
        "published_on": published,
        "published_on_from": published_from,
        "dateline": parsed.dateline.text if parsed.dateline else None,
        "dateline_place_code": resolver.dateline_place,
        "article_place_code": resolver.article.place_code,
        "home_place_code": home,
    }
    city_lines = {s.index: s.city_line for s in parsed.sections}
    blocks = [
        {
            "article_id": parsed.article_id,
            "block_index": index,
            "kind": block.kind,
            "text": block.text,
            "char_start": block.start,
            "char_end": block.end,
            "source_line": block.line,
            "section_index": block.section,
            "city_code": block.city_code,
            "section_city_line": city_lines.get(block.section),
        }
        for index, block in enumerate(parsed.blocks)
    ]
    return row, blocks, list(parsed.warnings), len(parsed.repairs)


def parse_many(articles: list[ParseInput]) -> list[ParseOutput]:
    """:func:`parse_one` for each article, in order (a pool task)."""
    return [parse_one(*article) for article in articles]


def extract_one(
    article_id: str,
    repaired_text: str,
    published_on: date | None,
    blocks: list[tuple],
    home: str | None = None,
) -> list[dict]:
    """One article's ``raw.extracted_figures`` rows, from its stored text and blocks."""
    parsed = reparse(article_id, repaired_text, blocks)
    figures = extract_figures(parsed, published_on, home=home)
    return [figure_row(article_id, f) for f in figures]


def extract_many(articles: list[ExtractInput]) -> list[list[dict]]:
    """:func:`extract_one` for each article, in order (a pool task)."""
    return [extract_one(*article) for article in articles]


def reparse(article_id: str, repaired_text: str, blocks: list[tuple]) -> ParsedArticle:
    """Rebuild the ParsedArticle from its stored blocks (``BLOCK_FIELDS`` tuples, nulls as
    None), in block order: no second parse of the raw text."""
    block_list, sections = [], []
    for kind, text, start, end, line, section, city in blocks:
        section = None if section is None else int(section)
        block_list.append(Block(kind, text, int(start), int(end), int(line), section, city))
        if kind == "city":
            sections.append(Section(section, text, city, int(line)))
    parsed = ParsedArticle(article_id, repaired_text, block_list, sections)
    parsed.dateline = find_dateline(block_list)
    return parsed


def figure_row(article_id: str, figure) -> dict:
    """A ``raw.extracted_figures`` row: the figure's fields (shallow: ``dataclasses.asdict``
    deep-copies, slow over 10^5 rows), its period spread over four columns."""
    row = {"article_id": article_id}
    row.update((name, getattr(figure, name)) for name in figure.__dataclass_fields__)
    period = row.pop("period")
    row.update(
        period_text=period.text if period else None,
        period_start=period.start if period else None,
        period_end=period.end if period else None,
        period_kind=period.kind if period else "unknown",
    )
    return row


def annotate_one(raw_dir: str, article_id: str, text: str | None) -> AnnotateOutput:
    """One article's annotation file: every CSV row as a ``raw.annotations`` row with a
    status, located in the repaired ``text`` and read by the number reader
    (``parsed_value``), its problems, and what the step logs about it. No file: nothing."""
    folder = Path(raw_dir)
    path = annotation_file(folder, article_id)
    if not path.exists():
        return [], [], []
    source = relative_path(path, folder)
    try:
        annotations = read_annotation_file(path.read_bytes(), article_id, source)
    except (OSError, AnnotationFileError) as error:
        # a row stands for the unreadable file, so the blocking reconciliation sees it
        row = {
            "article_id": article_id,
            "source_file": source,
            "line": 1,
            "status": "file_error",
            "problem": str(error),
        }
        problem = problem_row("annotations", source, article_id, str(error), line=1)
        return [row], [problem], [("error", str(error))]
    problems, messages = [], []
    if text is None:
        reason = (
            f"{source}: no readable article '{article_id}' for its {len(annotations)} annotation(s)"
        )
        messages.append(("error", reason))
        problems.append(problem_row("annotations", source, article_id, reason))
    else:
        annotations = locate_annotations(annotations, text)
    rows = []
    for ann in annotations:
        quantity = read_quantity(ann.quote) if ann.quote else None
        row = dataclass_fields(ann)
        if text is None and ann.usable:
            row["status"] = "article_missing"
            row["problem"] = f"{source}:{ann.line}: article not readable"
        row.update(
            parsed_value=quantity.value if quantity else None,
            parsed_unit=quantity.unit if quantity else None,
            parsed_bound=quantity.bound if quantity else None,
        )
        if ann.warning:
            problems.append(
                problem_row(
                    "annotations",
                    source,
                    article_id,
                    ann.warning,
                    line=ann.line,
                    severity="warning",
                )
            )
        if row["problem"]:
            messages.append(("warning", row["problem"]))
            problems.append(
                problem_row("annotations", source, article_id, row["problem"], line=ann.line)
            )
        rows.append(row)
    return rows, problems, messages


def annotate_many(articles: list[AnnotateInput]) -> list[AnnotateOutput]:
    """:func:`annotate_one` for each article, in order (a pool task)."""
    return [annotate_one(*article) for article in articles]
