"""The Label Studio round trip (orchestration/cli/label_studio.py, issue 16).

Without a server: tasks carry the repaired text, the extractor's figures and the CSV
annotations; an annotator who accepts the predictions that match the seed's annotations
gives back its 71 rows exactly; a malformed export lands its good rows and quarantines the
rest naming task and annotation; the latest of several annotators wins, the others'
differences are listed for review.

Against a real server (marker ``label_studio``; ``.ci/run`` starts one with
``scripts/label_studio_server.sh``): outside CI the test skips when ``LABEL_STUDIO_URL`` is
not set, in CI it fails. The SDK lives in ``.venv-labelstudio`` (with the server), not in
the ledger's ``.venv``: the test drives it through the module's command line and a small
annotator script run by that environment's Python.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from orchestration.cli.label_studio import (
    CONFIG,
    LABEL_STUDIO_PYTHON,
    REGION,
    build_tasks,
    extractor_version,
    import_export,
    main,
    occurrence_at,
)
from orchestration.text.annotations import (
    find_occurrence,
    locate_annotations,
    read_annotation_file,
)
from orchestration.text.extraction import extract_figures
from orchestration.text.parsing import decode_article, parse_article
from tests.conftest import DEV_DATA, RAW, ROOT, make_raw_dir, query, run_pipeline

SEED = RAW / "articles" / "nmg-regional-cooperation.txt"
SEED_ID = SEED.stem
OTHER = DEV_DATA / "real" / "articles" / "real-wire-customs.txt"


def regions(results: list[dict]) -> dict[str, list[dict]]:
    """Results grouped by region id, in order."""
    grouped: dict[str, list[dict]] = {}
    for result in results:
        grouped.setdefault(result["id"], []).append(result)
    return grouped


def span(parts: list[dict]) -> tuple[int, int]:
    [label] = [p for p in parts if p["type"] == "labels"]
    return label["value"]["start"], label["value"]["end"]


def submitted(annotation_id, result, updated, created=None, **extra) -> dict:
    return {
        "id": annotation_id,
        "completed_by": 1,
        "result": result,
        "was_cancelled": False,
        "created_at": created or updated,
        "updated_at": updated,
        **extra,
    }


def located(path, text: str):
    return locate_annotations(read_annotation_file(path.read_bytes(), SEED_ID, path.name), text)


def key(annotation) -> tuple:
    """What an annotation row says (its line and origin aside)."""
    return (
        annotation.quote,
        annotation.occurrence,
        annotation.city_code,
        annotation.category,
        annotation.metric,
        annotation.value,
        annotation.unit,
        annotation.bound,
        annotation.place_code,
        annotation.measure,
        annotation.period_start,
        annotation.period_end,
        annotation.note,
        annotation.char_start,
        annotation.status,
    )


def seed_text() -> str:
    return parse_article(SEED_ID, decode_article(SEED.read_bytes())[0]).text


@pytest.fixture
def seed_task(tmp_path):
    raw = make_raw_dir(tmp_path / "seed", [SEED])
    [task] = build_tasks(raw, log=lambda _: None)
    return task


def accept_matching_predictions(task: dict) -> tuple[list[dict], int, int]:
    """What an annotator submits who accepts every prediction that matches an annotation
    of the task (keeping the annotation's fields where the extractor read them otherwise)
    and keeps the annotated figures no prediction found: (result, accepted, kept)."""
    predicted = regions(task["predictions"][0]["result"])
    annotated = {span(parts): parts for parts in regions(task["annotations"][0]["result"]).values()}
    result, accepted = [], set()
    for region_id, parts in predicted.items():
        match = annotated.get(span(parts))
        if match:
            accepted.add(span(parts))
            result += [{**r, "id": region_id} for r in match]
    kept = [parts for s, parts in annotated.items() if s not in accepted]
    result += [r for parts in kept for r in parts]
    return result, len(accepted), len(kept)


# ------------------------------------------------------------------ export


def test_tasks_carry_repaired_text_predictions_and_annotations(seed_task):
    text = seed_text()
    figures = extract_figures(parse_article(SEED_ID, decode_article(SEED.read_bytes())[0]))
    assert seed_task["data"]["text"] == text
    assert seed_task["data"]["article_id"] == SEED_ID
    [prediction] = seed_task["predictions"]
    assert prediction["model_version"] == extractor_version()
    assert prediction["model_version"].startswith("extractor-")
    predicted = regions(prediction["result"])
    assert len(predicted) == len(figures)
    for parts, figure in zip(predicted.values(), figures, strict=True):
        [label] = [p for p in parts if p["type"] == "labels"]
        assert label["value"]["text"] == text[figure.char_start : figure.char_end]
        assert label["value"]["labels"] == [figure.category]
        fields = {p["from_name"]: p["value"] for p in parts if p["type"] != "labels"}
        assert fields["city"]["choices"] == [figure.city_code or REGION]
        assert float(fields["value"]["text"][0]) == pytest.approx(figure.value, rel=1e-9)
    [annotation] = seed_task["annotations"]
    assert len(regions(annotation["result"])) == 71
    names = {p["from_name"] for p in prediction["result"] + annotation["result"]}
    config = CONFIG.read_text("utf-8")
    assert all(f'name="{name}"' in config for name in names)


def test_export_command_writes_tasks(tmp_path, capsys):
    raw = make_raw_dir(tmp_path / "raw", [SEED, OTHER])
    out = tmp_path / "tasks.json"
    assert main(["export", "--raw", str(raw), "--out", str(out)]) == 0
    tasks = json.loads(out.read_text("utf-8"))
    assert [t["data"]["article_id"] for t in tasks] == [SEED_ID, OTHER.stem]
    assert "annotations" in tasks[0] and "annotations" in tasks[1]
    assert "71 annotated spans" in capsys.readouterr().out


# ------------------------------------------------------------------ import


def test_round_trip_reproduces_the_seed_annotations(seed_task, tmp_path):
    result, accepted, kept = accept_matching_predictions(seed_task)
    assert accepted >= 60 and accepted + kept == 71  # nearly every figure was predicted
    export = [{"id": 1, "data": seed_task["data"], "annotations": [submitted(9, result, "now")]}]
    raw = make_raw_dir(tmp_path / "raw", [SEED], with_annotations=False)
    outcome = import_export(export, raw)
    assert outcome.written == {f"annotations/{SEED_ID}.csv": 71}
    assert outcome.problems == [] and outcome.reviews == {}
    text = seed_text()
    mine = located(raw / "annotations" / f"{SEED_ID}.csv", text)
    theirs = located(RAW / "annotations" / f"{SEED_ID}.csv", text)
    assert all(a.usable for a in mine)
    assert sorted(map(key, mine), key=str) == sorted(map(key, theirs), key=str)
    assert {a.origin for a in mine} == {"label-studio task 1 annotation 9"}


def test_accepted_predictions_import_as_the_extractor_read_them(seed_task, tmp_path):
    """Predictions accepted as they are become rows the reader locates on the figure's
    span with the extractor's reading; a figure without a metric must be given one."""
    result = seed_task["predictions"][0]["result"]
    export = [{"id": 2, "data": seed_task["data"], "annotations": [submitted(3, result, "now")]}]
    raw = make_raw_dir(tmp_path / "raw", [SEED], with_annotations=False)
    import_export(export, raw)
    text = seed_text()
    figures = extract_figures(parse_article(SEED_ID, decode_article(SEED.read_bytes())[0]))
    rows = located(raw / "annotations" / f"{SEED_ID}.csv", text)
    assert len(rows) == len(figures)
    for row, figure in zip(rows, figures, strict=True):
        if figure.metric is None:
            assert row.status == "invalid" and "metric ''" in row.problem
            assert "label-studio task 2 annotation 3" in row.problem
            continue
        assert row.usable, row.problem
        assert (row.char_start, row.char_end) == (figure.char_start, figure.char_end)
        assert (row.city_code, row.category, row.metric, row.unit, row.bound, row.measure) == (
            figure.city_code,
            figure.category,
            figure.metric,
            figure.unit,
            figure.bound,
            figure.measure,
        )
        assert row.value == pytest.approx(figure.value, rel=1e-9)
        assert (row.place_code or None) == figure.place_code
        assert ("forecast" in row.note) == (figure.modality == "forecast")


def test_latest_annotation_wins_and_disagreements_are_listed(seed_task, tmp_path, capsys):
    base = seed_task["annotations"][0]["result"]
    grouped = regions(base)
    first, second = list(grouped)[:2]
    changed = []
    for result in base:
        if result["id"] == second:
            continue  # the newer annotator deleted the second figure
        if result["id"] == first and result["from_name"] == "value":
            result = {**result, "value": {**result["value"], "text": ["27"]}}
        changed.append(result)
    annotations = [
        # created last but last updated first: updated_at decides
        submitted(5, base, "2026-11-20T10:00:00Z", created="2026-11-20T12:00:00Z"),
        submitted(7, changed, "2026-11-20T11:00:00.5Z", created="2026-11-20T09:00:00Z"),
        {**submitted(8, [], "2026-11-21T00:00:00Z"), "was_cancelled": True},  # skipped
    ]
    export = [{"id": 4, "data": seed_task["data"], "annotations": annotations}]
    raw = make_raw_dir(tmp_path / "raw", [SEED], with_annotations=False)
    assert main(["import", _write(tmp_path, export), "--raw", str(raw)]) == 0
    rows = located(raw / "annotations" / f"{SEED_ID}.csv", seed_text())
    assert len(rows) == 70 and {r.origin for r in rows} == {"label-studio task 4 annotation 7"}
    assert rows[0].quote == "26个" and rows[0].value == 27
    review = json.loads((raw / "label_studio" / f"{SEED_ID}.review.json").read_text("utf-8"))
    assert review["winner"]["annotation_id"] == 7
    assert [o["annotation_id"] for o in review["others"]] == [5]
    found = {
        (d["quote"], d["field"], d["winner_value"], d["other_value"], d["other"])
        for d in review["disagreements"]
    }
    assert found == {("26个", "value", "27", "26", 5), ("547项", "span", "absent", "present", 5)}
    printed = capsys.readouterr().out
    assert "26个 #1 value: kept '27', annotation 5 says '26'" in printed
    # the same export without the second annotator: no disagreement, no stale review file
    export[0]["annotations"] = annotations[1:]
    import_export(export, raw)
    assert not (raw / "label_studio" / f"{SEED_ID}.review.json").exists()


def _write(tmp_path, export) -> str:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export, ensure_ascii=False), "utf-8")
    return str(path)


