"""A GX check over a large table validates it in slices of whole articles
(``defs/quality/checks.py``: ``SLICE_ROWS``); the outcome must be the one a single
validation of the whole table gives, rows without an article included."""

import shutil

import dagster as dg
import duckdb
import pytest

# the definitions are imported inside the tests: they need the dbt manifest, which the
# seed_run fixture prepares (a fresh clone has none when the tests are collected)


@pytest.fixture
def three_articles(seed_run, tmp_path):
    """The seed run's fct_figures three times over (three articles), with a wrong unit in
    two of them and in a row that names no article."""
    settings, _ = seed_run
    copy = tmp_path / "three.duckdb"
    shutil.copy(settings.duckdb_path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            """create or replace table main.fct_figures as
            select * from main.fct_figures
            union all
            select * replace (md5(figure_id || '2') as figure_id, article_id || '-2' as article_id)
            from main.fct_figures
            union all
            select * replace (md5(figure_id || '3') as figure_id, article_id || '-3' as article_id)
            from main.fct_figures"""
        )
        con.execute(
            "update main.fct_figures set unit = 'kg' "
            "where surface = '84.44%' and article_id not like '%-2'"
        )
        con.execute(
            """insert into main.fct_figures
            select * replace (md5(figure_id || 'x') as figure_id, null as article_id)
            from main.fct_figures where unit = 'kg' limit 1"""
        )
        shape = con.execute(
            """select max(n), count(*), sum(n), (select count(*) from main.fct_figures
            where unit = 'kg') from (select count(*) as n from main.fct_figures
            group by article_id)"""
        ).fetchone()
    return copy, shape


def _run_content_check(path, report_dir):
    from orchestration.defs.quality.checks import FIGURE_CHECKS
    from orchestration.defs.resources import LedgerPaths

    check = next(c for c in FIGURE_CHECKS if "fct_figures_content" in str(c.check_keys))
    ledger = LedgerPaths(
        raw_dir=str(path.parent), duckdb_path=str(path), report_dir=str(report_dir)
    )
    return check(dg.build_asset_check_context(resources={"ledger": ledger}))


def _failures(result):
    return {
        (f["expectation"], str(sorted(f["kwargs"].items()))): (
            f["unexpected_count"],
            sorted(str(row.get("article_id")) for row in f["rows"]),
        )
        for f in result.metadata["failures"].value
    }


def test_a_check_in_slices_finds_what_one_validation_finds(three_articles, tmp_path, monkeypatch):
    from orchestration.defs.quality import checks

    path, (per_article, groups, rows, wrong_units) = three_articles
    validations = []
    validate = checks.validate_frame

    def counted(name, frame, *args, **kwargs):
        validations.append(len(frame))
        return validate(name, frame, *args, **kwargs)

    monkeypatch.setattr(checks, "validate_frame", counted)
    whole = _run_content_check(path, tmp_path / "whole")
    assert len(validations) == 1

    validations.clear()
    monkeypatch.setattr(checks, "SLICE_ROWS", per_article)  # one article per slice
    sliced = _run_content_check(path, tmp_path / "sliced")
    assert len(validations) == groups  # each article, then the row without one
    assert sum(validations) == rows

    assert not whole.passed and not sliced.passed
    assert _failures(sliced) == _failures(whole)
    # the wrong units of both corrupted articles and of the row without an article
    unit = next(v for k, v in _failures(sliced).items() if "'unit'" in k[1])
    assert unit[0] == wrong_units and len(unit[1]) == wrong_units
    assert "None" in unit[1]
    assert sliced.metadata["expectations_failed"] == whole.metadata["expectations_failed"]


def test_relations_in_slices_are_those_of_one_pass(seed_run, tmp_path, monkeypatch):
    from orchestration.defs.quality import relations
    from orchestration.defs.resources import LedgerPaths

    settings, _ = seed_run
    found = {}
    for rows_at_once in (10**9, 1):  # everything at once, then one article at a time
        copy = tmp_path / f"relations-{rows_at_once}.duckdb"
        shutil.copy(settings.duckdb_path, copy)
        monkeypatch.setattr(relations, "SLICE_ROWS", rows_at_once)
        ledger = LedgerPaths(
            raw_dir=str(settings.raw_dir), duckdb_path=str(copy), report_dir=str(tmp_path / "r")
        )
        relations.figure_relations(dg.build_asset_context(resources={"ledger": ledger}))
        with duckdb.connect(str(copy)) as con:
            found[rows_at_once] = con.execute(
                "select * from quality.figure_relations order by all"
            ).fetchall()
    assert len({row[0] for row in found[1]}) > 1  # relations in more than one article
    assert found[1] == found[10**9]
