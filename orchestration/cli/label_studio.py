"""The annotation round trip through Label Studio: ``python -m orchestration.cli.label_studio``.

    export --out tasks.json [--raw DIR]          tasks with the extractor's figures as predictions
    push --tasks tasks.json --title T            into a project on LABEL_STUDIO_URL (SDK)
    pull --out export.json --title T             the project's JSON export (SDK)
    import export.json [--raw DIR]               the export as DIR/annotations/<article_id>.csv

**Tasks** (``export``): one per article of ``DIR/articles``: ``data.text`` is the article's
*repaired* text (the offsets of the extractor and of the annotation CSVs point into it),
``data.article_id`` and ``data.headline``; ``predictions`` holds one prediction whose
``model_version`` is :func:`extractor_version` (a hash of the extractor's code and rules)
with one region per figure the extractor finds; an article that has an annotation CSV
also gets its usable rows as an ``annotations`` entry (rows the ledger quarantines have no
span and are left out, with a message). The labeling configuration is
``label_studio/config.xml``: a ``Labels`` span per figure (the category) and per region
the fields of an annotation row (city, place, metric, measure, bound, modality, value,
unit, period_start, period_end, note).

**Import**: per article, the latest submitted annotation (``updated_at``, else
``created_at``; cancelled ones do not count) of all its tasks becomes
``DIR/annotations/<article_id>.csv``, replacing the file the task was made from: one row
per span, ``quote`` the span's text, ``occurrence`` counted from the span's start (the
reader's rule: overlapping appearances count), ``city`` empty for ``region``, the modality
written into ``note`` (``forecast``/``target``, as the CSV convention has it). Every row
names its origin (``origin``: ``label-studio task 12 annotation 34``). When several
annotations disagree, ``DIR/label_studio/<article_id>.review.json`` lists each span and
field where another annotation differs from the winner, and the command prints them (the
folder is beside ``annotations/``, so the pipeline does not read it).

**Malformed exports** never stop the conversion and never drop a span silently: a span
that cannot be trusted (its task has no text or no article id, offsets outside the text,
a quote that is not the text at its offsets, no city chosen, fields without a span, a
task text that is not the article's current repaired text) is written as a row with an
``import_problem``; the ledger's annotation reader makes such a row ``invalid`` with that
reason and its origin, so a run lists it in ``quarantine`` (file, line, task id and
annotation id) and the blocking reconciliation check fails, while the article's other
rows land. An unknown label, an unknown city, a bad value or date reach the reader as
written and are quarantined by its own checks. A task without an article id is written
to ``annotations/label-studio-task-<task id>.csv`` (quarantined as annotations without an
article). The command exits 0 when it wrote the files, and prints the problems it found.

``push`` and ``pull`` use ``label-studio-sdk`` (dependency group ``labelstudio``), kept out
of the ledger's environment: when ``.venv`` lacks it, they run under
``.venv-labelstudio/bin/python`` (made by ``scripts/label_studio_server.sh``). This module
imports only the standard library at the top, so it runs there.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository
CONFIG = ROOT / "label_studio" / "config.xml"
LABEL_STUDIO_PYTHON = ROOT / ".venv-labelstudio" / "bin" / "python"
TEXT = "text"  # the Text tag the spans point into
LABELS = "category"  # the Labels tag: one label per span, the figure's category
REGION = "region"  # the city choice of a region-wide figure: the CSV's empty city
CHOICE_FIELDS = ("city", "measure", "bound", "modality", "unit")
TEXT_FIELDS = ("place", "metric", "value", "period_start", "period_end", "note")
CSV_COLUMNS = (
    "quote",
    "occurrence",
    "city",
    "place",
    "category",
    "metric",
    "measure",
    "value",
    "unit",
    "bound",
    "period_start",
    "period_end",
    "note",
    "origin",  # label-studio task <id> annotation <id>: named in every problem of the row
    "import_problem",  # why the span cannot be trusted: the reader makes the row invalid
)
# the fields compared between annotators (CSV terms)
COMPARED = ("category", "city", "place", "metric", "measure", "value", "unit", "bound")
COMPARED += ("period_start", "period_end", "note")
REVIEW_DIR = "label_studio"  # beside annotations/: not an input of the pipeline
_ARTICLE_ID_RE = re.compile(r"^[^/\\\x00.][^/\\\x00]*$")
_MODALITY_WORD_RE = re.compile(r"forecast|target", re.IGNORECASE)


# ------------------------------------------------------------------ export


def extractor_version() -> str:
    """``extractor-<hash>``: the extractor's code and rules (``orchestration/text``)."""
    digest = hashlib.sha256()
    base = ROOT / "orchestration" / "text"
    for path in sorted([*base.glob("*.py"), *(base / "rules").glob("*")]):
        if path.is_file():
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return f"extractor-{digest.hexdigest()[:12]}"


