"""Article pages: ``<report>/articles/<article_id>.html``, one static page per article.

Each page shows the article's repaired text (``raw.parsed_articles.repaired_text``) with
every figure of ``main.fct_figures`` highlighted at ``char_start..char_end`` (character
offsets into that text), coloured by category. Hovering a figure shows what the ledger
holds for it (value, unit, bound, modality, place, period, metric and measure, source),
its review state (``main.figure_review.review_reason``) and the failing check rows that
name it; where the annotation and the reading disagree on the value, both are shown with
the annotation's file and line. A table under the text lists the same, figure by figure.

Pages are self-contained (inline CSS, no script, nothing fetched). They are written when
the report is published, for the articles of the run (every article in a full run); see
:func:`pages_for` for the limit on very large runs.
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

ARTICLES_FOLDER = "articles"
HIGHLIGHT_CLASS = "fig"  # every highlighted figure is a <mark class="fig cat-...">

CATEGORY_COLOURS = {
    "funding": "#ffe08a",
    "trade": "#a8d8ff",
    "transport": "#b8f0b0",
    "talent": "#f5c0f0",
    "other": "#e0e0e0",
}
FALLBACK_COLOUR = "#ffd0a0"

FIGURES_SQL = """
    select f.figure_id, f.article_id, f.char_start, f.char_end, f.surface, f.category,
           f.value, f.unit, f.bound, f.modality, f.city_code, f.place_code, f.place_name,
           f.period_text, f.period_start, f.period_end, f.metric, f.metric_code, f.measure,
           f.source, f.annotated_value, f.annotation_file, f.annotation_line
    from main.fct_figures f"""
REVIEW_SQL = "select figure_id, article_id, review_reason from main.figure_review"
TEXT_SQL = "select article_id, headline, repaired_text from raw.parsed_articles"

TOOLTIP_FIELDS = (
    ("value", "value"),
    ("unit", "unit"),
    ("bound", "bound"),
    ("modality", "modality"),
    ("city_code", "city"),
    ("place_code", "place"),
    ("place_name", "place name"),
    ("period_text", "period (words)"),
    ("period_start", "period start"),
    ("period_end", "period end"),
    ("metric", "metric"),
    ("metric_code", "metric code"),
    ("measure", "measure"),
    ("source", "source"),
)


def page_name(article_id: str) -> str:
    """The page's file name, relative to the articles folder (ids are file stems)."""
    return f"{article_id}.html"


def page_link(article_id: str) -> str:
    """The link to an article's page from ``index.html``."""
    return f"{ARTICLES_FOLDER}/{html.escape(page_name(article_id), quote=True)}"


def _rows(warehouse, sql: str, article_ids: list[str] | None) -> list[dict[str, Any]]:
    frame = warehouse.read_articles(sql, article_ids)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _disagrees(figure: dict[str, Any]) -> bool:
    annotated, value = figure.get("annotated_value"), figure.get("value")
    if annotated is None or value is None:
        return False
    return abs(float(annotated) - float(value)) > 1e-9 * max(1.0, abs(float(annotated)))


def _tooltip(figure: dict, reasons: list[str], failing: list[tuple[str, dict]]) -> str:
    lines = [f"{label}: {_text(figure.get(key))}" for key, label in TOOLTIP_FIELDS]
    if _disagrees(figure):
        lines.append(
            f"annotated value {_text(figure['annotated_value'])} ≠ read value "
            f"{_text(figure['value'])} ({figure.get('annotation_file')}:"
            f"{_text(figure.get('annotation_line'))})"
        )
    elif figure.get("annotation_file"):
        lines.append(
            f"annotation: {figure['annotation_file']}:{_text(figure.get('annotation_line'))}"
        )
    lines.append("review: " + ("; ".join(reasons) if reasons else "none"))
    for check, _row in failing:
        lines.append(f"failing check: {check}")
    return "\n".join(lines)


