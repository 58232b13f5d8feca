"""What a check puts into its Dagster metadata and the report is JSON (issue 15, item 1).

Every value a check takes from a DataFrame or from GX goes through one conversion,
``gx_suites.json_ready``; a numpy boolean in the metadata crashed the blocking
``published_figures_match_annotations`` check (``DagsterInvalidMetadata``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from orchestration.quality.gx_suites import json_ready


def dumps(value) -> str:
    """Strict JSON, as Dagster stores it (no NaN, no numpy, no dates)."""
    return json.dumps(value, allow_nan=False, ensure_ascii=False)


# (value as a column hands it over, what JSON holds)
SCALARS = [
    (np.bool_(True), True),
    (np.bool_(False), False),
    (np.int64(7), 7),
    (np.int32(-3), -3),
    (np.uint8(200), 200),
    (np.float64(1.5), 1.5),
    (np.float32(0.25), 0.25),
    (np.float64("nan"), None),
    (float("nan"), None),
    (np.float64("inf"), "inf"),
    (float("-inf"), "-inf"),
    (pd.NA, None),
    (pd.NaT, None),
    (np.datetime64("NaT"), None),
    (np.timedelta64("NaT"), None),
    (pd.Timestamp("2024-03-17 08:24:00"), "2024-03-17T08:24:00"),
    (pd.Timestamp("2024-03-17 08:24:00", tz="Asia/Shanghai"), "2024-03-17T08:24:00+08:00"),
    (np.datetime64("2024-03-17T08:24:00"), "2024-03-17T08:24:00"),
    (dt.datetime(2024, 3, 17, 8, 24), "2024-03-17T08:24:00"),
    (dt.date(2024, 3, 17), "2024-03-17"),
    (dt.time(8, 24), "08:24:00"),
    (pd.Timedelta(days=3), "3 days 00:00:00"),
    (decimal.Decimal("1741000000.50"), 1741000000.5),
    (np.str_("17.41亿元"), "17.41亿元"),
    ("84.44%", "84.44%"),
    (None, None),
    (True, True),
    (12, 12),
    (0.5, 0.5),
    (b"\xe5\x86\x85", "内"),
]


@pytest.mark.parametrize(("value", "expected"), SCALARS, ids=[repr(v) for v, _ in SCALARS])
def test_every_scalar_becomes_its_json_value(value, expected):
    got = json_ready(value)
    assert got == expected and type(got) is type(expected)
    assert json.loads(dumps(got)) == expected


def test_containers_are_converted_all_the_way_down():
    value = {
        "kwargs": {"column": "value_agrees", "value_set": [np.bool_(True)]},
        "unexpected_values": (np.bool_(False), np.int64(3)),
        "observed": np.array([1.5, np.nan]),
        "series": pd.Series([pd.NA, 2], dtype="Int64"),
        np.int64(1): {"nested": [pd.Timestamp("2024-01-01"), {pd.NaT}]},
    }
    assert json_ready(value) == {
        "kwargs": {"column": "value_agrees", "value_set": [True]},
        "unexpected_values": [False, 3],
        "observed": [1.5, None],
        "series": [None, 2],
        "1": {"nested": ["2024-01-01T00:00:00", [None]]},
    }
    dumps(json_ready(value))


def every_dtype_frame() -> pd.DataFrame:
    """Two rows of every column dtype a check's table arrives in (from DuckDB or
    Postgres): the second row missing everywhere."""
    return pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "flag": np.array([True, False]),  # numpy bool
            "nullable_flag": pd.array([False, pd.NA], dtype="boolean"),
            "count": np.array([3, 4], dtype="int64"),
            "nullable_count": pd.array([5, pd.NA], dtype="Int64"),
            "value": [1741000000.0, np.nan],  # float64 with NaN
            "text": pd.array(["17.41亿元", None], dtype="string"),
            "obj": ["x", None],  # object with None
            "stamp": pd.to_datetime(["2024-03-17 08:24", None]),  # Timestamp and NaT
            "day": [dt.date(2024, 3, 17), None],  # object column of dates
            "amount": [decimal.Decimal("9.10"), None],  # Postgres numeric
        }
    )


def test_every_dtype_of_a_frame_becomes_json():
    rows = json_ready(every_dtype_frame().to_dict(orient="records"))
    assert rows == [
        {
            "article_id": "a",
            "flag": True,
            "nullable_flag": False,
            "count": 3,
            "nullable_count": 5,
            "value": 1741000000.0,
            "text": "17.41亿元",
            "obj": "x",
            "stamp": "2024-03-17T08:24:00",
            "day": "2024-03-17",
            "amount": 9.1,
        },
        {
            "article_id": "b",
            "flag": False,
            "nullable_flag": None,
            "count": 4,
            "nullable_count": None,
            "value": None,
            "text": None,
            "obj": None,
            "stamp": None,
            "day": None,
            "amount": None,
        },
    ]
    dg.MetadataValue.json(rows)  # what crashed: Dagster's own JSON check


def test_every_duckdb_column_type_becomes_json(tmp_path):
    """The tables come from the warehouse: what DuckDB's DataFrames hold, value and null."""
    from orchestration.warehouse.duckdb import DuckDBWarehouse

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    frame = warehouse.read_query(
        """select * from (values
            (true, 1, 2::bigint, 1.5::double, 'a', date '2024-01-02',
             timestamp '2024-01-02 03:04:05', 1.25::decimal(10, 2), interval 3 day, [1, 2]),
            (null, null, null, null, null, null, null, null, null, null)
        ) t(b, i, big, f, s, d, ts, dec, iv, l)"""
    )
    rows = json_ready(frame.to_dict(orient="records"))
    assert rows[0] == {
        "b": True,
        "i": 1,
        "big": 2,
        "f": 1.5,
        "s": "a",
        "d": "2024-01-02T00:00:00",
        "ts": "2024-01-02T03:04:05",
        "dec": 1.25,
        "iv": "3 days 00:00:00",
        "l": [1, 2],
    }
    assert rows[1] == dict.fromkeys(rows[0])
    dumps(rows)


