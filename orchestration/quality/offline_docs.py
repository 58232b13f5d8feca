"""Great Expectations Data Docs that open offline, without any third-party file in the repo.

GX 1.x writes pages that load Bootstrap, jQuery, bootstrap-table, Font Awesome and Vega
from CDNs and its logo from S3: offline the pages were unstyled and the Data Docs index
was empty (its two tables are filled in by bootstrap-table from data in an inline script).
After every Data Docs build (``gx_suites``) :func:`make_offline` rewrites each page of the
site in place:

- ``<link>`` and ``<script src>`` elements pointing outside the site (``http://``,
  ``https://``, ``//``) are removed, and so are the inline scripts that need the removed
  libraries (every one GX writes calls jQuery's ``$``);
- links into the site's ``static/`` folder are made relative to the page (GX's favicon
  link on validation pages missed a level);
- an external ``<img>`` is pointed at the copy GX keeps in ``static/images/`` (the logo)
  or removed, and external ``url(...)`` in inline styles is dropped;
- the index's tables are rendered as plain HTML rows from the data of the inline
  ``bootstrapTable(...)`` call, each cell linking to its validation or suite page;
- a ``<link>`` to our own stylesheet ``static/data_docs.css`` (copied into the site as
  ``static/styles/ledger_data_docs.css``) styles the Bootstrap class names GX uses: tables,
  headings, alerts, badges, cards, navigation, and the Font Awesome status icons as
  characters; controls that only worked with the scripts (filters, "Failed Only") are
  hidden.

A rewritten page carries :data:`MARKER`, so a second pass leaves it alone (idempotent);
pages written by an earlier process cost a read (≈ 0.05 ms). Rewriting a seed run's 23
pages takes ≈ 7 ms (≈ 0.3 ms a page), beside ≈ 0.5 s for GX's build. Regular expressions,
not a parser: the input is GX's own templates (``tests/test_offline_report.py`` renders
the result offline in headless Chromium).
"""

from __future__ import annotations

import ast
import contextlib
import html
import re
import shutil
from pathlib import Path
from typing import Any

STYLESHEET = Path(__file__).resolve().parent / "static" / "data_docs.css"
SITE_STYLESHEET = "static/styles/ledger_data_docs.css"  # where it goes in the site
MARKER = "<!-- ledger: offline data docs -->"

_EXTERNAL = r"""["']?\s*(?:https?:)?//"""
_LINK = re.compile(rf"<link\b[^>]*?\bhref\s*=\s*{_EXTERNAL}[^>]*>\s*", re.I)
_SCRIPT_SRC = re.compile(
    rf"<script\b[^>]*?\bsrc\s*=\s*{_EXTERNAL}[^>]*>.*?</script\s*>\s*", re.I | re.S
)
_INLINE_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>\s*", re.I | re.S)
_IMG = re.compile(rf"<img\b[^>]*?\bsrc\s*=\s*{_EXTERNAL}[^>]*>", re.I | re.S)
_SRC_URL = re.compile(r"""\bsrc\s*=\s*(["']?)([^"'\s>]+)\1""", re.I)
_STATIC_REF = re.compile(r"""=(["'])(?:\./|(?:\.\./)+)static/""")
_CSS_URL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//[^)]*\)""")
_TABLE_CALL = re.compile(
    r"\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\(\s*Object\.assign\(\s*\{\s*"
    r"columns: (?P<columns>[^\n]*),\s*\n\s*data: (?P<data>[^\n]*),\s*\n"
    r"(?:[^\n]*\n){2}\s*(?P<options>\{[^\n]*\})"  # toolbar, "}," then the options
)
_NEEDS_LIBRARIES = ("$(", "$.", "jQuery", "bootstrapTable", "vegaEmbed")


