"""Raw layer: files on disk → tables in the warehouse's ``raw`` schema.

The article assets are partitioned by article id: a run for some articles replaces exactly
their rows (idempotent), a run over every partition replaces whole tables. Each asset reads
what the previous one wrote, runs one pure text step from
``orchestration.text`` and writes its table plus its problems (``raw.<stage>_problems``,
one row per input it could not use). The dbt project picks everything up from there.
"""

import hashlib
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.inventory import annotation_file, article_file, other_files
from orchestration.partitions import ARTICLES, all_article_ids
from orchestration.resources import LedgerPaths
from orchestration.text.annotations import (
    AnnotationFileError,
    locate_annotations,
    read_annotation_file,
)
from orchestration.text.cities import CITIES
from orchestration.text.extraction import extract_figures
from orchestration.text.numbers import read_quantity
from orchestration.text.parsing import (
    ArticleDecodeError,
    Block,
    ParsedArticle,
    Section,
    decode_article,
    parse_article,
)

ARTICLE_COLUMNS = {
    "article_id": "VARCHAR",
    "source_file": "VARCHAR",
    "encoding": "VARCHAR",
    "byte_size": "BIGINT",
    "sha256": "VARCHAR",
    "raw_text": "VARCHAR",
    "loaded_at": "TIMESTAMP",
}
PARSED_COLUMNS = {
    "article_id": "VARCHAR",
    "headline": "VARCHAR",
    "repaired_text": "VARCHAR",
    "section_count": "INTEGER",
    "block_count": "INTEGER",
    "page_break_repairs": "INTEGER",
    "warnings": "VARCHAR",
}
BLOCK_COLUMNS = {
    "article_id": "VARCHAR",
    "block_index": "INTEGER",
    "kind": "VARCHAR",
    "text": "VARCHAR",
    "char_start": "INTEGER",
    "char_end": "INTEGER",
    "source_line": "INTEGER",
    "section_index": "INTEGER",
    "city_code": "VARCHAR",
    "section_city_line": "VARCHAR",
}
ANNOTATION_COLUMNS = {
    "article_id": "VARCHAR",
    "source_file": "VARCHAR",
    "line": "INTEGER",
    "quote": "VARCHAR",
    "occurrence": "INTEGER",
    "city_code": "VARCHAR",
    "category": "VARCHAR",
    "metric": "VARCHAR",
    "value": "DOUBLE",
    "unit": "VARCHAR",
    "bound": "VARCHAR",
    "note": "VARCHAR",
    "char_start": "INTEGER",
    "char_end": "INTEGER",
    "sentence": "VARCHAR",
    "status": "VARCHAR",
    "problem": "VARCHAR",
    "parsed_value": "DOUBLE",
    "parsed_unit": "VARCHAR",
    "parsed_bound": "VARCHAR",
}
FIGURE_COLUMNS = {
    "article_id": "VARCHAR",
    "surface": "VARCHAR",
    "char_start": "INTEGER",
    "char_end": "INTEGER",
    "value": "DOUBLE",
    "unit": "VARCHAR",
    "bound": "VARCHAR",
    "modality": "VARCHAR",
    "category": "VARCHAR",
    "metric": "VARCHAR",
    "city_code": "VARCHAR",
    "sentence": "VARCHAR",
    "block_kind": "VARCHAR",
}
CITY_COLUMNS = {
    "city_code": "VARCHAR",
    "city_name": "VARCHAR",
    "kind": "VARCHAR",
    "seat": "VARCHAR",
    "aliases": "VARCHAR",
}
PROBLEM_COLUMNS = {
    "stage": "VARCHAR",
    "source_file": "VARCHAR",
    "article_id": "VARCHAR",
    "line": "INTEGER",
    "severity": "VARCHAR",
    "reason": "VARCHAR",
    "detected_at": "TIMESTAMP",
}

_COMMON = {"pool": "warehouse", "owners": ["team:ledger"]}
_PARTITIONED = {
    "partitions_def": ARTICLES,
    # every selected article in one run: bulk loads instead of a run per article
    "backfill_policy": dg.BackfillPolicy.single_run(),
    "pool": "warehouse",
}


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _problem(
    stage: str,
    source_file: str,
    article_id: str | None,
    reason: str,
    line: int | None = None,
    severity: str = "error",
) -> dict:
    return {
        "stage": stage,
        "source_file": source_file,
        "article_id": article_id,
        "line": line,
        "severity": severity,
        "reason": reason,
        "detected_at": _now(),
    }