def test_occurrence_counts_like_the_reader():
    text = "1111 共11个,又11个"
    for quote in ("11", "11个", "1"):
        start = -1
        while (start := text.find(quote, start + 1)) >= 0:
            assert find_occurrence(text, quote, occurrence_at(text, quote, start)) == start


def test_reader_names_the_origin_and_rejects_import_problems():
    data = (
        "quote,city,category,metric,origin,import_problem\n"
        "26个,hohhot,other,departments,label-studio task 3 annotation 4,\n"
        "26个,hohhot,other,departments,label-studio task 3 annotation 4,offsets 1-2 outside\n"
        "99亿元,hohhot,other,departments,label-studio task 3 annotation 4,\n"
    ).encode()
    rows = locate_annotations(read_annotation_file(data, SEED_ID, "a.csv"), seed_text())
    assert [r.status for r in rows] == ["ok", "invalid", "quote_not_found"]
    assert rows[1].problem == "a.csv:3 (label-studio task 3 annotation 4): offsets 1-2 outside"
    assert rows[2].problem.startswith("a.csv:4 (label-studio task 3 annotation 4): quote")


def test_garbage_in_an_export_does_not_stop_the_import(tmp_path, seed_task):
    export = [
        "not a task",
        {"id": 5, "data": seed_task["data"], "annotations": [{"id": 1, "result": "x"}, 3]},
        {"id": 6, "data": {"article_id": "../escape", "text": "x"}, "annotations": []},
    ]
    raw = make_raw_dir(tmp_path / "raw", [SEED], with_annotations=False)
    outcome = import_export(export, raw)
    assert outcome.written == {f"annotations/{SEED_ID}.csv": 1}
    assert any("not a task" in p for p in outcome.problems)
    assert outcome.skipped == ["task 6 (label-studio-task-6): no submitted annotation"]
    [row] = read_annotation_file(
        (raw / "annotations" / f"{SEED_ID}.csv").read_bytes(), SEED_ID, "a.csv"
    )
    assert row.status == "invalid" and "result is not a list" in row.problem
    assert not (tmp_path / "escape.csv").exists()


