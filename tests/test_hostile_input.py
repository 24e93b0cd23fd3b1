"""Untrusted text stays text: a week planned from the hostile corpus, every output inspected.

The corpus (:mod:`fixtures.hostile`) puts spreadsheet formulas, HTML and
JavaScript, calendar line injection, rich markup, terminal escapes,
bidirectional overrides and a megabyte note into request names and notes,
officer names and an incident export. ``scenarios/quick.yaml`` is planned
with them once (``--work-limit``, in process) and then every file of the
output directory is read by an independent reader:

* workbooks (openpyxl): no formula cell anywhere; formula-like text is a
  string cell with Excel's quote prefix;
* CSV files (csv module): no cell a spreadsheet would evaluate; the
  product's own reader gives back the original text;
* calendars (icalendar): no property or event that the plan did not make;
* GeoPackage (pyogrio): text attributes are cleaned text;
* HTML pages (headless Chromium, network off): every popup and tooltip
  opened, no injected script ran, no event-handler attribute or
  ``javascript:`` link came from the corpus;
* the terminal: markup printed as text, no escape sequence from the input;
* ``plan.json``: the full original text, and one warning per row that needed
  cleaning.

Files are found by extension, so outputs added later (day sheets, a public
schedule, ledger exports) are inspected by the same tests.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pyogrio
import pytest
from fixtures.hostile import (
    ALL_SHORT,
    FORMULAS,
    HTML,
    LINE_BREAKS,
    LONG_NOTE,
    MARKUP,
    MARKUP_ID,
    write_corpus,
)
from fixtures.quick import QUICK_SEED, QUICK_WORK_LIMIT
from icalendar import Calendar

from mobilstation.outputs.tables import read_table as read_output_table
from mobilstation.plan import PlanRecord
from mobilstation.untrusted import display_text, is_formula_like

# A cell a spreadsheet evaluates: first character (after spaces) one of these; plain numbers are fine.
_EVALUATED = re.compile(r"^[ \u00a0]*[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Properties a VEVENT of the product may carry (RFC 5545 names the calendars use or may add).
EVENT_PROPERTIES = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "LOCATION",
    "GEO",
    "DESCRIPTION",
    "CATEGORIES",
    "TRANSP",
    "STATUS",
    "URL",
    "SEQUENCE",
    "CLASS",
    "COMMENT",
    "CONTACT",
    "ORGANIZER",
    "LAST-MODIFIED",
    "CREATED",
    "PRIORITY",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_corpus(tmp_path_factory.mktemp("hostile"), officer_line_breaks=False)


@pytest.fixture(scope="module")
def run(corpus: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from typer.testing import CliRunner

    from mobilstation.cli import app

    out_dir = tmp_path_factory.mktemp("hostile-out") / "uge"
    args = ["plan", str(corpus["scenario"]), "--out", str(out_dir)]
    args += ["--work-limit", str(QUICK_WORK_LIMIT), "--seed", str(QUICK_SEED)]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    result.out_dir = out_dir  # type: ignore[attr-defined]
    return result


@pytest.fixture(scope="module")
def out(run: Any) -> Path:
    return run.out_dir


@pytest.fixture(scope="module")
def plan(out: Path) -> PlanRecord:
    return PlanRecord.read(out)


def _files(out: Path, suffix: str) -> list[Path]:
    found = sorted(p for p in out.rglob(f"*{suffix}") if p.is_file())
    assert found, f"no {suffix} file in the output"
    return found


def _request_sites(plan: PlanRecord) -> list[Any]:
    visited = {s.site_id for r in plan.routes for s in r.stops}
    return [s for s in plan.sites if s.kind == "request" and s.id in visited]


# -- plan.json and warnings ---------------------------------------------------------------------


def test_hostile_requests_are_planned_and_kept_in_full(plan: PlanRecord) -> None:
    """The corpus reaches the outputs (the tests below would prove nothing otherwise)."""
    requests = _request_sites(plan)
    names = {s.name for s in requests}
    assert {FORMULAS[0], HTML[0], FORMULAS[1], MARKUP[0]} <= names, names
    notes = {s.meta.get("note") for s in plan.sites if s.kind == "request"}
    assert LONG_NOTE.strip() in notes  # the megabyte note, whole, in plan.json
    officer_names = {o.name for o in plan.officers}
    assert {t.strip() for t in ALL_SHORT if t not in LINE_BREAKS} <= officer_names  # as read: stripped


def test_one_warning_per_row_that_needed_cleaning(plan: PlanRecord, run: Any) -> None:
    cleaned = [n for n in plan.notes if "resultaterne viser den renset" in n]
    rows = [re.search(r"(\w+_hostile\.csv): række (\d+):", n).groups() for n in cleaned]  # type: ignore[union-attr]
    assert len(rows) == len(set(rows)), "more than one warning for a row"
    assert ("requests_hostile.csv", "2") in rows  # the megabyte note
    assert any(f == "officers_hostile.csv" for f, _ in rows)
    for note in cleaned:
        assert not _CONTROL.search(note) and "<" not in note  # the warning names the row, not the text


def test_campaign_targets_read_back_as_text(corpus: dict[str, Path]) -> None:
    """The campaign-targets file of the corpus through the one tabular reader: text, never altered."""
    from mobilstation.tabular import read_table

    table = read_table(corpus["campaign_targets"], required=["id", "name", "lat", "lon"])
    assert [r["name"] for r in table] == [t.strip() for t in ALL_SHORT]
    assert {f.split(": række ")[1].split(":")[0] for f in table.findings} == {
        str(i + 1) for i, t in enumerate(ALL_SHORT) if _CONTROL.search(t)
    }


# -- the terminal -------------------------------------------------------------------------------


def test_terminal_prints_markup_as_text_and_no_escape_from_input(run: Any) -> None:
    text = run.output
    assert MARKUP_ID in text  # the overdue request's id, printed literally in its warning
    assert "\x1b" not in text and "\x07" not in text


# -- workbooks ----------------------------------------------------------------------------------


def test_workbooks_hold_no_formula(out: Path, plan: PlanRecord) -> None:
    seen_formula_like = set()
    for path in _files(out, ".xlsx"):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name}!{ws.title}!{cell.coordinate}: {cell.value!r}"
                    if isinstance(cell.value, str):
                        assert not _CONTROL.search(cell.value), f"{ws.title}!{cell.coordinate}"
                        assert len(cell.value) <= 32767
                        if is_formula_like(cell.value):
                            assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                            seen_formula_like.add(cell.value)
    assert FORMULAS[0] in seen_formula_like and FORMULAS[1] in seen_formula_like


# -- CSV ----------------------------------------------------------------------------------------


def _csv_cells(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    sep = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def test_no_csv_cell_would_be_evaluated(out: Path) -> None:
    checked = 0
    for path in _files(out, ".csv"):
        for r, row in enumerate(_csv_cells(path)):
            for cell in row:
                if _NUMBER.match(cell.strip()):
                    continue
                assert not _EVALUATED.match(cell), f"{path.name}: line {r + 1}: {cell[:80]!r}"
                assert not _CONTROL.search(cell), f"{path.name}: line {r + 1}"
                checked += 1
    assert checked > 100


def test_visits_csv_gives_back_the_original_text(out: Path, plan: PlanRecord) -> None:
    frame = read_output_table(out / "visits.csv")
    by_site = {row["sted_id"]: row for _, row in frame.iterrows()}
    requests = _request_sites(plan)
    assert requests
    for site in requests:
        row = by_site[site.id]
        assert row["sted"] == display_text(site.name)  # formulas come back exactly
        assert row["note"] == display_text(site.meta.get("note", ""))
    exact = [s for s in requests if s.name in FORMULAS]
    assert exact and all(by_site[s.id]["sted"] == s.name for s in exact)
    crews = read_output_table(out / "crews.csv")
    names = {o.name for o in plan.officers}
    assert {n for n in crews["betjent"]} <= {display_text(n) for n in names}
    assert set(crews["betjent"]) & set(FORMULAS)


# -- calendars ----------------------------------------------------------------------------------


def test_calendars_have_no_injected_property_or_event(out: Path, plan: PlanRecord) -> None:
    summaries = []
    for path in _files(out, ".ics"):
        raw = path.read_bytes()
        cal = Calendar.from_ical(raw)
        events = list(cal.walk("VEVENT"))
        lines = raw.split(b"\r\n")
        assert sum(1 for line in lines if line == b"BEGIN:VEVENT") == len(events), path.name
        for line in lines:
            assert not line.startswith((b"ATTACH", b"X-INJECTED")), f"{path.name}: {line[:80]!r}"
            assert b"\r" not in line and b"\n" not in line, f"{path.name}: bare line break in {line[:80]!r}"
        for ev in events:
            assert str(ev["UID"]).endswith("@mobilstation"), path.name
            extra = {k for k in ev if k not in EVENT_PROPERTIES}
            assert not extra, f"{path.name}: {extra}"
            summaries.append(str(ev["SUMMARY"]))
    # the calendar payloads are in the files, as text of their own property
    assert any(FORMULAS[0] in s or HTML[0] in s for s in summaries)


def test_calendars_hold_no_control_characters(out: Path) -> None:
    for path in _files(out, ".ics"):
        text = path.read_bytes().decode("utf-8")
        bad = _CONTROL.search(text.replace("\r\n", ""))
        assert bad is None, f"{path.name}: {bad.group()!r}"


def test_officer_names_with_line_breaks_do_not_break_the_calendars(tmp_path: Path) -> None:
    from fixtures.small_plan import small_plan

    from mobilstation.outputs.calendars import write_calendars

    plan = small_plan()
    plan.officers[0].name = LINE_BREAKS[0]
    written = write_calendars(plan, tmp_path)
    for path in written:
        lines = path.read_bytes().split(b"\r\n")
        assert not any(b"\r" in line or b"\n" in line for line in lines)
        assert sum(1 for line in lines if line == b"BEGIN:VEVENT") == len(
            list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
        )


# -- GeoPackage ---------------------------------------------------------------------------------


def test_geopackage_text_is_clean(out: Path) -> None:
    path = out / "plan.gpkg"
    texts = []
    for name, _ in pyogrio.list_layers(path):
        frame = pyogrio.read_dataframe(path, layer=name, read_geometry=False)
        for col in frame.columns:
            for value in frame[col]:
                if isinstance(value, str) and name != "layer_styles":
                    assert not _CONTROL.search(value), f"{name}.{col}: {value[:80]!r}"
                    assert len(value) <= 500, f"{name}.{col}: {len(value)} characters"
                    texts.append(value)
    assert FORMULAS[0] in texts and HTML[0] in texts  # stored as plain text attributes


# -- HTML in a browser --------------------------------------------------------------------------

OPEN_EVERYTHING_JS = """
(async () => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const maps = typeof L === 'undefined' ? [] : Object.values(window).filter(v => v instanceof L.Map);
  let popups = 0, tooltips = 0, text = '';
  for (const m of maps) {
    const layers = [];
    m.eachLayer(l => layers.push(l));
    for (const l of layers) {
      if (l.getPopup && l.getPopup()) {
        try { l.openPopup(); popups++; await sleep(0);
              const c = document.querySelector('.leaflet-popup-content');
              if (c) text += c.textContent + '\\n';
              l.closePopup(); } catch (e) {}
      }
      if (l.getTooltip && l.getTooltip()) {
        try { l.openTooltip(); tooltips++; await sleep(0);
              document.querySelectorAll('.leaflet-tooltip').forEach(t => text += t.textContent + '\\n');
              l.closeTooltip(); } catch (e) {}
      }
    }
  }
  await sleep(300);
  const all = Array.from(document.querySelectorAll('*'));
  return {
    maps: maps.length, popups, tooltips,
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    handlers: all.filter(e => Array.from(e.attributes).some(
        a => a.name.startsWith('on') && a.value.includes('__pwned'))).map(e => e.outerHTML.slice(0, 120)),
    jsLinks: all.filter(e => ['href', 'src', 'action', 'formaction', 'data'].some(
        n => /^\\s*javascript:/i.test(e.getAttribute(n) || ''))).map(e => e.outerHTML.slice(0, 120)),
    injected: all.filter(e => ['IFRAME', 'SVG', 'OBJECT', 'EMBED'].includes(e.tagName.toUpperCase())
        && e.outerHTML.includes('__pwned')).length,
    text: (document.body ? document.body.innerText : '') + '\\n' + text,
  };
})()
"""


@pytest.fixture(scope="module")
def cdp(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from test_browser import DevTools, _chromium

    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    client = DevTools(binary, tmp_path_factory.mktemp("chromium-profile-hostile"))
    try:
        client.send("Browser.getVersion")
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def browsed(cdp: Any, out: Path) -> dict[str, dict[str, Any]]:
    """Every top-level page and two municipality pages, opened with every popup and tooltip."""
    from test_browser import Page

    top = [p for p in _files(out, ".html") if p.parent == out]
    municipal = [p for p in _files(out, ".html") if p.parent != out][:2]
    results = {}
    for path in top + municipal:
        page = Page(cdp)
        page.open(path.as_uri())
        got = page.js(OPEN_EVERYTHING_JS)
        got["network"] = [p for p in page.problems() if p.startswith(("network request", "failed load"))]
        results[path.relative_to(out).as_posix()] = got
    return results


@pytest.mark.browser
def test_html_pages_run_no_injected_script(browsed: dict[str, dict[str, Any]], plan: PlanRecord) -> None:
    assert {"map.html", "index.html"} <= set(browsed)
    for where, got in browsed.items():
        assert got["pwned"] is None, f"{where}: injected script ran ({got['pwned']})"
        assert got["handlers"] == [], f"{where}: {got['handlers']}"
        assert got["jsLinks"] == [], f"{where}: {got['jsLinks']}"
        assert got["injected"] == 0, where
        assert got["network"] == [], f"{where}: {got['network']}"
    shown = "".join(got["text"] for got in browsed.values())
    assert sum(got["popups"] for got in browsed.values()) > 0
    # the payloads were on the pages, as text a person reads
    assert "onerror=" in shown or "<script>" in shown
    assert FORMULAS[0] in shown


@pytest.mark.browser
def test_html_pages_show_no_control_characters(browsed: dict[str, dict[str, Any]]) -> None:
    for where, got in browsed.items():
        control = sorted({m.group() for m in _CONTROL.finditer(got["text"])})
        assert control == [], f"{where}: {control}"