def article_scope(context: dg.AssetExecutionContext) -> tuple[list[str], list[str] | None]:
    """(the run's article ids, the ids to replace rows for — None when the run covers every
    article, so whole tables are replaced and rows of vanished articles go too)."""
    keys = list(context.partition_keys)
    full = set(keys) >= set(all_article_ids(context.instance))
    return keys, None if full else keys


def _problems_result(
    paths: LedgerPaths, stage: str, problems: list[dict], scope: list[str] | None
) -> dg.MaterializeResult:
    """Each stage owns its table ``raw.<stage>_problems``; dbt unions them into ``quarantine``."""
    frame = pd.DataFrame(problems)
    paths.warehouse.write_rows(f"{stage}_problems", frame, PROBLEM_COLUMNS, scope)
    return dg.MaterializeResult(
        asset_key=f"{stage}_problems",
        metadata={
            "dagster/row_count": len(frame),
            "preview": preview(frame, ["source_file", "line", "severity", "reason"]),
        },
    )


def preview(frame: pd.DataFrame, columns: list[str], rows: int = 10) -> dg.MetadataValue:
    """A markdown table of the first rows, for the asset's page in the UI."""
    if frame.empty:
        return dg.MetadataValue.md("_no rows_")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in frame[columns].head(rows).itertuples(index=False):
        cells = [str(v).replace("|", "\\|").replace("\n", " ")[:60] for v in record]
        lines.append("| " + " | ".join(cells) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def _relative(path: Path, raw_dir: Path) -> str:
    """Paths in messages as a user sees them: ``raw/articles/x.txt``."""
    try:
        return str(path.relative_to(raw_dir.parent))
    except ValueError:
        return str(path)


def _spec(key: str, description: str, deps: list[str] | None = None) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        description=description,
        deps=deps or [],
        group_name="raw",
        kinds={"python", "duckdb"},
        owners=["team:ledger"],
        partitions_def=ARTICLES,
    )


def _read_article(raw_dir: Path, article_id: str) -> tuple[dict | None, dict | None]:
    """(row, problem) for one article id: its decoded file, or why there is none."""
    path = article_file(raw_dir, article_id)
    source = _relative(path, raw_dir)
    if not path.exists():
        strays = other_files(raw_dir, article_id)
        if strays:
            names = ", ".join(_relative(p, raw_dir) for p in strays)
            reason = f"{names}: not an article (articles are raw/articles/<article_id>.txt)"
            return None, _problem("decode", _relative(strays[0], raw_dir), article_id, reason)
        if annotation_file(raw_dir, article_id).exists():
            return None, None  # annotations without article: reported by the annotation stage
        reason = f"{source}: file no longer exists; the article's rows were removed"
        return None, _problem("decode", source, article_id, reason, severity="warning")
    try:
        data = path.read_bytes()
        text, encoding = decode_article(data, source)
    except (OSError, ArticleDecodeError) as error:
        return None, _problem("decode", source, article_id, str(error))
    row = {
        "article_id": article_id,
        "source_file": source,
        "encoding": encoding,
        "byte_size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_text": text,
        "loaded_at": _now(),
    }
    return row, None