@pytest.mark.integration
def test_malformed_export_quarantines_its_spans_and_the_rest_lands(tmp_path):
    """Offsets outside the text, a quote not at its offsets, an unknown label, fields
    without a span, a task without text, a task without article id: quarantine rows that
    name task and annotation; the good rows of the same annotation land."""
    raw = make_raw_dir(tmp_path / "raw", [SEED, OTHER])
    seed, other = build_tasks(raw, log=lambda _: None)
    good = seed["annotations"][0]["result"]
    text = seed["data"]["text"]
    start = text.index("17.41亿元")

    def label(region_id, s, e, quote, category="trade", city="ulanqab"):
        value = {"start": s, "end": e}
        return [
            {
                "id": region_id,
                "from_name": "category",
                "to_name": "text",
                "type": "labels",
                "value": {**value, "text": quote, "labels": [category]},
            },
            {
                "id": region_id,
                "from_name": "city",
                "to_name": "text",
                "type": "choices",
                "value": {**value, "choices": [city]},
            },
            {
                "id": region_id,
                "from_name": "metric",
                "to_name": "text",
                "type": "textarea",
                "value": {**value, "text": ["import_export_value"]},
            },
        ]

    bad = [
        *label("b1", len(text) + 5, len(text) + 10, "9.9亿元"),  # offsets outside the text
        *label("b2", start, start + 7, "99.99亿元"),  # the quote is not the text there
        *label("b3", start, start + 7, "17.41亿元", category="finance"),  # unknown label
        {
            "id": "b4",
            "from_name": "city",
            "to_name": "text",
            "type": "choices",
            "value": {"start": 1, "end": 2, "choices": ["hohhot"]},
        },  # fields without a span
    ]
    other_data = {k: v for k, v in other["data"].items() if k != "text"}  # no text
    export = [
        {"id": 1, "data": seed["data"], "annotations": [submitted(11, good + bad, "now")]},
        {
            "id": 2,
            "data": other_data,
            "annotations": [submitted(21, other["annotations"][0]["result"], "now")],
        },
        {
            "id": 3,
            "data": {"text": text},
            "annotations": [submitted(31, label("c1", start, start + 7, "17.41亿元"), "now")],
        },
    ]
    outcome = import_export(export, raw)
    assert outcome.written[f"annotations/{SEED_ID}.csv"] == 71 + 4
    assert "annotations/label-studio-task-3.csv" in outcome.written
    settings, _ = run_pipeline(raw, tmp_path)
    quarantined = query(
        settings,
        "select source_file, line, reason from main.quarantine where stage = 'annotations'",
    )
    reasons = [r for _, _, r in quarantined]

    def rows_of(origin):
        return [r for r in reasons if origin in r]

    seed_rows = rows_of("(label-studio task 1 annotation 11)")
    assert len(seed_rows) == 4
    assert any("outside the text" in r for r in seed_rows)
    assert any("'99.99亿元' is not the text at" in r for r in seed_rows)
    assert any("category 'finance' is not one of" in r for r in seed_rows)
    assert any("fields without a labeled span" in r for r in seed_rows)
    other_rows = rows_of("(label-studio task 2 annotation 21)")
    assert other_rows and all("the task has no data.text" in r for r in other_rows)
    assert len(other_rows) == len(regions(other["annotations"][0]["result"]))
    assert rows_of("(label-studio task 3 annotation 31)")
    assert any("no readable article 'label-studio-task-3'" in r for r in reasons)
    assert all(line is not None for _, line, r in quarantined if "(label-studio task" in r)
    # the seed's 71 good rows landed and reconcile with the extractor's figures
    [(landed, agreeing)] = query(
        settings,
        f"select count(*), count(*) filter (where value_agrees and unit_agrees and bound_agrees"
        f" and in_ledger) from main.annotation_reconciliation"
        f" where article_id = '{SEED_ID}' and status = 'ok'",
    )
    assert landed == agreeing == 71