def number_text(value: float) -> str:
    """A reading as the CSV writes it: 1741000000, 3.5 (twelve significant digits, so the
    float noise of 2.47e8 does not show)."""
    return format(Decimal(f"{value:.12g}").normalize(), "f")


def _annotated_modality(note: str) -> str:
    match = _MODALITY_WORD_RE.search(note or "")
    return match.group().lower() if match else "actual"


def region(region_id: str, start: int, end: int, quote: str, category: str, fields: dict):
    """The results of one span: its label, then one result per non-empty field."""
    span = {"start": start, "end": end}
    results = [
        {
            "id": region_id,
            "from_name": LABELS,
            "to_name": TEXT,
            "type": "labels",
            "value": {**span, "text": quote, "labels": [category]},
        }
    ]
    for name in CHOICE_FIELDS:
        if fields.get(name):
            results.append(
                {
                    "id": region_id,
                    "from_name": name,
                    "to_name": TEXT,
                    "type": "choices",
                    "value": {**span, "choices": [fields[name]]},
                }
            )
    for name in TEXT_FIELDS:
        if fields.get(name):
            results.append(
                {
                    "id": region_id,
                    "from_name": name,
                    "to_name": TEXT,
                    "type": "textarea",
                    "value": {**span, "text": [fields[name]]},
                }
            )
    return results


def _place_text(code: str | None) -> str:
    """A gazetteer code as the name an annotator reads (二连浩特市), when it maps back."""
    from orchestration.text.places import gazetteer, place_code_for

    if not code:
        return ""
    name = gazetteer()[code].name
    return name if place_code_for(name) == code else code


def figure_results(figures) -> list[dict]:
    """A prediction's results: one region per extracted figure."""
    results = []
    for index, figure in enumerate(figures):
        period = figure.period
        fields = {
            "city": figure.city_code or REGION,
            "place": _place_text(figure.place_code),
            "metric": figure.metric or "",
            "measure": figure.measure,
            "bound": figure.bound,
            "modality": figure.modality,
            "value": number_text(figure.value),
            "unit": figure.unit,
            "period_start": period.start.isoformat() if period and period.start else "",
            "period_end": period.end.isoformat() if period and period.end else "",
        }
        results += region(
            f"x{index}",
            figure.char_start,
            figure.char_end,
            figure.surface,
            figure.category,
            fields,
        )
    return results


def csv_results(data: bytes, article_id: str, source: str, text: str):
    """(results, skipped) of an annotation CSV: one region per usable row, with the fields
    as written; ``skipped`` lists the rows that have no span (the run quarantines them)."""
    from orchestration.text.annotations import locate_annotations, read_annotation_file

    located = locate_annotations(read_annotation_file(data, article_id, source), text)
    records = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    results, skipped = [], []
    for record, annotation in zip(records, located, strict=True):
        record = {(k or "").strip(): (v or "").strip() for k, v in record.items() if k}
        if not annotation.usable:
            skipped.append(annotation.problem or f"{source}:{annotation.line}")
            continue
        fields = {name: record.get(name, "") for name in (*CHOICE_FIELDS, *TEXT_FIELDS)}
        fields["city"] = record.get("city") or REGION
        fields["modality"] = _annotated_modality(record.get("note", ""))
        results += region(
            f"a{annotation.line}",
            annotation.char_start,
            annotation.char_end,
            annotation.quote,
            annotation.category,
            fields,
        )
    return results, skipped


def article_text(raw_dir: Path, article_id: str):
    """(parsed article, publication date, home place) of ``DIR/articles/<id>.txt``, as the
    pipeline reads it (``text_work.read_article_file``)."""
    from orchestration.defs.ingest.inventory import article_file
    from orchestration.defs.ingest.text_work import read_article_file

    return read_article_file(article_file(raw_dir, article_id))