def render_page(
    article: dict[str, Any],
    figures: list[dict[str, Any]],
    reasons: dict[str, list[str]],
    failing: dict[str, list[tuple[str, dict]]],
    article_failing: list[tuple[str, dict]],
) -> str:
    """One article's page (``figures`` are that article's; ``reasons`` and ``failing`` are
    keyed by figure id; ``article_failing`` are the article's failing rows of no figure)."""
    text = article.get("repaired_text") or ""
    pieces: list[str] = []
    position = 0
    ordered = sorted(figures, key=lambda f: (int(f["char_start"]), -int(f["char_end"])))
    for figure in ordered:
        start, end = int(figure["char_start"]), int(figure["char_end"])
        start = max(start, position)  # overlapping spans (none expected) stay one element each
        end = max(min(end, len(text)), start)
        pieces.append(html.escape(text[position:start]))
        figure_id = str(figure["figure_id"])
        category = str(figure.get("category") or "unknown")
        classes = [HIGHLIGHT_CLASS, f"cat-{category}"]
        if reasons.get(figure_id):
            classes.append("review")
        if failing.get(figure_id):
            classes.append("failing")
        if _disagrees(figure):
            classes.append("disagree")
        tip = _tooltip(figure, reasons.get(figure_id, []), failing.get(figure_id, []))
        pieces.append(
            f'<mark class="{" ".join(html.escape(c, quote=True) for c in classes)}" '
            f'id="f-{html.escape(figure_id, quote=True)}" title="{html.escape(tip, quote=True)}"'
            f">{html.escape(text[start:end])}</mark>"
        )
        position = end
    pieces.append(html.escape(text[position:]))

    rows = []
    for figure in ordered:
        figure_id = str(figure["figure_id"])
        value = _text(figure.get("value"))
        if _disagrees(figure):
            value = (
                f"<span class='bad'>read {html.escape(value)} · annotated "
                f"{html.escape(_text(figure['annotated_value']))}</span> "
                f"<small>{html.escape(str(figure.get('annotation_file')))}:"
                f"{html.escape(_text(figure.get('annotation_line')))}</small>"
            )
        else:
            value = html.escape(value)
        state = "; ".join(reasons.get(figure_id, []) + [c for c, _ in failing.get(figure_id, [])])
        place = " / ".join(
            _text(figure.get(k)) for k in ("city_code", "place_code", "place_name") if figure.get(k)
        )
        period = " ".join(
            x
            for x in (
                _text(figure.get("period_text")),
                f"{_text(figure.get('period_start'))}…{_text(figure.get('period_end'))}"
                if figure.get("period_start") or figure.get("period_end")
                else "",
            )
            if x
        )
        rows.append(
            f"<tr><td><a href='#f-{html.escape(figure_id, quote=True)}'>"
            f"{html.escape(_text(figure.get('surface')))}</a></td>"
            f"<td><span class='swatch cat-{html.escape(str(figure.get('category')), quote=True)}'>"
            f"{html.escape(_text(figure.get('category')))}</span></td><td>{value}</td>"
            + "".join(
                f"<td>{html.escape(_text(figure.get(k)))}</td>"
                for k in ("unit", "bound", "modality")
            )
            + f"<td>{html.escape(place)}</td><td>{html.escape(period)}</td>"
            f"<td>{html.escape(' / '.join(_text(figure.get(k)) for k in ('metric', 'measure')))}</td>"
            f"<td>{html.escape(_text(figure.get('source')))}</td>"
            f"<td class='{'bad' if state else 'muted'}'>{html.escape(state or 'ok')}</td></tr>"
        )
    other_failing = "".join(
        f"<li><b>{html.escape(check)}</b>: "
        + html.escape(", ".join(f"{k}={_text(v)}" for k, v in row.items() if v is not None))
        + "</li>"
        for check, row in article_failing
    )
    article_id = str(article["article_id"])
    colours = "\n".join(
        f"mark.cat-{name}, .swatch.cat-{name} {{ background: {colour}; }}"
        for name, colour in CATEGORY_COLOURS.items()
    )
    legend = " ".join(f"<span class='swatch cat-{name}'>{name}</span>" for name in CATEGORY_COLOURS)
    return f"""<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>{html.escape(article_id)}: figures in the text</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 60em; }}
.text {{ white-space: pre-wrap; line-height: 1.9; font-size: 17px; }}
mark.{HIGHLIGHT_CLASS} {{ background: {FALLBACK_COLOUR}; padding: 1px 2px; border-radius: 3px;
  cursor: help; color: inherit; }}
{colours}
mark.review {{ outline: 2px dashed #b06000; }}
mark.failing, mark.disagree {{ outline: 2px solid #c5221f; }}
.swatch {{ padding: 0 4px; border-radius: 3px; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }} .bad {{ color: #c5221f; }} .muted {{ color: #777; }}
</style></head><body>
<p><a href="../index.html">← data-quality report</a></p>
<h1>{html.escape(_text(article.get("headline")) or article_id)}</h1>
<p class="muted">article <code>{html.escape(article_id)}</code> · {len(figures)} figures ·
hover a figure for what the ledger holds · dashed outline: for review
(<code>figure_review</code>); solid red: a failing check or an annotated value that
disagrees · {legend}</p>
<div class="text" id="text">{"".join(pieces)}</div>
<h2>Figures</h2>
<table id="figures"><thead><tr><th>surface</th><th>category</th><th>value</th><th>unit</th>
<th>bound</th><th>modality</th><th>city / place</th><th>period</th><th>metric / measure</th>
<th>source</th><th>review</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
{f"<h2>Failing rows of this article</h2><ul>{other_failing}</ul>" if other_failing else ""}
</body></html>
"""


def write_pages(
    report_dir: Path,
    warehouse,
    article_ids: list[str] | None,
    failing_rows: dict[str, list[tuple[str, dict]]] | None = None,
) -> list[str]:
    """Write the pages of ``article_ids`` (None: every article); return the ids written.

    ``failing_rows`` are the failing check rows by article id (``report._rows_by_article``);
    a row with a ``figure_id`` is marked on that figure, the others listed under the text."""
    if article_ids is not None and not article_ids:
        return []
    texts = _rows(warehouse, TEXT_SQL, article_ids)
    figures_by_article: dict[str, list[dict]] = defaultdict(list)
    for figure in _rows(warehouse, FIGURES_SQL, article_ids):
        figures_by_article[str(figure["article_id"])].append(figure)
    reasons: dict[str, list[str]] = defaultdict(list)
    try:
        for row in _rows(warehouse, REVIEW_SQL, article_ids):
            if row.get("review_reason"):
                reasons[str(row["figure_id"])].append(str(row["review_reason"]))
    except Exception:  # noqa: BLE001 - figure_review not built (a failed step)
        pass
    folder = report_dir / ARTICLES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for article in texts:
        article_id = str(article["article_id"])
        by_figure: dict[str, list[tuple[str, dict]]] = defaultdict(list)
        rest = []
        for check, row in (failing_rows or {}).get(article_id, []):
            if row.get("figure_id"):
                by_figure[str(row["figure_id"])].append((check, row))
            else:
                rest.append((check, row))
        page = render_page(
            article, figures_by_article.get(article_id, []), reasons, by_figure, rest
        )
        path = folder / page_name(article_id)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
        written.append(article_id)
    return written