# ------------------------------------------------------------------ a real server

TITLE = "ledger test round trip"
# run by .venv-labelstudio's Python (it has the SDK): the annotator submits through the API
ANNOTATOR = """
import json, sys
from orchestration.cli.label_studio import client, find_project
title, article_id, result = json.load(sys.stdin)
ls = client()
project = find_project(ls, title)
[task] = [t for t in ls.tasks.list(project=project.id) if t.data["article_id"] == article_id]
annotation = ls.annotations.create(id=task.id, result=result, lead_time=42.0)
print(json.dumps({"task": task.id, "annotation": annotation.id}))
"""


@pytest.fixture(scope="module")
def label_studio_server():
    url, key = os.environ.get("LABEL_STUDIO_URL"), os.environ.get("LABEL_STUDIO_API_KEY")
    if not url or not key:
        message = (
            "no Label Studio server: start one with "
            '`eval "$(scripts/label_studio_server.sh start)"` (sets LABEL_STUDIO_URL and '
            "LABEL_STUDIO_API_KEY)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Label Studio test; {message}")
        pytest.skip(message)
    if not LABEL_STUDIO_PYTHON.exists():
        pytest.fail(f"{LABEL_STUDIO_PYTHON} missing: scripts/label_studio_server.sh installs it")
    return url


