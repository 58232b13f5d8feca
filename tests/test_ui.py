"""The Dagster webserver lists the asset graph, the schedule and the sensor (GraphQL)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_pipeline

pytestmark = pytest.mark.integration

QUERY = """
{
  assetNodes { assetKey { path } groupName dependencyKeys { path } }
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes { name schedules { name cronSchedule } sensors { name } jobs { name } }
    }
  }
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def webserver(tmp_path_factory, seed_run):
    """``dagster-webserver`` on a free port in its own process group, stopped by its pid."""
    import dagster as dg

    seed_settings, _ = seed_run  # the manifest is prepared
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    # a run recorded in the webserver's instance, so the UI has materializations to show
    instance = dg.DagsterInstance.from_config(str(home))
    settings, result = run_pipeline(seed_settings.raw_dir, home, instance=instance)
    assert result.success
    instance.dispose()
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "LEDGER_RAW_DIR": str(settings.raw_dir),
        "LEDGER_DUCKDB_PATH": str(settings.duckdb_path),
    }
    log = (home / "webserver.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster-webserver"),
            "-m",
            "orchestration.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/server_info", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((home / "webserver.log").read_text()) from None
                time.sleep(1)
        else:
            raise RuntimeError("webserver did not answer within 120 s")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_webserver_lists_graph_schedule_and_sensor(webserver):
    data = post(f"{webserver}/graphql", QUERY)["data"]
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    for key in (
        "raw_articles",
        "parsed_articles",
        "extracted_figures",
        "stg_articles",
        "int_figures_reconciled",
        "fct_figures",
        "mart_trade",
        "figure_relations",
    ):
        assert key in nodes
    # one lineage graph: dbt sources resolve to the Python assets
    deps = {"/".join(d["path"]) for d in nodes["stg_extracted_figures"]["dependencyKeys"]}
    assert deps == {"extracted_figures"}
    groups = {n["groupName"] for n in nodes.values()}
    assert {"raw", "staging", "intermediate", "marts", "quality"} <= groups
    [repository] = data["repositoriesOrError"]["nodes"]
    assert {s["name"]: s["cronSchedule"] for s in repository["schedules"]} == {
        "daily_refresh": "0 6 * * *"
    }
    assert [s["name"] for s in repository["sensors"]] == ["raw_files_sensor"]
    assert "ledger_job" in {j["name"] for j in repository["jobs"]}


METADATA_QUERY = """
{
  assetNodes(assetKeys: [{path: ["fct_figures"]}]) {
    assetMaterializations(limit: 1) {
      metadataEntries {
        label
        ... on IntMetadataEntry { intValue }
        ... on TableSchemaMetadataEntry { schema { columns { name type } } }
      }
    }
  }
}
"""


def test_dbt_assets_show_row_count_and_column_types(webserver):
    [node] = post(f"{webserver}/graphql", METADATA_QUERY)["data"]["assetNodes"]
    [materialization] = node["assetMaterializations"]
    entries = {e["label"]: e for e in materialization["metadataEntries"]}
    assert entries["dagster/row_count"]["intValue"] > 0
    columns = {c["name"]: c["type"] for c in entries["dagster/column_schema"]["schema"]["columns"]}
    assert columns["value"] == "double"
    assert columns["char_start"] == "integer"
    assert columns["period_start"] == "date"
