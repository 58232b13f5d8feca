"""Raw layer: files on disk → tables in the warehouse's ``raw`` schema.

A run for some articles (the run tag ``ledger/articles``, ``defs/scope.py``) replaces
exactly their rows (idempotent); a full run replaces whole tables. Each asset reads
what the previous one wrote, runs one pure text step from
``orchestration.text`` and writes its table plus its problems (``raw.<stage>_problems``,
one row per input it could not use). The dbt project picks everything up from there.
"""

import hashlib
import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd

from orchestration.defs.ingest import text_work
from orchestration.defs.ingest.inventory import (
    annotation_file,
    article_file,
    list_article_ids,
    meta_file,
    other_files,
)
from orchestration.defs.ingest.text_work import (
    problem_row,
    relative_path,
    utc_now,
)
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import run_article_ids
from orchestration.runtime.console import Progress
from orchestration.runtime.memory import release_memory
from orchestration.runtime.pool import chunked_map, close_pool, describe, run_pool
from orchestration.text.cities import CITIES
from orchestration.text.metrics import VOCABULARY
from orchestration.text.parsing import (
    ArticleDecodeError,
    decode_article,
)
from orchestration.text.places import gazetteer
from orchestration.text.sidecar import read_sidecar

ARTICLE_COLUMNS = {
    "article_id": "VARCHAR",
    "source_file": "VARCHAR",
    "encoding": "VARCHAR",
    "byte_size": "BIGINT",
    "sha256": "VARCHAR",
    "raw_text": "VARCHAR",
    "loaded_at": "TIMESTAMP",
    "meta_published_on": "DATE",  # from the optional sidecar <id>.meta.json
    "meta_source": "VARCHAR",
    "meta_url": "VARCHAR",
}
PARSED_COLUMNS = {
    "article_id": "VARCHAR",
    "headline": "VARCHAR",
    "repaired_text": "VARCHAR",
    "section_count": "INTEGER",
    "block_count": "INTEGER",
    "page_break_repairs": "INTEGER",
    "warnings": "VARCHAR",
    "published_on": "DATE",  # sidecar, else the text's date line, else null
    "published_on_from": "VARCHAR",  # sidecar | text | null
    "dateline": "VARCHAR",
    "dateline_place_code": "VARCHAR",
    "article_place_code": "VARCHAR",  # what the headline / lead is about (places.py)
    "home_place_code": "VARCHAR",  # the place of the local paper the sidecar names
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
    "place_code": "VARCHAR",
    "period_start": "DATE",
    "period_end": "DATE",
    "measure": "VARCHAR",
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
    "measure": "VARCHAR",
    "base_start": "INTEGER",  # span of the level figure a change or share modifies
    "base_end": "INTEGER",
    "place_code": "VARCHAR",
    "place_evidence": "VARCHAR",
    "period_text": "VARCHAR",
    "period_start": "DATE",
    "period_end": "DATE",
    "period_kind": "VARCHAR",
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
PLACE_COLUMNS = {
    "place_code": "VARCHAR",
    "place_name": "VARCHAR",
    "place_level": "VARCHAR",
    "place_kind": "VARCHAR",
    "parent_code": "VARCHAR",
    "within_code": "VARCHAR",
    "city_code": "VARCHAR",
    "aliases": "VARCHAR",
}
METRIC_COLUMNS = {
    "metric": "VARCHAR",
    "metric_code": "VARCHAR",
    "category": "VARCHAR",
    "units": "VARCHAR",
    "description_zh": "VARCHAR",
    "priority": "INTEGER",
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

CHUNK_ARTICLES = 1000  # articles a Python asset holds in memory at once
PREVIEW_ROWS = 10

_COMMON = {"pool": "warehouse", "owners": ["team:ledger"]}
_ARTICLE_ASSET = {"pool": "warehouse"}


def article_scope(
    context: dg.AssetExecutionContext, ledger: LedgerPaths
) -> tuple[list[str], list[str] | None]:
    """(the run's article ids, the ids to replace rows for — None in a full run, whose
    articles are those of the raw folder: whole tables are replaced and rows of vanished
    articles go too)."""
    scope = run_article_ids(context)
    return (list_article_ids(Path(ledger.raw_dir)) if scope is None else scope), scope


def chunks(keys: list[str]) -> Iterator[list[str]]:
    """The run's articles in chunks of ``CHUNK_ARTICLES`` (read at call time: tests shrink it)."""
    for start in range(0, len(keys), CHUNK_ARTICLES):
        yield keys[start : start + CHUNK_ARTICLES]


class ChunkedTable:
    """Writes one raw table a chunk of articles at a time, so a run over ten thousand
    articles never holds all their rows. In a run over every article the first chunk
    replaces the table (rows of vanished articles go); every other chunk, and every chunk
    of a run for some articles, replaces its own articles' rows."""

    def __init__(self, ledger: LedgerPaths, table: str, columns: dict, scope: list[str] | None):
        self.ledger, self.table, self.columns = ledger, table, columns
        self.replace_all = scope is None
        self.rows = 0
        self.head = pd.DataFrame(columns=list(columns))  # the first rows, for the preview

    def write(self, rows: list[dict], chunk: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame(rows)
        self.ledger.warehouse.write_rows(
            self.table, frame, self.columns, None if self.replace_all else chunk
        )
        self.replace_all = False
        self.rows += len(frame)
        if self.head.empty and len(frame):
            self.head = frame.head(PREVIEW_ROWS)
        return frame

    def preview(self, columns: list[str]) -> dg.MetadataValue:
        return preview(self.head, columns)


def _problems_result(problems: ChunkedTable, stage: str) -> dg.MaterializeResult:
    """Each stage owns its table ``raw.<stage>_problems``; dbt unions them into ``quarantine``."""
    return dg.MaterializeResult(
        asset_key=f"{stage}_problems",
        metadata={
            "dagster/row_count": problems.rows,
            "preview": problems.preview(["source_file", "line", "severity", "reason"]),
        },
    )


def _problems_table(ledger: LedgerPaths, stage: str, scope: list[str] | None) -> ChunkedTable:
    return ChunkedTable(ledger, f"{stage}_problems", PROBLEM_COLUMNS, scope)


def preview(frame: pd.DataFrame, columns: list[str], rows: int = PREVIEW_ROWS) -> dg.MetadataValue:
    """A markdown table of the first rows, for the asset's page in the UI."""
    if frame.empty:
        return dg.MetadataValue.md("_no rows_")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for record in frame[columns].head(rows).itertuples(index=False):
        cells = [str(v).replace("|", "\\|").replace("\n", " ")[:60] for v in record]
        lines.append("| " + " | ".join(cells) + " |")
    return dg.MetadataValue.md("\n".join(lines))


def _spec(key: str, description: str, deps: list[str] | None = None) -> dg.AssetSpec:
    return dg.AssetSpec(
        key,
        description=description,
        deps=deps or [],
        group_name="raw",
        kinds={"python", "duckdb"},
        owners=["team:ledger"],
    )


def _read_article(raw_dir: Path, article_id: str) -> tuple[dict | None, dict | None]:
    """(row, problem) for one article id: its decoded file, or why there is none. A link
    out of the raw folder, a special file or an article over ``LEDGER_MAX_ARTICLE_BYTES``
    is not read (``inventory.refusal``): an error naming the target, type or size."""
    from orchestration.defs.ingest.inventory import max_article_bytes, refusal

    path = article_file(raw_dir, article_id)
    source = relative_path(path, raw_dir)
    refused = refusal(path, max_article_bytes())
    if refused:
        return None, problem_row("decode", source, article_id, f"{source}: {refused}")
    if not path.exists():
        strays = other_files(raw_dir, article_id)
        if strays:
            names = ", ".join(relative_path(p, raw_dir) for p in strays)
            reason = f"{names}: not an article (articles are raw/articles/<article_id>.txt)"
            return None, problem_row(
                "decode", relative_path(strays[0], raw_dir), article_id, reason
            )
        if annotation_file(raw_dir, article_id).exists():
            return None, None  # annotations without article: reported by the annotation stage
        reason = f"removed: {source} no longer exists; the article's rows were removed"
        return None, problem_row("decode", source, article_id, reason, severity="warning")
    try:
        data = path.read_bytes()
        text, encoding = decode_article(data, source)
    except (OSError, ArticleDecodeError) as error:
        return None, problem_row("decode", source, article_id, str(error))
    row = {
        "article_id": article_id,
        "source_file": source,
        "encoding": encoding,
        "byte_size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "raw_text": text,
        "loaded_at": utc_now(),
    }
    return row, None


def _read_sidecar(raw_dir: Path, article_id: str) -> tuple[dict, dict | None]:
    """(fields, problem) of the optional ``<id>.meta.json``: ``published_on`` (YYYY-MM-DD),
    ``source``, ``url``, all optional. A malformed sidecar is a warning; the article is
    still read, without the sidecar's fields."""
    empty = {"meta_published_on": None, "meta_source": None, "meta_url": None}
    path = meta_file(raw_dir, article_id)
    if not path.is_file():
        return empty, None
    source = relative_path(path, raw_dir)
    try:
        meta = read_sidecar(path.read_bytes())
    except (OSError, ValueError) as error:
        reason = f"{source}: sidecar ignored, {error}; the article is read without it"
        return empty, problem_row("decode", source, article_id, reason, severity="warning")
    return {
        "meta_published_on": meta.published_on,
        "meta_source": meta.source,
        "meta_url": meta.url,
    }, None


def _removed_since_last_run(ledger: LedgerPaths, keys: list[str]) -> list[str]:
    """The ids ``raw.articles`` holds (the articles the last run read) that the raw folder
    no longer has (``keys``: a full run's articles); none before a first run."""
    try:
        frame = ledger.warehouse.read_query("SELECT DISTINCT article_id FROM raw.articles")
    except Exception:  # noqa: BLE001 - no warehouse or no raw.articles yet: a first run
        return []
    present = set(keys)
    return sorted({str(a) for a in frame["article_id"].dropna()} - present)


@dg.multi_asset(
    specs=[
        _spec("raw_articles", "Decoded article files (raw.articles)."),
        _spec("decode_problems", "Article files that could not be read (raw.decode_problems)."),
    ],
    **_ARTICLE_ASSET,
)
def raw_articles(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """The article file ``<raw>/articles/<id>.txt`` of each of the run's articles, decoded (UTF-8,
    UTF-8 with BOM, GB18030).

    Unreadable, mis-encoded, empty, misnamed and removed files go to ``raw.decode_problems``.
    A removal is a warning whose reason starts ``removed:``, in the run that notices it: a
    tagged run naming an id whose files are gone, or a full run for each article the last
    run read (``raw.articles``) that the folder no longer has; the run's log says so too."""
    keys, scope = article_scope(context, ledger)
    raw_dir = Path(ledger.raw_dir)
    if scope is None:  # a full run: the articles the last run read that are gone since
        removed = _removed_since_last_run(ledger, keys)
        if removed:
            context.log.warning(
                f"{len(removed)} article(s) removed from {raw_dir} since the last run: "
                f"{', '.join(removed[:20])}{' …' if len(removed) > 20 else ''}; their rows "
                "are deleted everywhere and the removal recorded in quarantine (warning)"
            )
            keys = keys + removed  # read as a tagged run reads them: "removed: …" warnings
    table = ChunkedTable(ledger, "articles", ARTICLE_COLUMNS, scope)
    problem_table = _problems_table(ledger, "decode", scope)
    done = 0
    progress = Progress(context.log.info, "read", len(keys))
    for chunk in chunks(keys):
        rows, problems = [], []
        for article_id in chunk:
            done += 1
            progress.tick()
            row, problem = _read_article(raw_dir, article_id)
            if row:
                meta, meta_problem = _read_sidecar(raw_dir, article_id)
                row.update(meta)
                if meta_problem:
                    context.log.warning(f"[{done}/{len(keys)}] {meta_problem['reason']}")
                    problems.append(meta_problem)
            if problem:
                log = context.log.warning if problem["severity"] == "warning" else context.log.error
                log(f"[{done}/{len(keys)}] {problem['reason']}")
                problems.append(problem)
            if row:
                rows.append(row)
                if done % 500 == 0 or len(keys) <= 20:
                    context.log.info(
                        f"[{done}/{len(keys)}] read {row['source_file']} "
                        f"({row['encoding']}, {row['byte_size']} bytes)"
                    )
        table.write(rows, chunk)
        problem_table.write(problems, chunk)
    release_memory()
    yield dg.MaterializeResult(
        asset_key="raw_articles",
        metadata={
            "dagster/row_count": table.rows,
            "articles_in_run": len(keys),
            "preview": table.preview(["article_id", "encoding", "byte_size"]),
        },
    )
    yield _problems_result(problem_table, "decode")


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
    **_ARTICLE_ASSET,
)
def parse_articles(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """Each article's structure: headline, city sections, subheadlines, bylines, paragraphs,
    captions; paragraphs split by page breaks joined again, offsets into the repaired text.

    Writes ``raw.parsed_articles`` (one row per article) and ``raw.article_blocks``. A run
    of many articles parses them in the run's process pool (``runtime/pool.py``,
    ``LEDGER_WORKERS``); the rows and their order are the same as in process."""
    keys, scope = article_scope(context, ledger)
    parsed_table = ChunkedTable(ledger, "parsed_articles", PARSED_COLUMNS, scope)
    block_table = ChunkedTable(ledger, "article_blocks", BLOCK_COLUMNS, scope)
    problem_table = _problems_table(ledger, "parse", scope)
    repairs = 0
    progress = Progress(context.log.info, "parse", len(keys))
    text_pool = run_pool(context.run_id, len(keys), (text_work.__name__,))

    def inputs() -> Iterator[tuple[tuple[list[str], list[str]], list[text_work.ParseInput]]]:
        for chunk in chunks(keys):
            articles = ledger.warehouse.read_articles(
                "SELECT article_id, source_file, raw_text, meta_published_on, meta_source"
                " FROM raw.articles",
                chunk,
            )
            sources = list(articles["source_file"])
            work = [
                (article_id, raw_text, _date_or_none(published), _text_or_none(paper))
                for article_id, raw_text, published, paper in zip(
                    articles["article_id"],
                    articles["raw_text"],
                    articles["meta_published_on"],
                    articles["meta_source"],
                    strict=True,
                )
            ]
            yield (chunk, sources), work

    for (chunk, sources), results in chunked_map(text_work.parse_many, inputs(), text_pool):
        parsed_rows, block_rows, problems = [], [], []
        for source, (row, blocks, warnings, repaired) in zip(sources, results, strict=True):
            progress.tick()
            for warning in warnings:
                context.log.warning(f"{source}: {warning}")
                problems.append(
                    problem_row("parse", source, row["article_id"], warning, severity="warning")
                )
            parsed_rows.append(row)
            block_rows.extend(blocks)
            repairs += repaired
        parsed_table.write(parsed_rows, chunk)
        block_table.write(block_rows, chunk)
        problem_table.write(problems, chunk)
    if len(keys) > 1:
        context.log.info(f"parsed {len(keys)} article(s) {describe(text_pool)}")
    release_memory()
    yield dg.MaterializeResult(
        asset_key="parsed_articles",
        metadata={
            "dagster/row_count": parsed_table.rows,
            "page_break_repairs": repairs,
            "text_workers": text_pool.workers if text_pool else 1,
            "preview": parsed_table.preview(
                ["article_id", "headline", "section_count", "page_break_repairs"]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="article_blocks",
        metadata={
            "dagster/row_count": block_table.rows,
            "preview": block_table.preview(
                ["article_id", "kind", "source_line", "city_code", "text"]
            ),
        },
    )
    yield _problems_result(problem_table, "parse")


def _date_or_none(value) -> date | None:
    """A date read from the warehouse (Timestamp, date, NaT or None) as a date or None."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text_or_none(value) -> str | None:
    """A text read from the warehouse (str, NaN or None) as a str or None."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


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
    **_ARTICLE_ASSET,
)
def article_annotations(context: dg.AssetExecutionContext, ledger: LedgerPaths):
    """The hand-made annotations, each located in its article's repaired text and read by the
    number reader (``parsed_value``) so that the person's reading can be checked.

    Every CSV row lands in ``raw.annotations`` with a status; unusable rows and unreadable
    files also go to ``raw.annotations_problems`` naming file and line. A run of many
    articles reads them in the run's process pool (``runtime/pool.py``); the rows and their
    order are the same as in process."""
    keys, scope = article_scope(context, ledger)
    table = ChunkedTable(ledger, "annotations", ANNOTATION_COLUMNS, scope)
    problem_table = _problems_table(ledger, "annotations", scope)
    progress = Progress(context.log.info, "annotate", len(keys))
    text_pool = run_pool(context.run_id, len(keys), (text_work.__name__,))
    own_pool = text_pool is not None and not text_pool.started  # parse_articles did not start it
    log = {"error": context.log.error, "warning": context.log.warning}

    def inputs() -> Iterator[tuple[list[str], list[text_work.AnnotateInput]]]:
        for chunk in chunks(keys):
            texts = dict(
                ledger.warehouse.read_articles(
                    "SELECT article_id, repaired_text FROM raw.parsed_articles", chunk
                ).itertuples(index=False, name=None)
            )
            yield chunk, [(str(ledger.raw_dir), a, texts.get(a)) for a in chunk]

    try:
        for chunk, results in chunked_map(text_work.annotate_many, inputs(), text_pool):
            rows, problems = [], []
            for more_rows, more_problems, messages in results:
                progress.tick()
                for level, message in messages:
                    log[level](message)
                rows.extend(more_rows)
                problems.extend(more_problems)
            table.write(rows, chunk)
            problem_table.write(problems, chunk)
    finally:
        if own_pool:  # started here (extracted_figures ran first, or parse not in this run)
            close_pool(context.run_id)
    release_memory()
    yield dg.MaterializeResult(
        asset_key="article_annotations",
        metadata={
            "dagster/row_count": table.rows,
            "text_workers": text_pool.workers if text_pool else 1,
            "preview": table.preview(["article_id", "quote", "city_code", "category", "status"]),
        },
    )
    yield _problems_result(problem_table, "annotations")


@dg.asset(
    group_name="raw",
    kinds={"python", "duckdb"},
    deps=["parsed_articles", "article_blocks"],
    owners=["team:ledger"],
    **_ARTICLE_ASSET,
)
def extracted_figures(
    context: dg.AssetExecutionContext, ledger: LedgerPaths
) -> dg.MaterializeResult:
    """Every figure the extractor finds in the repaired texts, with span, unit, base value,
    bound, modality, category, metric and city; no annotations are used here. A run of
    many articles extracts in the run's process pool (``runtime/pool.py``); the rows and
    their order are the same as in process."""
    keys, scope = article_scope(context, ledger)
    table = ChunkedTable(ledger, "extracted_figures", FIGURE_COLUMNS, scope)
    by_unit: Counter[str] = Counter()
    done = 0
    progress = Progress(context.log.info, "extract", len(keys))
    text_pool = run_pool(context.run_id, len(keys), (text_work.__name__,))

    def inputs() -> Iterator[tuple[tuple[list[str], list[str]], list[text_work.ExtractInput]]]:
        for chunk in chunks(keys):
            articles = {
                article_id: (text, _date_or_none(published), _text_or_none(home))
                for article_id, text, published, home in ledger.warehouse.read_articles(
                    "SELECT article_id, repaired_text, published_on, home_place_code"
                    " FROM raw.parsed_articles",
                    chunk,
                ).itertuples(index=False, name=None)
            }
            blocks = ledger.warehouse.read_articles(
                f"SELECT {', '.join(_BLOCK_FIELDS)} FROM raw.article_blocks", chunk
            ).sort_values(["article_id", "block_index"])
            blocks = blocks.astype(object).where(blocks.notna(), None)  # nulls as None
            grouped = itertools.groupby(
                blocks[["article_id", *text_work.BLOCK_FIELDS]].itertuples(index=False, name=None),
                key=lambda b: b[0],
            )
            by_article = {article_id: [b[1:] for b in group] for article_id, group in grouped}
            ids = sorted(articles)
            work = [
                (a, articles[a][0], articles[a][1], by_article.get(a, []), articles[a][2])
                for a in ids
            ]
            yield (chunk, ids), work

    try:
        for (chunk, ids), results in chunked_map(text_work.extract_many, inputs(), text_pool):
            rows = []
            for article_id, figures in zip(ids, results, strict=True):
                done += 1
                progress.tick()
                if done % 500 == 0 or len(keys) <= 20:
                    context.log.info(f"[{done}/{len(keys)}] {article_id}: {len(figures)} figures")
                rows.extend(figures)
            frame = table.write(rows, chunk)
            if len(frame):
                by_unit.update(frame["unit"].value_counts().to_dict())
    finally:
        close_pool(context.run_id)  # the run's last text step: its workers exit
    if len(keys) > 1:
        context.log.info(f"extracted from {len(keys)} article(s) {describe(text_pool)}")
    release_memory()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": table.rows,
            "figures_by_unit": dg.MetadataValue.json({k: int(v) for k, v in by_unit.items()}),
            "text_workers": text_pool.workers if text_pool else 1,
            "preview": table.preview(
                ["article_id", "surface", "value", "unit", "category", "city_code"]
            ),
        }
    )


_BLOCK_FIELDS = ("article_id", "block_index", *text_work.BLOCK_FIELDS)


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


@dg.asset(group_name="raw", kinds={"python", "duckdb"}, **_COMMON)
def place_reference(ledger: LedgerPaths) -> dg.MaterializeResult:
    """The gazetteer (orchestration/text/rules/places.csv): the region, the twelve leagues
    and cities, and their county-level places and ports, each with its parent."""
    frame = pd.DataFrame(
        [
            {
                "place_code": p.code,
                "place_name": p.name,
                "place_level": p.level,
                "place_kind": p.kind,
                "parent_code": p.parent_code,
                "within_code": p.within_code,
                "city_code": p.city_code,
                "aliases": "|".join(p.aliases),
            }
            for p in gazetteer().values()
        ]
    )
    ledger.warehouse.replace_table("places", frame, PLACE_COLUMNS)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "by_level": dg.MetadataValue.json(frame["place_level"].value_counts().to_dict()),
        }
    )


@dg.asset(group_name="raw", kinds={"python", "duckdb"}, **_COMMON)
def metric_reference(ledger: LedgerPaths) -> dg.MaterializeResult:
    """The metric vocabulary (orchestration/text/rules/metrics.csv): every metric the
    extractor and the annotations may name, with its category and units."""
    frame = pd.DataFrame(
        [
            {
                "metric": m.name,
                "metric_code": m.code,
                "category": m.category,
                "units": "|".join(sorted(m.units)),
                "description_zh": m.description_zh,
                "priority": m.priority,
            }
            for m in VOCABULARY.values()
        ]
    )
    ledger.warehouse.replace_table("metrics", frame, METRIC_COLUMNS)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "by_category": dg.MetadataValue.json(frame["category"].value_counts().to_dict()),
        }
    )


RAW_ASSETS = [
    raw_articles,
    parse_articles,
    article_annotations,
    extracted_figures,
    city_reference,
    place_reference,
    metric_reference,
]