def cli(*args: str) -> str:
    """``python -m orchestration.cli.label_studio`` from the ledger's environment (push and pull
    run on under .venv-labelstudio, which has the SDK)."""
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.cli.label_studio", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def edit(result: list[dict], region_id: str, name: str, kind: str, value) -> list[dict]:
    """``result`` with one field of one region set (added when missing)."""
    out, found = [], False
    for part in result:
        if part["id"] == region_id and part["from_name"] == name:
            found = True
            part = {**part, "value": {**part["value"], kind: value}}
        out.append(part)
    if not found:
        s, e = next(span([p]) for p in result if p["id"] == region_id and p["type"] == "labels")
        out.append(
            {
                "id": region_id,
                "from_name": name,
                "to_name": "text",
                "type": "textarea" if kind == "text" else "choices",
                "value": {"start": s, "end": e, kind: value},
            }
        )
    return out


FIGURE_COLUMNS = (
    "char_start, surface, source, category, metric, city_code, place_code, value, "
    "annotated_value, unit, bound, modality, measure, period_start, period_end"
)


def figures(settings) -> dict[int, tuple]:
    rows = query(
        settings,
        f"select {FIGURE_COLUMNS} from main.fct_figures where "
        f"article_id = '{SEED_ID}' order by char_start",
    )
    return {row[0]: row for row in rows}


def reconciliation(settings) -> dict[tuple, tuple]:
    rows = query(
        settings,
        "select quote, occurrence, status, annotated_category, "
        "annotated_value, in_ledger, value_agrees, unit_agrees, bound_agrees "
        "from main.annotation_reconciliation",
    )
    return {row[:2]: row[2:] for row in rows}