def test_a_failing_suite_gives_json_metadata_and_report_rows(tmp_path):
    """Every dtype through GX: the failures' rows, observed and unexpected values are
    JSON, the check result's metadata builds, and the report keeps the same values."""
    from orchestration.defs.quality.checks import suite_result
    from orchestration.quality.gx_suites import validate_frame
    from orchestration.quality.report import CheckRecord, load_records, record_check

    frame = every_dtype_frame()
    suite = {
        "expectations": [
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "flag", "value_set": [True]},
            },
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "nullable_count", "value_set": [3]},
            },
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "value"}},
            {
                "type": "expect_column_max_to_be_between",
                "kwargs": {"column": "count", "max_value": 1},
            },
        ]
    }
    outcome = validate_frame("every_dtype", frame, tmp_path, suite=suite)
    assert not outcome.success and len(outcome.failures) == 4
    text = dumps(outcome.failures)  # strict JSON all the way down
    assert "NaN" not in text
    by_column = {f["kwargs"]["column"]: f for f in outcome.failures}
    assert by_column["flag"]["unexpected_values"] == [False]
    assert by_column["flag"]["rows"][0]["stamp"] is None  # the NaT row
    assert by_column["value"]["rows"][0]["article_id"] == "b"
    assert by_column["count"]["observed_value"] == 4

    result = suite_result(outcome, blocking=True, report_index=tmp_path / "index.html")
    assert not result.passed
    failures = result.metadata["failures"].value
    assert failures[0]["rows"] == outcome.failures[0]["rows"][:10]

    record = CheckRecord(
        check="c", asset="a", passed=False, blocking=True, description="x", failures=failures
    )
    record_check(tmp_path, record)
    [loaded] = load_records(tmp_path)
    assert loaded.failures == failures  # the report reads back what the metadata shows


def test_the_blocking_check_on_disagreeing_annotations_fails_as_a_check(tmp_path):
    """The crash of issue 15: ``published_figures_match_annotations`` over an
    ``annotation_reconciliation`` whose boolean columns disagree (and are null for a quote
    not in the text) returns a failed result with the rows in its metadata."""
    from orchestration.defs.quality.checks import FIGURE_CHECKS
    from orchestration.defs.resources import LedgerPaths
    from orchestration.quality.report import load_records
    from orchestration.warehouse.duckdb import DuckDBWarehouse

    warehouse = DuckDBWarehouse(tmp_path / "w.duckdb")
    with warehouse.connect() as con:
        con.execute(
            """create table main.annotation_reconciliation as select * from (values
            ('seed', 'raw/annotations/seed.csv', 6, '42%', 'ok', null, 'hohhot', 420.0,
             'f1', 42.0, 'hohhot', true, false, true, true),
            ('seed', 'raw/annotations/seed.csv', 73, '99.99亿元', 'quote_not_found',
             'raw/annotations/seed.csv:73: quote ''99.99亿元'' is not in the article text',
             'ordos', 9999000000.0, null, null, null, false, null, null, null),
            ('seed', 'raw/annotations/seed.csv', 2, '26个', 'ok', null, 'hohhot', 26.0,
             'f2', 26.0, 'hohhot', true, true, true, true)
            ) t(article_id, source_file, annotation_line, quote, status, problem,
                annotated_city_code, annotated_value, figure_id, ledger_value,
                ledger_city_code, in_ledger, value_agrees, unit_agrees, bound_agrees)"""
        )
    check = next(
        c for c in FIGURE_CHECKS if "published_figures_match_annotations" in str(c.check_keys)
    )
    ledger = LedgerPaths(
        raw_dir=str(tmp_path), duckdb_path=str(warehouse.path), report_dir=str(tmp_path / "report")
    )
    result = check(dg.build_asset_check_context(resources={"ledger": ledger}))
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    failures = {f["kwargs"]["column"]: f for f in result.metadata["failures"].value}
    assert set(failures) == {"status", "value_agrees"}
    [disagreeing] = failures["value_agrees"]["rows"]
    assert (disagreeing["annotation_line"], disagreeing["value_agrees"]) == (6, False)
    assert (disagreeing["annotated_value"], disagreeing["ledger_value"]) == (420.0, 42.0)
    [missing] = failures["status"]["rows"]
    assert missing["quote"] == "99.99亿元" and missing["value_agrees"] is None
    assert "is not in the article text" in missing["problem"]
    [record] = load_records(tmp_path / "report")
    assert (record.passed, record.blocking) == (False, True)
    assert not math.isnan(record.failures[0]["rows"][0]["annotated_value"])
