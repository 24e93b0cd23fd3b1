"""The written maps in a real browser, with the network cut off.

Headless Chromium (Debian's ``chromium``) opens ``map.html`` from file:// and
is driven over the Chrome DevTools Protocol through ``--remote-debugging-pipe``
(JSON messages separated by NUL bytes on file descriptors 3 and 4), so no
port and no websocket library are needed.

The network is unavailable three ways: every request is sent to a proxy at
127.0.0.1:9 (the discard port, nothing listens), host names resolve to
nothing (``--host-resolver-rules``), and the page's network is emulated as
offline; in addition every request the page makes is recorded and must be a
file: or data: URL.

Counting: stop markers are counted in the DOM (``.ms-stop`` elements) and
route lines as SVG paths with class ``ms-route``. Every route layer is shown
when the page opens, so every route line is in the DOM; the test also counts
polylines through the Leaflet map object, and checks that unticking a route
in the layer control removes exactly one line.

A screenshot of the district map is saved to ``test-artifacts/map.png``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.small_plan import small_plan
from mobilstation.geo.district import load_district

from mobilstation.outputs.maps import write_maps
from mobilstation.plan import PlanRecord

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
TIMEOUT_S = 30.0


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_child_r, self._write = os.pipe()
        self._read, from_child_w = os.pipe()
        args = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--disable-extensions",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1400,900",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]

        def fds() -> None:
            # In the child: our pipe ends become fds 3 (commands in) and 4 (replies out).
            # os.dup first, in case a pipe end already sits on 3 or 4; os.dup2 makes the
            # targets inheritable, every other Python fd is close-on-exec.
            hi_r, hi_w = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=fds,
            close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        for fd in (self._write, self._read):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no reply from Chromium")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"Chromium closed the pipe (exit code {self.proc.poll()})")
                self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        return json.loads(raw)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._write, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, since: int = 0, timeout: float = TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events[since:]:
                if ev.get("method") == method:
                    return ev
            since = len(self.events)
            self.events.append(self._receive(deadline))

    def pump(self, seconds: float) -> None:
        """Collect events for a while (late console messages, failed loads)."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._receive(deadline))
        except TimeoutError:
            pass


