"""Quality layer: facts about the ledger's figures that the checks validate."""

from collections import defaultdict
from dataclasses import asdict

import dagster as dg
import pandas as pd
from dagster_dbt import get_asset_key_for_model

from orchestration.defs.ingest.assets import preview
from orchestration.defs.resources import LedgerPaths
from orchestration.defs.scope import run_article_ids
from orchestration.defs.transform.dbt_assets import ledger_dbt_core
from orchestration.runtime.memory import release_memory
from orchestration.text.relations import FigureRef, find_relations
from orchestration.warehouse.base import SLICE_ROWS, WITHOUT_ARTICLE

RELATION_COLUMNS = {
    "article_id": "VARCHAR",
    "kind": "VARCHAR",
    "first_id": "VARCHAR",
    "second_id": "VARCHAR",
    "stated_id": "VARCHAR",
    "first_surface": "VARCHAR",
    "second_surface": "VARCHAR",
    "stated_surface": "VARCHAR",
    "expected": "DOUBLE",
    "stated": "DOUBLE",
    "tolerance": "DOUBLE",
    "holds": "BOOLEAN",
    "explanation": "VARCHAR",
}


@dg.asset(
    group_name="quality",
    kinds={"python", "duckdb"},
    deps=[get_asset_key_for_model([ledger_dbt_core], "fct_figures")],
    owners=["team:ledger"],
    pool="warehouse",
)
def figure_relations(
    context: dg.AssetExecutionContext, ledger: LedgerPaths
) -> dg.MaterializeResult:
    """Relations the text states between figures of the ledger (a share of a total, a
    before/after pair, a printed percentage change) and whether the figures agree with
    them, with the tolerance used (``quality.figure_relations``)."""
    keys = scope = run_article_ids(context)  # None: every article, the whole table
    rows = []
    # in slices of articles: the whole fct_figures of 100,000 articles is 3.6 M figures
    for articles in ledger.warehouse.article_slices("main.fct_figures", keys, SLICE_ROWS):
        if articles == WITHOUT_ARTICLE:
            continue  # a figure of no article has no text to state a relation in
        rows.extend(_relations_of(context, ledger.warehouse, articles))
        release_memory()
    frame = pd.DataFrame(rows)
    ledger.warehouse.write_rows(
        "figure_relations", frame, RELATION_COLUMNS, scope, schema="quality"
    )
    holding = int(frame["holds"].sum()) if len(frame) else 0
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(frame),
            "relations_holding": holding,
            "relations_failing": len(frame) - holding,
            "preview": preview(frame, ["article_id", "kind", "holds", "explanation"]),
        }
    )


def _relations_of(context, warehouse, articles: list[str] | None) -> list[dict]:
    """The relation rows of ``articles`` (every article: None)."""
    figures = warehouse.read_articles(
        "SELECT figure_id, article_id, char_start, char_end, value, unit, surface "
        "FROM main.fct_figures",
        articles,
    ).sort_values(["article_id", "char_start"])
    texts = dict(
        warehouse.read_articles(
            "SELECT article_id, repaired_text FROM main.stg_articles", articles
        ).itertuples(index=False, name=None)
    )
    by_article: dict[str, list[FigureRef]] = defaultdict(list)
    for row in figures.itertuples(index=False):
        by_article[row.article_id].append(
            FigureRef(
                row.figure_id,
                int(row.char_start),
                int(row.char_end),
                float(row.value),
                row.unit,
                row.surface,
            )
        )
    rows = []
    for article_id, refs in sorted(by_article.items()):
        for relation in find_relations(texts.get(article_id, ""), refs):
            rows.append({"article_id": article_id, **asdict(relation)})
            if not relation.holds:
                context.log.warning(f"{article_id}: relation does not hold: {relation.explanation}")
    return rows
