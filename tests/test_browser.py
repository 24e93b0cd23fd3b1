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

Screenshots of ``index.html``, ``map.html`` and two municipality maps of
the quick plan, at 1400x1000 and 1280x720, are saved to ``test-artifacts/``.
On each map: every visited place is labelled; there are as many distinct
route colours as vehicle-days, no two closer than the stated CIEDE2000
minimum (:data:`mobilstation.outputs.maps.ROUTE_MIN_DELTA_E`); no two markers
sit at identical coordinates (visits at one place are one marker); at
1280x720 the zoom buttons, the layer list and the day filter are not covered
by anything; no JavaScript error and no network request.
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
from mobilstation.outputs import labels as L
from mobilstation.outputs.colours import min_pairwise
from mobilstation.outputs.maps import ROUTE_MIN_DELTA_E, map_files, map_label, write_maps
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

    def viewport(self, width: int, height: int) -> None:
        self.cdp.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
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
  const points = [];
  maps.forEach(m => m.eachLayer(l => {
    const cls = String(l.options.className || '').split(' ');
    if (l instanceof L.Polyline && cls.includes('ms-route')) routes++;
    if (l instanceof L.Marker || l instanceof L.CircleMarker) {
      const p = l.getLatLng(); points.push([p.lat, p.lng]);
    }
  }));
  const shown = e => e.offsetParent !== null && getComputedStyle(e).display !== 'none';
  return {
    leaflet: typeof L !== 'undefined' ? L.version : null,
    maps: maps.length,
    stopMarkers: document.querySelectorAll('.leaflet-marker-pane .ms-stop').length,
    visibleStops: Array.from(document.querySelectorAll('.ms-stop[data-route]')).filter(shown).length,
    stops: Array.from(document.querySelectorAll('.leaflet-marker-pane .ms-stop')).map(
      e => [e.dataset.route, e.dataset.site, Number(e.dataset.seq), e.textContent.trim()]),
    routePaths: document.querySelectorAll('.leaflet-overlay-pane path.ms-route').length,
    routeColours: Array.from(document.querySelectorAll('.leaflet-overlay-pane path.ms-route'))
      .map(p => p.getAttribute('stroke')),
    routeLayers: routes,
    points: points,
    stations: document.querySelectorAll('.ms-station[data-station]').length,
    unvisited: document.querySelectorAll('.leaflet-marker-pane .ms-unvisited').length,
    visitedLabels: Array.from(document.querySelectorAll('.ms-label-visited')).filter(shown)
      .map(e => e.textContent),
    munLabels: document.querySelectorAll('.ms-mun-label').length,
    banner: (() => { const b = document.getElementById('ms-synthetic');
                     return b ? b.getBoundingClientRect().height : 0; })(),
    legend: !!document.getElementById('ms-legend'),
    swatches: document.querySelectorAll('.leaflet-control-layers .ms-swatch').length,
    credits: (document.querySelector('.leaflet-control-attribution') || {}).textContent || '',
    summary: JSON.parse(document.getElementById('ms-summary').textContent),
  };
})()
"""

# Is each control the topmost element at its own centre (nothing covers it), and inside the window?
UNCOVERED_JS = """
(() => {
  const out = {};
  const check = (name, el) => {
    if (!el) { out[name] = 'missing'; return; }
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 8);
    const top = document.elementFromPoint(x, y);
    const inside = r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.top + 8 <= innerHeight;
    out[name] = inside && top !== null && (top === el || el.contains(top)) ? 'ok'
      : `covered by ${top ? (top.id || top.className) : 'nothing'} at ${x},${y}`;
  };
  check('zoom in', document.querySelector('.leaflet-control-zoom-in'));
  check('zoom out', document.querySelector('.leaflet-control-zoom-out'));
  const inputs = document.querySelectorAll('.leaflet-control-layers-overlays label');
  check('first layer', inputs[0]);
  check('day filter', document.querySelector('#ms-days button[data-day]:not([data-day=""])'));
  return out;
})()
"""


def _expected_stops(plan: PlanRecord, municipality: str | None = None) -> list[list[Any]]:
    sites = {s.id: s for s in plan.sites}
    out = []
    for r in plan.routes:
        if municipality and not any(sites[s.site_id].municipality_code == municipality for s in r.stops):
            continue
        out += [[r.id, s.site_id, s.seq, f"{L.day_short(r.date)} {s.seq}"] for s in r.stops]
    return sorted(out)


def _check_map(plan: PlanRecord, got: dict[str, Any], municipality: str | None = None) -> None:
    sites = {s.id: s for s in plan.sites}
    expected = _expected_stops(plan, municipality)
    assert sorted(got["stops"]) == expected
    # labels >= visited places, and every visited place's name is on the map
    visited = {map_label(sites[s[1]]) for s in expected}
    assert len(got["visitedLabels"]) >= got["summary"]["visited_places"] > 0
    text = " / ".join(got["visitedLabels"])
    assert all(name in text for name in visited), visited
    # one colour per vehicle-day, far apart
    colours = got["routeColours"]
    n_routes = len({s[0] for s in expected})
    assert len(colours) == len(set(colours)) == n_routes == got["routePaths"]
    if len(colours) > 1:
        limit = next(v for n, v in sorted(ROUTE_MIN_DELTA_E.items()) if len(colours) <= n)
        assert min_pairwise(colours) >= limit
    # no two markers at identical coordinates
    points = [tuple(round(v, 6) for v in p) for p in got["points"]]
    assert len(points) == len(set(points)), "two markers at identical coordinates"
    assert got["swatches"] == n_routes and "GeoNames" in got["credits"] and "DAGI" in got["credits"]


def test_district_map_draws_offline(cdp: DevTools, plan: PlanRecord, out_dir: Path) -> None:
    page = Page(cdp)
    page.viewport(1400, 1000)
    page.open((out_dir / "map.html").as_uri())
    got = page.js(COUNT_JS)

    assert got["leaflet"], "Leaflet did not load"
    assert got["maps"] == 1
    assert got["stopMarkers"] == got["visibleStops"] == 7
    _check_map(plan, got)
    n_routes = sum(1 for r in plan.routes if r.stops)
    assert got["routePaths"] == got["routeLayers"] == n_routes == 4
    assert got["stations"] == len(plan.stations)
    visited = {s.site_id for r in plan.routes for s in r.stops}
    assert got["unvisited"] == sum(1 for s in plan.sites if s.id not in visited)
    assert got["banner"] > 0 and got["legend"] and got["munLabels"] == 9
    assert got["summary"]["stops"] == got["stopMarkers"] and got["summary"]["routes"] == got["routePaths"]
    # Aalborg Øst is visited twice (Monday and Tuesday): one marker with both chips
    chips = page.js("""Array.from(document.querySelector(".ms-stop[data-site='aalborg-oest']")
                      .closest('.ms-place').querySelectorAll('.ms-stop')).map(e => e.textContent)""")
    assert sorted(chips) == ["ma 2", "ti 1"]

    # a place's popup opens on click, in Danish, without jQuery
    text = page.js("""
      (() => { const el = document.querySelector(".ms-stop[data-site='byrum']")
                                  .closest('.leaflet-marker-icon');
               el.click();
               const p = document.querySelector('.leaflet-popup-content');
               return p ? p.textContent : null; })()
    """)
    assert text and "Byrum (Læsø)" in text and "Hvorfor" in text and "mandag 7/12 kl. 12:21" in text

    # unticking one route in the layer control removes exactly its line and its stop chips
    removed = page.js("""
      (() => { const label = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))
                 .find(l => l.textContent.includes('Mobil politistation 2 — mandag 7/12'));
               label.querySelector('input').click();
               const shown = e => e.offsetParent !== null;
               return [document.querySelectorAll('path.ms-route').length,
                       Array.from(document.querySelectorAll('.ms-stop[data-route]'))
                         .filter(shown).length]; })()
    """)
    assert removed == [n_routes - 1, len(_expected_stops(plan)) - 2]

    # the day filter: one click shows Tuesday only
    tuesday = page.js("""
      (() => { msShowDay(null);
               document.querySelector("#ms-days button[data-day='2026-12-08']").click();
               const shown = e => e.offsetParent !== null;
               return [document.querySelectorAll('path.ms-route').length,
                       Array.from(document.querySelectorAll('.ms-stop[data-route]')).filter(shown)
                         .map(e => e.textContent.slice(0, 2))]; })()
    """)
    assert tuesday[0] == 2 and set(tuesday[1]) == {"ti"} and len(tuesday[1]) == 3

    problems = page.problems()
    assert problems == [], problems


def test_municipality_map_draws_offline(cdp: DevTools, plan: PlanRecord, out_dir: Path) -> None:
    page = Page(cdp)
    page.viewport(1400, 1000)
    page.open((out_dir / "maps" / "laesoe.html").as_uri())
    got = page.js(COUNT_JS)
    assert got["leaflet"]
    _check_map(plan, got, "0825")
    assert got["routePaths"] == got["routeLayers"] == 1
    assert page.js("document.getElementById('ms-kpi') !== null")
    side = page.js(
        "Array.from(document.querySelectorAll('#ms-side .ms-side-visit')).map(e => e.dataset.site)"
    )
    assert side == ["byrum"]
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


SIZES = [(1400, 1000), (1280, 720)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_quick_plan_pages_at_screen_sizes(cdp: DevTools, quick_plan, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    """The default-size week: screenshots, labels, colours, no stacked markers, controls usable."""
    assert quick_plan.exit_code == 0, quick_plan.output
    out = quick_plan.out_dir
    plan = PlanRecord.read(out)
    width, height = size
    files = map_files(plan, out)
    # the district map and the two municipality maps with the most visits
    by_visits = sorted(
        (f for f in files if f.municipality_code),
        key=lambda f: (
            -sum(
                1
                for r in plan.routes
                for s in r.stops
                if plan.site(s.site_id).municipality_code == f.municipality_code
            )
        ),
    )
    chosen = [files[0], *by_visits[:2]]
    page = Page(cdp)
    page.viewport(width, height)
    page.open((out / "index.html").as_uri())
    page.screenshot(ARTIFACTS / f"index-{width}x{height}.png")
    for mf in chosen:
        page.open(mf.path.as_uri())
        got = page.js(COUNT_JS)
        name = "map" if mf.municipality_code is None else f"map-{mf.path.stem}"
        page.screenshot(ARTIFACTS / f"{name}-{width}x{height}.png")
        _check_map(plan, got, mf.municipality_code)
        if mf.municipality_code is None:
            assert got["routePaths"] == sum(1 for r in plan.routes if r.stops)
        uncovered = page.js(UNCOVERED_JS)
        assert set(uncovered.values()) == {"ok"}, (mf.path.name, uncovered)
    problems = page.problems()
    assert problems == [], problems