@dg.multi_asset(
    specs=[
        _spec("raw_articles", "Decoded article files (raw.articles)."),
        _spec("decode_problems", "Article files that could not be read (raw.decode_problems)."),
    ],
    **_PARTITIONED,
)
def raw_articles(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """The article file ``<raw>/articles/<id>.txt`` of each partition, decoded (UTF-8,
    UTF-8 with BOM, GB18030).

    Unreadable, mis-encoded, empty, misnamed and removed files go to ``raw.decode_problems``."""
    keys, scope = article_scope(context)
    raw_dir = Path(ledger.raw_dir)
    rows, problems = [], []
    for index, article_id in enumerate(keys, 1):
        row, problem = _read_article(raw_dir, article_id)
        if problem:
            log = context.log.warning if problem["severity"] == "warning" else context.log.error
            log(f"[{index}/{len(keys)}] {problem['reason']}")
            problems.append(problem)
        if row:
            rows.append(row)
            if index % 500 == 0 or len(keys) <= 20:
                context.log.info(
                    f"[{index}/{len(keys)}] read {row['source_file']} "
                    f"({row['encoding']}, {row['byte_size']} bytes)"
                )
    frame = pd.DataFrame(rows)
    ledger.warehouse.write_rows("articles", frame, ARTICLE_COLUMNS, scope)
    yield dg.MaterializeResult(
        asset_key="raw_articles",
        metadata={
            "dagster/row_count": len(frame),
            "articles_in_run": len(keys),
            "preview": preview(frame, ["article_id", "encoding", "byte_size"]),
        },
    )
    yield _problems_result(ledger, "decode", problems, scope)


@dg.multi_asset(
    specs=[
        _spec(
            "parsed_articles",
            "One row per article after parsing (raw.parsed_articles).",
            ["raw_articles"],
        ),
        _spec(
            "article_blocks",
            "Structural blocks with offsets (raw.article_blocks).",
            ["raw_articles"],
        ),
        _spec("parse_problems", "Structural warnings (raw.parse_problems).", ["raw_articles"]),
    ],
    **_PARTITIONED,
)
def parse_articles(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """Each article's structure: headline, city sections, subheadlines, bylines, paragraphs,
    captions; paragraphs split by page breaks joined again, offsets into the repaired text.

    Writes ``raw.parsed_articles`` (one row per article) and ``raw.article_blocks``."""
    keys, scope = article_scope(context)
    articles = ledger.warehouse.read_articles("SELECT * FROM raw.articles", keys)
    parsed_rows, block_rows, problems = [], [], []
    for article in articles.itertuples():
        parsed = parse_article(article.article_id, article.raw_text)
        for warning in parsed.warnings:
            context.log.warning(f"{article.source_file}: {warning}")
            problems.append(
                _problem(
                    "parse", article.source_file, article.article_id, warning, severity="warning"
                )
            )
        parsed_rows.append(
            {
                "article_id": parsed.article_id,
                "headline": parsed.headline,
                "repaired_text": parsed.text,
                "section_count": len(parsed.sections),
                "block_count": len(parsed.blocks),
                "page_break_repairs": len(parsed.repairs),
                "warnings": "; ".join(parsed.warnings) or None,
            }
        )
        city_lines = {s.index: s.city_line for s in parsed.sections}
        for index, block in enumerate(parsed.blocks):
            block_rows.append(
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
            )
    parsed_frame, blocks = pd.DataFrame(parsed_rows), pd.DataFrame(block_rows)
    ledger.warehouse.write_rows("parsed_articles", parsed_frame, PARSED_COLUMNS, scope)
    ledger.warehouse.write_rows("article_blocks", blocks, BLOCK_COLUMNS, scope)
    repairs = int(parsed_frame["page_break_repairs"].sum()) if len(parsed_frame) else 0
    yield dg.MaterializeResult(
        asset_key="parsed_articles",
        metadata={
            "dagster/row_count": len(parsed_frame),
            "page_break_repairs": repairs,
            "preview": preview(
                parsed_frame, ["article_id", "headline", "section_count", "page_break_repairs"]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="article_blocks",
        metadata={
            "dagster/row_count": len(blocks),
            "preview": preview(blocks, ["article_id", "kind", "source_line", "city_code", "text"]),
        },
    )
    yield _problems_result(ledger, "parse", problems, scope)


def _annotation_rows(context, raw_dir: Path, article_id: str, text: str | None):
    """(rows, problems) of one article's annotation file; every CSV row comes back."""
    path = annotation_file(raw_dir, article_id)
    if not path.exists():
        return [], []
    source = _relative(path, raw_dir)
    try:
        annotations = read_annotation_file(path.read_bytes(), article_id, source)
    except (OSError, AnnotationFileError) as error:
        context.log.error(str(error))
        # a row stands for the unreadable file, so the blocking reconciliation sees it
        row = {
            "article_id": article_id,
            "source_file": source,
            "line": 1,
            "status": "file_error",
            "problem": str(error),
        }
        return [row], [_problem("annotations", source, article_id, str(error), line=1)]
    problems = []
    if text is None:
        reason = (
            f"{source}: no readable article '{article_id}' for its {len(annotations)} annotation(s)"
        )
        context.log.error(reason)
        problems.append(_problem("annotations", source, article_id, reason))
    else:
        annotations = locate_annotations(annotations, text)
    rows = []
    for ann in annotations:
        quantity = read_quantity(ann.quote) if ann.quote else None
        row = asdict(ann)
        if text is None and ann.usable:
            row["status"] = "article_missing"
            row["problem"] = f"{source}:{ann.line}: article not readable"
        row.update(
            parsed_value=quantity.value if quantity else None,
            parsed_unit=quantity.unit if quantity else None,
            parsed_bound=quantity.bound if quantity else None,
        )
        if row["problem"]:
            context.log.warning(row["problem"])
            problems.append(
                _problem("annotations", source, article_id, row["problem"], line=ann.line)
            )
        rows.append(row)
    return rows, problems


@dg.multi_asset(
    specs=[
        _spec(
            "article_annotations",
            "Annotation rows, located and with status (raw.annotations).",
            ["parsed_articles"],
        ),
        _spec(
            "annotations_problems",
            "Annotation files and rows that cannot be used (raw.annotations_problems).",
            ["parsed_articles"],
        ),
    ],
    **_PARTITIONED,
)
def article_annotations(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """The hand-made annotations, each located in its article's repaired text and read by the
    number reader (``parsed_value``) so that the person's reading can be checked.

    Every CSV row lands in ``raw.annotations`` with a status; unusable rows and unreadable
    files also go to ``raw.annotations_problems`` naming file and line."""
    keys, scope = article_scope(context)
    texts = dict(
        ledger.warehouse.read_articles(
            "SELECT article_id, repaired_text FROM raw.parsed_articles", keys
        ).itertuples(index=False, name=None)
    )
    rows, problems = [], []
    for article_id in keys:
        more_rows, more_problems = _annotation_rows(
            context, Path(ledger.raw_dir), article_id, texts.get(article_id)
        )
        rows.extend(more_rows)
        problems.extend(more_problems)
    frame = pd.DataFrame(rows)
    ledger.warehouse.write_rows("annotations", frame, ANNOTATION_COLUMNS, scope)
    yield dg.MaterializeResult(
        asset_key="article_annotations",
        metadata={
            "dagster/row_count": len(frame),
            "preview": preview(frame, ["article_id", "quote", "city_code", "category", "status"]),
        },
    )
    yield _problems_result(ledger, "annotations", problems, scope)


@dg.asset(
    group_name="raw",
    kinds={"python", "duckdb"},
    deps=["parsed_articles", "article_blocks"],
    owners=["team:ledger"],
    **_PARTITIONED,
)
def extracted_figures(
    context: dg.AssetExecutionContext, ledger: LedgerPaths
) -> dg.MaterializeResult:
    """Every figure the extractor finds in the repaired texts, with span, unit, base value,
    bound, modality, category, metric and city; no annotations are used here."""
    keys, scope = article_scope(context)
    articles = ledger.warehouse.read_articles(
        "SELECT article_id, repaired_text FROM raw.parsed_articles", keys
    ).sort_values("article_id")
    blocks = ledger.warehouse.read_articles("SELECT * FROM raw.article_blocks", keys)
    blocks_by_article = dict(iter(blocks.groupby("article_id"))) if len(blocks) else {}
    rows = []
    for index, article in enumerate(articles.itertuples(), 1):
        parsed = _reparse(
            article.article_id,
            article.repaired_text,
            blocks_by_article.get(article.article_id, blocks.iloc[0:0]),
        )
        figures = extract_figures(parsed)
        if index % 500 == 0 or len(articles) <= 20:
            context.log.info(
                f"[{index}/{len(articles)}] {article.article_id}: {len(figures)} figures"
            )
        rows.extend({"article_id": article.article_id, **asdict(f)} for f in figures)
    frame = pd.DataFrame(rows)
    ledger.warehouse.write_rows("extracted_figures", frame, FIGURE_COLUMNS, scope)
    by_unit = frame["unit"].value_counts().to_dict() if len(frame) else {}
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "figures_by_unit": dg.MetadataValue.json({k: int(v) for k, v in by_unit.items()}),
            "preview": preview(
                frame, ["article_id", "surface", "value", "unit", "category", "city_code"]
            ),
        }
    )


def _reparse(article_id: str, repaired_text: str, blocks: pd.DataFrame):
    """Rebuild the ParsedArticle from the stored blocks (no second parse of the raw text)."""
    rows = blocks.sort_values("block_index")
    block_list, sections = [], []
    for row in rows.itertuples():
        section = None if pd.isna(row.section_index) else int(row.section_index)
        city = None if pd.isna(row.city_code) else row.city_code
        block_list.append(
            Block(
                row.kind,
                row.text,
                int(row.char_start),
                int(row.char_end),
                int(row.source_line),
                section,
                city,
            )
        )
        if row.kind == "city":
            sections.append(Section(section, row.text, city, int(row.source_line)))
    return ParsedArticle(article_id, repaired_text, block_list, sections)


@dg.asset(group_name="raw", kinds={"python", "duckdb"}, **_COMMON)
def city_reference(ledger: LedgerPaths) -> dg.MaterializeResult:
    """The twelve leagues and cities of the contract, with the place names that point at them."""
    frame = pd.DataFrame(
        [
            {
                "city_code": c.code,
                "city_name": c.name,
                "kind": c.kind,
                "seat": c.seat,
                "aliases": "、".join(c.aliases),
            }
            for c in CITIES
        ]
    )
    ledger.warehouse.replace_table("cities", frame, CITY_COLUMNS)
    return dg.MaterializeResult(metadata={"dagster/row_count": len(frame)})


RAW_ASSETS = [raw_articles, parse_articles, article_annotations, extracted_figures, city_reference]