def build_tasks(raw_dir: Path, log=print) -> list[dict]:
    """One task per article of ``raw_dir/articles`` (see the module docstring)."""
    from orchestration.defs.ingest.inventory import annotation_file
    from orchestration.text.extraction import extract_figures

    version = extractor_version()
    tasks = []
    for path in sorted((raw_dir / "articles").glob("*.txt")):
        article_id = path.stem
        try:
            parsed, published, home = article_text(raw_dir, article_id)
        except (OSError, ValueError) as error:
            log(f"{article_id}: not exported, the article cannot be read: {error}")
            continue
        # as the pipeline reads it: the sidecar's paper is the place of last resort
        figures = extract_figures(parsed, published, home=home)
        task = {
            "data": {"text": parsed.text, "article_id": article_id, "headline": parsed.headline},
            "predictions": [{"model_version": version, "result": figure_results(figures)}],
        }
        annotations = annotation_file(raw_dir, article_id)
        line = f"{article_id}: {len(figures)} figures predicted"
        if annotations.exists():
            source = annotations.relative_to(raw_dir).as_posix()
            try:
                results, skipped = csv_results(
                    annotations.read_bytes(), article_id, source, parsed.text
                )
            except (OSError, ValueError) as error:
                log(f"{source}: annotations not exported: {error}")
            else:
                task["annotations"] = [{"result": results, "was_cancelled": False}]
                spans = len({r["id"] for r in results})
                line += f", {spans} annotated spans from {source}"
                for problem in skipped:
                    log(f"  not exported (the run quarantines it): {problem}")
        log(line)
        tasks.append(task)
    return tasks


# ------------------------------------------------------------------ import


@dataclass
class Submission:
    """One annotation of a task: who, when, and its rows."""

    task_id: object
    annotation_id: object
    completed_by: object
    when: str
    rows: list[dict] = field(default_factory=list)


def _timestamp(annotation: dict) -> tuple:
    """Sort key of a submission: updated_at, else created_at (ISO 8601), then its id."""
    raw = annotation.get("updated_at") or annotation.get("created_at") or ""
    try:
        when = datetime.fromisoformat(str(raw).replace("Z", "+00:00")).timestamp()
    except ValueError:
        when = float("-inf")
    ident = annotation.get("id")
    return (when, ident if isinstance(ident, int) else -1)


def occurrence_at(text: str, quote: str, start: int) -> int:
    """Which appearance of ``quote`` starts at ``start`` (overlapping ones count, as in
    :func:`orchestration.text.annotations.find_occurrence`)."""
    count, position = 1, text.find(quote)
    while 0 <= position < start:
        count += 1
        position = text.find(quote, position + 1)
    return count


def _one_line(value: object) -> str:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return " ".join(str(value if value is not None else "").split())


def annotation_rows(task: dict, annotation: dict, expected_text: str | None) -> list[dict]:
    """The CSV rows of one Label Studio annotation, each with its ``import_problem``, if
    any. ``expected_text``: the article's current repaired text, when the raw folder has
    the article."""
    task_id, annotation_id = task.get("id"), annotation.get("id")
    origin = f"label-studio task {task_id} annotation {annotation_id}"
    data = task.get("data") if isinstance(task.get("data"), dict) else {}
    text = data.get(TEXT)
    task_problem = None
    if not isinstance(text, str) or not text:
        task_problem, text = "the task has no data.text", None
    elif expected_text is not None and text != expected_text:
        task_problem = (
            "the task's text is not the article's current repaired text (the article "
            "changed after the export): export and annotate it again"
        )
    if not _valid_article_id(data.get("article_id")):
        task_problem = task_problem or "the task has no usable data.article_id"
    results = annotation.get("result")
    if not isinstance(results, list):
        return [_row(origin, import_problem="the annotation's result is not a list")]
    regions: dict[str, list[dict]] = {}
    for result in results:
        if isinstance(result, dict) and result.get("type") in ("labels", "choices", "textarea"):
            regions.setdefault(str(result.get("id")), []).append(result)
    rows = []
    for region_id, parts in regions.items():
        labels = [p for p in parts if p["type"] == "labels"]
        value = labels[0].get("value") if labels else None
        if not isinstance(value, dict):
            problem = f"region {region_id}: fields without a labeled span"
            rows.append((len(text or ""), _row(origin, import_problem=problem)))
            continue
        fields = {}
        for part in parts:
            part_value = part.get("value") if isinstance(part.get("value"), dict) else {}
            if part["type"] == "choices":
                fields[part.get("from_name")] = "|".join(map(str, part_value.get("choices") or []))
            elif part["type"] == "textarea":
                fields[part.get("from_name")] = _one_line(part_value.get("text"))
        rows.append(_span_row(origin, text, value, fields, task_problem))
    in_order = sorted(rows, key=lambda pair: (pair[1]["import_problem"] != "", pair[0]))
    return [row for _, row in in_order]