@pytest.mark.integration
@pytest.mark.label_studio
def test_round_trip_through_a_real_label_studio_server(label_studio_server, tmp_path):
    raw = make_raw_dir(tmp_path / "raw", [SEED])
    tasks_file = tmp_path / "tasks.json"
    cli("export", "--raw", str(raw), "--out", str(tasks_file))
    [task] = json.loads(tasks_file.read_text("utf-8"))
    title = f"{TITLE} {uuid.uuid4().hex[:8]}"
    pushed = cli("push", "--tasks", str(tasks_file), "--title", title)
    assert "1 tasks imported" in pushed
    assert "0 tasks imported" in cli("push", "--tasks", str(tasks_file), "--title", title)

    # the annotator: accepts the predictions that match the team's annotations, keeps the
    # annotated figures nobody predicted but one (30万), then four corrections
    result, _, _ = accept_matching_predictions(task)
    text = task["data"]["text"]
    by_quote = {}  # the first appearance of each quote
    for region_id, parts in sorted(regions(result).items(), key=lambda item: span(item[1])):
        by_quote.setdefault(text.__getitem__(slice(*span(parts))), region_id)
    missed = by_quote["30万"]
    added = [p for p in result if p["id"] == missed]
    result = [p for p in result if p["id"] != missed and p["id"] != by_quote["42%"]]  # deleted
    result = edit(result, by_quote["17.41亿元"], "value", "text", ["1714000000"])  # value
    result = edit(result, by_quote["38对"], "category", "labels", ["other"])  # category
    result += [{**p, "id": "added"} for p in added]  # a figure the extractor missed
    done = subprocess.run(
        [str(LABEL_STUDIO_PYTHON), "-c", ANNOTATOR],
        input=json.dumps([title, SEED_ID, result]),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    ids = json.loads(done.stdout)

    export = tmp_path / "export.json"
    cli("pull", "--title", title, "--out", str(export))
    pulled = json.loads(export.read_text("utf-8"))
    assert len(pulled) == 1 and len(pulled[0]["annotations"]) == 2  # the CSV's and the new
    corrected = make_raw_dir(tmp_path / "corrected", [SEED], with_annotations=False)
    printed = cli("import", str(export), "--raw", str(corrected))
    origin = f"label-studio task {ids['task']} annotation {ids['annotation']}"
    rows = located(corrected / "annotations" / f"{SEED_ID}.csv", text)
    assert len(rows) == 70 and all(r.usable for r in rows) and {r.origin for r in rows} == {origin}
    # the annotation pushed from the CSV lost; the review lists what the annotator changed
    review = json.loads((corrected / "label_studio" / f"{SEED_ID}.review.json").read_text())
    assert {
        (d["quote"], d["field"], d["winner_value"], d["other_value"])
        for d in review["disagreements"]
    } == {
        ("17.41亿元", "value", "1714000000", "1741000000"),
        ("38对", "category", "other", "transport"),
        ("42%", "span", "absent", "present"),
    }, printed

    before_settings, _ = run_pipeline(raw, tmp_path / "before")
    after_settings, _ = run_pipeline(corrected, tmp_path / "after")
    before, after = figures(before_settings), figures(after_settings)
    changed = {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
    value_at, category_at, deleted_at = (text.index(q) for q in ("17.41亿元", "38对", "42%"))
    assert changed == {value_at, category_at, deleted_at}
    columns = [c.strip() for c in FIGURE_COLUMNS.split(",")]

    def col(row, name):
        return row[columns.index(name)]

    assert col(after[value_at], "annotated_value") == 1714000000
    assert col(after[value_at], "value") == col(before[value_at], "value")
    assert col(after[value_at], "value") == pytest.approx(1741000000)
    assert col(before[category_at], "category") == "transport"
    assert col(after[category_at], "category") == "other"
    assert col(before[deleted_at], "source") == "both"
    assert col(after[deleted_at], "source") == "extracted"
    added_at = text.index("30万")
    assert col(after[added_at], "source") == "annotation" and col(after[added_at], "value") == 3e5

    recon_before, recon_after = reconciliation(before_settings), reconciliation(after_settings)
    assert set(recon_before) - set(recon_after) == {("42%", 1)}
    assert set(recon_after) <= set(recon_before)
    differing = {k for k in recon_after if recon_after[k] != recon_before[k]}
    assert differing == {("17.41亿元", 1), ("38对", 1)}
    assert recon_after[("17.41亿元", 1)] == ("ok", "trade", 1714000000, True, False, True, True)
    assert recon_after[("38对", 1)][:2] == ("ok", "other")
    assert all(r[0] == "ok" for r in recon_after.values())
    shutil.rmtree(tmp_path / "before", ignore_errors=True)
