"""docs/label-studio.png: the seed article in Label Studio's labeling view, one figure selected.

    eval "$(scripts/label_studio_server.sh start)"
    .venv/bin/python scripts/label_studio_screenshot.py [docs/label-studio.png]

Pushes the seed's task (``orchestration.cli.label_studio export`` and ``push``), logs in with
the user the server script made (its state folder holds the password), opens the task in
headless Chromium (Debian's ``chromium``) through the DevTools protocol (``websockets``,
in the ledger's environment), selects the figure 17.41亿元 and saves the page.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("LEDGER_LABEL_STUDIO_STATE", "/tmp/ledger-label-studio"))
TITLE = "Regional ledger figures"
PORT = 9333


def push_seed(work: Path) -> int:
    """The seed's task in the project TITLE; returns the project id."""
    tasks = work / "tasks.json"
    module = [sys.executable, "-m", "orchestration.cli.label_studio"]
    subprocess.run([*module, "export", "--raw", "raw", "--out", str(tasks)], cwd=ROOT, check=True)
    pushed = subprocess.run(
        [*module, "push", "--tasks", str(tasks), "--title", TITLE],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(re.search(r"project (\d+)", pushed)[1])


async def capture(page: dict, url: str, project: int) -> bytes:
    async with websockets.connect(page["webSocketDebuggerUrl"], max_size=50_000_000) as ws:
        counter = 0

        async def call(method: str, **params):
            nonlocal counter
            counter += 1
            await ws.send(json.dumps({"id": counter, "method": method, "params": params}))
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == counter:
                    return message.get("result", {})

        async def run(script: str, wait: float):
            result = await call(
                "Runtime.evaluate", expression=script, awaitPromise=True, returnByValue=True
            )
            await asyncio.sleep(wait)
            return result

        await call("Page.enable")
        await call(
            "Emulation.setDeviceMetricsOverride",
            width=1500,
            height=1000,
            deviceScaleFactor=1,
            mobile=False,
        )
        await call("Page.navigate", url=f"{url}/user/login/")
        await asyncio.sleep(4)
        user, password = (STATE / "user").read_text().strip(), (STATE / "password").read_text()
        await run(
            f"document.querySelector('input[name=email]').value={json.dumps(user)};"
            f"document.querySelector('input[name=password]').value={json.dumps(password.strip())};"
            "document.querySelector('form').submit()",
            4,
        )
        await call("Page.navigate", url=f"{url}/projects/{project}/data")
        await asyncio.sleep(6)
        # the first task of the data manager opens the labeling view
        await run("document.querySelector('.dm-table__row-wrapper, [class*=row]').click()", 10)
        await run(
            "(() => { const leaves = [...document.querySelectorAll('*')].filter("
            "e => e.children.length === 0 && e.textContent.trim() === '17.41亿元');"
            "leaves[leaves.length - 1].click() })()",
            3,
        )
        shot = await call("Page.captureScreenshot", format="png")
        return base64.b64decode(shot["data"])


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "label-studio.png")
    url = os.environ["LABEL_STUDIO_URL"]
    with tempfile.TemporaryDirectory() as work:
        project = push_seed(Path(work))
        chrome = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--lang=en-US",
             f"--remote-debugging-port={PORT}", f"--user-data-dir={work}/profile",
             "--window-size=1500,1000", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            for _ in range(100):
                try:
                    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{PORT}/json"))
                    page = next(t for t in targets if t["type"] == "page")
                    break
                except (OSError, StopIteration):
                    time.sleep(0.2)
            png = asyncio.run(capture(page, url, project))
        finally:
            chrome.terminate()
            chrome.wait()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
    print(f"{out}: {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