def _valid_article_id(article_id: object) -> bool:
    return isinstance(article_id, str) and bool(_ARTICLE_ID_RE.match(article_id))


def _row(origin: str, import_problem: str = "", **fields) -> dict:
    row = dict.fromkeys(CSV_COLUMNS, "")
    row.update(fields, origin=origin, import_problem=import_problem)
    return row


def _span_row(origin, text, value, fields, task_problem) -> tuple[int, dict]:
    """(start, row) of one span; its quote and occurrence from the text at its offsets."""
    start, end, quote = value.get("start"), value.get("end"), value.get("text")
    quote = quote if isinstance(quote, str) else ""
    problems = [task_problem] if task_problem else []
    offsets_ok = (
        text is not None
        and isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(text)
    )
    if text is not None and not offsets_ok:
        problems.append(f"offsets {start}-{end} outside the text ({len(text)} characters)")
    elif offsets_ok:
        printed = text[start:end]
        if quote and quote.strip() != printed.strip():
            problems.append(f"quote '{quote}' is not the text at {start}-{end} ('{printed}')")
        elif "\n" in printed.strip():
            problems.append(f"the span {start}-{end} crosses a line break")
        quote = quote if problems else printed.strip()
        # leading or trailing blanks of a span are not part of the figure
        start += len(printed) - len(printed.lstrip())
    labels = value.get("labels")
    category = "|".join(map(str, labels)) if isinstance(labels, list) else ""
    modality = fields.get("modality", "")
    note = fields.get("note", "")
    if modality in ("forecast", "target") and _annotated_modality(note) != modality:
        note = f"{modality}; {note}" if note else modality
    city = fields.get("city", "")
    if not city:
        problems.append("no city chosen (a city, or region for a region-wide figure)")
    if problems:  # one line, whatever the export held (a row is a line of the file)
        quote = " ".join(quote.split())
    occurrence = occurrence_at(text, quote, start) if offsets_ok and not problems else 1
    row = _row(
        origin,
        import_problem="; ".join(problems),
        quote=quote,
        occurrence=str(occurrence),
        city="" if city == REGION else city,
        place=fields.get("place", ""),
        category=category,
        metric=fields.get("metric", ""),
        measure=fields.get("measure", ""),
        value=fields.get("value", ""),
        unit=fields.get("unit", ""),
        bound=fields.get("bound", ""),
        period_start=fields.get("period_start", ""),
        period_end=fields.get("period_end", ""),
        note=note,
    )
    return start if isinstance(start, int) else 0, row


@dataclass
class ImportResult:
    written: dict[str, int] = field(default_factory=dict)  # file → rows
    problems: list[str] = field(default_factory=list)  # origin: reason
    reviews: dict[str, list[dict]] = field(default_factory=dict)  # article → disagreements
    skipped: list[str] = field(default_factory=list)  # tasks without a submitted annotation


def import_export(tasks: list, raw_dir: Path) -> ImportResult:
    """Write the annotation CSVs (and review files) of a Label Studio JSON export."""
    result = ImportResult()
    by_article: dict[str, list[tuple[tuple, Submission]]] = {}
    texts: dict[str, str | None] = {}
    for task in tasks:
        if not isinstance(task, dict):
            result.problems.append(f"an entry of the export is not a task: {str(task)[:60]}")
            continue
        data = task.get("data") if isinstance(task.get("data"), dict) else {}
        article_id = data.get("article_id")
        if not _valid_article_id(article_id):
            article_id = f"label-studio-task-{task.get('id')}"
        if article_id not in texts:
            texts[article_id] = _current_text(raw_dir, article_id)
        annotations = [
            a
            for a in task.get("annotations") or []
            if isinstance(a, dict) and not a.get("was_cancelled")
        ]
        if not annotations:
            result.skipped.append(f"task {task.get('id')} ({article_id}): no submitted annotation")
        for annotation in annotations:
            submission = Submission(
                task.get("id"),
                annotation.get("id"),
                annotation.get("completed_by"),
                str(annotation.get("updated_at") or annotation.get("created_at") or ""),
                annotation_rows(task, annotation, texts[article_id]),
            )
            key = _timestamp(annotation)
            by_article.setdefault(article_id, []).append((key, submission))
    out = raw_dir / "annotations"
    out.mkdir(parents=True, exist_ok=True)
    for article_id, submissions in sorted(by_article.items()):
        submissions.sort(key=lambda pair: pair[0])
        winner = submissions[-1][1]
        path = out / f"{article_id}.csv"
        _write_csv(path, winner.rows)
        result.written[path.relative_to(raw_dir).as_posix()] = len(winner.rows)
        for row in winner.rows:
            if row["import_problem"]:
                result.problems.append(f"{article_id}: {row['origin']}: {row['import_problem']}")
        disagreements = [d for _, other in submissions[:-1] for d in _disagreements(winner, other)]
        review = raw_dir / REVIEW_DIR / f"{article_id}.review.json"
        if disagreements:
            review.parent.mkdir(exist_ok=True)
            report = {
                "article_id": article_id,
                "winner": _who(winner),
                "others": [_who(other) for _, other in submissions[:-1]],
                "disagreements": disagreements,
            }
            review.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
            result.reviews[article_id] = disagreements
        elif review.exists():
            review.unlink()
    return result