class Page:
    def __init__(self, cdp: DevTools) -> None:
        self.cdp = cdp
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.send(f"{domain}.enable", session=self.session)
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            session=self.session,
        )

    def open(self, url: str) -> None:
        mark = len(self.cdp.events)
        self.cdp.send("Page.navigate", {"url": url}, session=self.session)
        self.cdp.wait_for("Page.loadEventFired", since=mark)
        self.cdp.pump(0.5)

    def js(self, expression: str) -> Any:
        result = self.cdp.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.cdp.send("Page.captureScreenshot", {"format": "png"}, session=self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def problems(self) -> list[str]:
        """JavaScript exceptions, console errors and failed or non-local requests so far."""
        found = []
        for ev in self.cdp.events:
            if ev.get("sessionId") != self.session:
                continue
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(
                    f"exception: {params['exceptionDetails'].get('exception', {}).get('description')}"
                    f" / {params['exceptionDetails'].get('text')}"
                )
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {[a.get('value') for a in params.get('args', [])]}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    found.append(f"network request: {url}")
            elif method == "Network.loadingFailed":
                found.append(f"failed load: {params.get('errorText')}")
        return found


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plan() -> PlanRecord:
    return small_plan()


@pytest.fixture(scope="module")
def out_dir(plan: PlanRecord, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser-maps")
    write_maps(plan, out, district=load_district(plan.scenario.district))
    return out


@pytest.fixture(scope="module")
def cdp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    binary = _chromium()
    # no skip: a suite that passes without the browser would hide broken maps (`make test` installs it)
    assert binary is not None, "chromium is not installed (Debian: apt-get install chromium)"
    client = DevTools(binary, tmp_path_factory.mktemp("chromium-profile"))
    try:
        client.send("Browser.getVersion")
        yield client
    finally:
        client.close()


COUNT_JS = """
(() => {
  const maps = Object.values(window).filter(v => v instanceof L.Map);
  let routes = 0;
  maps.forEach(m => m.eachLayer(l => {
    const cls = String(l.options.className || '').split(' ');
    if (l instanceof L.Polyline && cls.includes('ms-route')) routes++;
  }));
  return {
    leaflet: typeof L !== 'undefined' ? L.version : null,
    maps: maps.length,
    stopMarkers: document.querySelectorAll('.leaflet-marker-pane .ms-stop').length,
    stops: Array.from(document.querySelectorAll('.ms-stop')).map(
      e => [e.dataset.route, e.dataset.site, Number(e.dataset.seq), e.textContent.trim()]),
    routePaths: document.querySelectorAll('.leaflet-overlay-pane path.ms-route').length,
    routeLayers: routes,
    stations: document.querySelectorAll('.ms-station[data-station]').length,
    unvisited: document.querySelectorAll('path.ms-unvisited').length,
    banner: (() => { const b = document.getElementById('ms-synthetic');
                     return b ? b.getBoundingClientRect().height : 0; })(),
    legend: !!document.getElementById('ms-legend'),
    layerInputs: document.querySelectorAll('.leaflet-control-layers input').length,
    summary: JSON.parse(document.getElementById('ms-summary').textContent),
  };
})()
"""


def _expected_stops(plan: PlanRecord, municipality: str | None = None) -> list[list[Any]]:
    sites = {s.id: s for s in plan.sites}
    out = []
    for r in plan.routes:
        if municipality and not any(sites[s.site_id].municipality_code == municipality for s in r.stops):
            continue
        out += [[r.id, s.site_id, s.seq, str(s.seq)] for s in r.stops]
    return sorted(out)


def test_district_map_draws_offline(cdp: DevTools, plan: PlanRecord, out_dir: Path) -> None:
    page = Page(cdp)
    page.open((out_dir / "map.html").as_uri())
    got = page.js(COUNT_JS)
    page.screenshot(ARTIFACTS / "map.png")

    assert got["leaflet"], "Leaflet did not load"
    assert got["maps"] == 1
    expected = _expected_stops(plan)
    assert got["stopMarkers"] == len(expected) == 7
    assert sorted(got["stops"]) == expected
    n_routes = sum(1 for r in plan.routes if r.stops)
    assert got["routePaths"] == got["routeLayers"] == n_routes == 4
    assert got["stations"] == len(plan.stations)
    visited = {s.site_id for r in plan.routes for s in r.stops}
    assert got["unvisited"] == sum(1 for s in plan.sites if s.id not in visited)
    assert got["banner"] > 0 and got["legend"]
    assert got["summary"]["stops"] == got["stopMarkers"] and got["summary"]["routes"] == got["routePaths"]

    # a stop's popup opens on click, in Danish, without jQuery
    text = page.js("""
      (() => { const el = document.querySelector(".ms-stop[data-site='byrum']")
                                  .closest('.leaflet-marker-icon');
               el.click();
               const p = document.querySelector('.leaflet-popup-content');
               return p ? p.textContent : null; })()
    """)
    assert text and "Byrum (Læsø)" in text and "Hvorfor" in text and "mandag 7/12" in text

    # unticking one route in the layer control removes exactly its line and its stop markers
    removed = page.js("""
      (() => { const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
                 .find(l => l.textContent.includes('Mobil politistation 2 — mandag 7/12'));
               label.querySelector('input').click();
               return [document.querySelectorAll('path.ms-route').length,
                       document.querySelectorAll('.ms-stop').length]; })()
    """)
    assert removed == [n_routes - 1, len(expected) - 2]

    problems = page.problems()
    assert problems == [], problems


def test_municipality_map_draws_offline(cdp: DevTools, plan: PlanRecord, out_dir: Path) -> None:
    page = Page(cdp)
    page.open((out_dir / "maps" / "laesoe.html").as_uri())
    got = page.js(COUNT_JS)
    page.screenshot(ARTIFACTS / "map-laesoe.png")
    assert got["leaflet"]
    assert sorted(got["stops"]) == _expected_stops(plan, "0825")
    assert got["routePaths"] == got["routeLayers"] == 1
    assert page.js("document.getElementById('ms-kpi') !== null")
    back = page.js("document.querySelector(\"#ms-info a[href='../map.html']\") !== null")
    assert back
    assert page.problems() == []


def test_index_page_opens_offline(cdp: DevTools, out_dir: Path) -> None:
    page = Page(cdp)
    page.open((out_dir / "index.html").as_uri())
    rows = page.js("document.querySelectorAll('table.ms-municipalities tbody tr[data-code]').length")
    assert rows == 9
    assert page.js("document.getElementById('ms-synthetic') !== null")
    assert page.problems() == []