def make_offline(site_dir: Path) -> int:
    """Rewrite every HTML page under ``site_dir`` (a Data Docs site) to need nothing from
    outside it; returns how many pages were rewritten (0 when all already were)."""
    if not site_dir.is_dir():
        return 0
    target = site_dir / SITE_STYLESHEET
    css = STYLESHEET.read_bytes()
    if not target.exists() or target.read_bytes() != css:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(STYLESHEET, target)
    rewritten = 0
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if MARKER in text:
            continue
        prefix = "../" * (len(page.relative_to(site_dir).parts) - 1)
        page.write_text(offline_page(text, prefix, site_dir), encoding="utf-8")
        rewritten += 1
    return rewritten


def offline_page(text: str, prefix: str, site_dir: Path | None = None) -> str:
    """One page as it reads offline; ``prefix`` leads from the page to the site's root."""
    if MARKER in text:
        return text
    tables = {
        m["id"]: _static_table(m["columns"], m["data"], m["options"])
        for m in _TABLE_CALL.finditer(text)
    }
    text = _LINK.sub("", text)
    text = _SCRIPT_SRC.sub("", text)
    text = _INLINE_SCRIPT.sub(
        lambda m: "" if any(s in m[1] for s in _NEEDS_LIBRARIES) else m[0], text
    )
    text = _IMG.sub(lambda m: _local_image(m[0], prefix, site_dir), text)
    text = _CSS_URL.sub("none", text)
    # GX's favicon link climbs one folder too few on validation pages
    text = _STATIC_REF.sub(lambda m: f"={m[1]}{prefix}static/", text)
    for table_id, rows in tables.items():
        text = re.sub(
            rf"(<table\b[^>]*\bid=\"{re.escape(table_id)}\"[^>]*>)\s*(</table>)",
            lambda m, rows=rows: f"{m[1]}\n{rows}\n{m[2]}",
            text,
            count=1,
        )
    link = f'<link rel="stylesheet" href="{prefix}{SITE_STYLESHEET}">'
    head_end = text.lower().find("</head>")
    if head_end < 0:
        return f"{MARKER}\n{link}\n{text}"
    return f"{text[:head_end]}{link}\n{MARKER}\n{text[head_end:]}"


def _local_image(tag: str, prefix: str, site_dir: Path | None) -> str:
    """``tag`` pointing at the site's copy of its image (GX keeps its logo in
    ``static/images/``), or nothing when the site has none."""
    url = _SRC_URL.search(tag)
    name = url[2].split("?")[0].rsplit("/", 1)[-1] if url else ""
    if name and site_dir is not None and (site_dir / "static" / "images" / name).is_file():
        return _SRC_URL.sub(f'src="{prefix}static/images/{name}"', tag, count=1)
    return ""


def _static_table(columns_literal: str, data_literal: str, options_literal: str) -> str:
    """The ``<thead>``/``<tbody>`` bootstrap-table would have built from the inline call's
    ``columns``, ``data`` and options (Python literals written by GX's template), in the
    order they ask for (validations newest first, suites by name)."""
    try:
        columns: list[dict[str, Any]] = ast.literal_eval(columns_literal)
        data: list[dict[str, Any]] = ast.literal_eval(data_literal)
        options: dict[str, Any] = ast.literal_eval(options_literal)
    except (ValueError, SyntaxError):
        return '<tbody><tr><td class="ledger-missing">This table could not be rendered.</td></tr></tbody>'
    by = next((c for c in columns if c["field"] == options.get("sortName")), None)
    key = by.get("sortName", by["field"]) if by else None
    if key and all(isinstance(row.get(key), str | int | float) for row in data):
        with contextlib.suppress(TypeError):  # mixed types: GX's order
            data = sorted(
                data, key=lambda row: row[key], reverse=options.get("sortOrder") == "desc"
            )
    head = "".join(f"<th>{html.escape(str(c.get('title', c['field'])))}</th>" for c in columns)
    body = []
    for row in data:
        link = row.get("_table_row_link_path")
        cells = []
        for column in columns:
            value = row.get(column["field"], "")
            cell = value.strip() if isinstance(value, str) else html.escape(str(value))
            if link and "<a " not in cell:
                cell = f'<a class="ledger-row-link" href="{html.escape(link)}">{cell}</a>'
            cells.append(f"<td>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>"