def _current_text(raw_dir: Path, article_id: str) -> str | None:
    """The article's repaired text in the raw folder, or None when it has none."""
    try:
        return article_text(raw_dir, article_id)[0].text
    except (OSError, ValueError):
        return None


def _write_csv(path: Path, rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(buffer.getvalue(), "utf-8")
    temporary.replace(path)


def _who(submission: Submission) -> dict:
    return {
        "task_id": submission.task_id,
        "annotation_id": submission.annotation_id,
        "completed_by": submission.completed_by,
        "updated_at": submission.when,
    }


def _disagreements(winner: Submission, other: Submission) -> list[dict]:
    """Spans and fields where ``other`` differs from ``winner`` (spans by quote and
    occurrence, as the ledger identifies them)."""

    def spans(rows):
        return {(r["quote"], r["occurrence"]): r for r in rows if not r["import_problem"]}

    mine, theirs = spans(winner.rows), spans(other.rows)
    found = []
    for key in sorted(mine.keys() | theirs.keys()):
        a, b = mine.get(key), theirs.get(key)
        base = {"quote": key[0], "occurrence": int(key[1]), "other": other.annotation_id}
        if a is None or b is None:
            found.append(
                {
                    **base,
                    "field": "span",
                    "winner_value": "present" if a else "absent",
                    "other_value": "present" if b else "absent",
                }
            )
            continue
        for name in COMPARED:
            if a[name] != b[name]:
                found.append(
                    {**base, "field": name, "winner_value": a[name], "other_value": b[name]}
                )
    return found


# ------------------------------------------------------------------ server (label-studio-sdk)


def client():
    """A Label Studio client from ``LABEL_STUDIO_URL`` and ``LABEL_STUDIO_API_KEY``."""
    from label_studio_sdk import LabelStudio

    url, key = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    if not url or not key:
        raise SystemExit(
            "set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY (a local server: "
            'eval "$(scripts/label_studio_server.sh start)")'
        )
    return LabelStudio(base_url=url, api_key=key)


def find_project(ls, title: str):
    return next((p for p in ls.projects.list(title=title) if p.title == title), None)


def push(ls, tasks: list[dict], title: str, config: str) -> tuple[int, int, int]:
    """Create the project ``title`` (or update its labeling configuration) and import the
    tasks of articles it does not hold yet; a held article gets the tasks' prediction when
    it has none of that model version. The project pre-labels new annotations with that
    model version's predictions. Returns (project id, tasks imported, predictions added)."""
    project = find_project(ls, title)
    if project is None:
        project = ls.projects.create(title=title, label_config=config)
    else:
        ls.projects.update(id=project.id, label_config=config)
    held = {}
    for task in ls.tasks.list(project=project.id, fields="all"):
        article_id = (task.data or {}).get("article_id")
        held.setdefault(article_id, task)
    new = [t for t in tasks if t["data"]["article_id"] not in held]
    if new:
        ls.projects.import_tasks(id=project.id, request=new)
    added = 0
    for task in tasks:
        existing = held.get(task["data"]["article_id"])
        if existing is None:
            continue
        versions = {_get(p, "model_version") for p in existing.predictions or []}
        for prediction in task.get("predictions", []):
            if prediction["model_version"] not in versions:
                ls.predictions.create(
                    task=existing.id,
                    result=prediction["result"],
                    model_version=prediction["model_version"],
                )
                added += 1
    versions = [p["model_version"] for t in tasks for p in t.get("predictions", [])]
    if versions:  # a new annotation starts from the latest extractor's figures
        ls.projects.update(id=project.id, model_version=versions[-1], show_collab_predictions=True)
    return project.id, len(new), added


def _get(item, name):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def pull(ls, title: str) -> bytes:
    """The project's JSON export, every task (annotated or not)."""
    project = find_project(ls, title)
    if project is None:
        raise SystemExit(f"no Label Studio project titled '{title}'")
    return b"".join(
        ls.projects.exports.download_sync(
            id=project.id, export_type="JSON", download_all_tasks=True
        )
    )


def _sdk_or_reexec(argv: list[str]) -> None:
    """Run under .venv-labelstudio when this interpreter has no label-studio-sdk."""
    try:
        import label_studio_sdk  # noqa: F401
    except ImportError:
        if LABEL_STUDIO_PYTHON.exists() and not os.environ.get("LEDGER_LABEL_STUDIO_REEXEC"):
            path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
            env = {**os.environ, "PYTHONPATH": path, "LEDGER_LABEL_STUDIO_REEXEC": "1"}
            python = str(LABEL_STUDIO_PYTHON)
            os.execve(python, [python, "-m", "orchestration.cli.label_studio", *argv], env)
        raise SystemExit(
            "label-studio-sdk is not installed: scripts/label_studio_server.sh start installs "
            "it into .venv-labelstudio (or `uv pip install --group labelstudio` elsewhere)"
        ) from None


# ------------------------------------------------------------------ command line


def _default_raw() -> Path:
    return Path(os.environ.get("LEDGER_RAW_DIR", "raw"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli.label_studio")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write Label Studio tasks")
    export.add_argument("--out", type=Path, required=True)
    export.add_argument("--raw", type=Path, default=None, help="raw folder (LEDGER_RAW_DIR)")
    push_cmd = commands.add_parser("push", help="create/update a project, import tasks")
    push_cmd.add_argument("--tasks", type=Path, required=True)
    push_cmd.add_argument("--title", default="Regional ledger figures")
    push_cmd.add_argument("--config", type=Path, default=CONFIG)
    pull_cmd = commands.add_parser("pull", help="download the project's JSON export")
    pull_cmd.add_argument("--out", type=Path, required=True)
    pull_cmd.add_argument("--title", default="Regional ledger figures")
    imp = commands.add_parser("import", help="a JSON export into annotation CSVs")
    imp.add_argument("export", type=Path)
    imp.add_argument("--raw", type=Path, default=None, help="raw folder (LEDGER_RAW_DIR)")
    args = parser.parse_args(argv)

    if args.command == "export":
        raw = args.raw or _default_raw()
        tasks = build_tasks(raw)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print(f"{args.out}: {len(tasks)} tasks, model version {extractor_version()}")
        return 0
    if args.command == "import":
        raw = args.raw or _default_raw()
        try:
            tasks = json.loads(args.export.read_text("utf-8-sig"))
        except (OSError, ValueError) as error:
            print(f"{args.export}: not a Label Studio JSON export: {error}", file=sys.stderr)
            return 2
        if not isinstance(tasks, list):
            print(f"{args.export}: not a Label Studio JSON export (a list of tasks)")
            return 2
        result = import_export(tasks, raw)
        for path, rows in result.written.items():
            print(f"{raw / path}: {rows} rows")
        for line in result.skipped:
            print(f"skipped: {line}")
        for line in result.problems:
            print(f"problem (quarantined by the next run): {line}")
        for article_id, items in result.reviews.items():
            print(f"review {raw / REVIEW_DIR / (article_id + '.review.json')}:")
            for d in items:
                print(
                    f"  {d['quote']} #{d['occurrence']} {d['field']}: kept "
                    f"'{d['winner_value']}', annotation {d['other']} says '{d['other_value']}'"
                )
        return 0
    if not 3 <= len(args.title) <= 50:
        parser.error("--title: Label Studio takes 3 to 50 characters")
    _sdk_or_reexec(argv)
    from label_studio_sdk.core.api_error import ApiError

    try:
        return _server_command(args, client())
    except ApiError as error:
        print(f"Label Studio answered {error.status_code}: {error.body}", file=sys.stderr)
        return 1


def _server_command(args, ls) -> int:
    if args.command == "push":
        tasks = json.loads(args.tasks.read_text("utf-8"))
        project, imported, added = push(ls, tasks, args.title, args.config.read_text("utf-8"))
        print(
            f"project {project} '{args.title}': {imported} tasks imported, "
            f"{added} predictions added to held tasks"
        )
        return 0
    data = pull(ls, args.title)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(json.loads(data))} tasks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
