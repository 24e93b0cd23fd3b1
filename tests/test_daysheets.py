"""Day sheets printed to PDF by headless Chromium: one A4 page per vehicle-day, each with its stops.

The PDF (saved to ``test-artifacts/``) is read back with pypdf: page 1 is
the cover, then page k+1 must hold the k-th vehicle-day's vehicle, date,
and every stop's place name and start and end times, and nothing of another
day's stops at other places.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.small_plan import small_plan
from pypdf import PdfReader

from mobilstation.outputs import labels as L
from mobilstation.outputs.daysheets import (
    daysheets_html,
    geo_uri,
    patrol_sheets_html,
    qr_svg,
    vehicle_days,
    write_daysheets,
)
from mobilstation.plan import PlanRecord

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def print_pdf(html_path: Path, pdf_path: Path, profile: Path) -> Path:
    """``html_path`` printed by headless Chromium with the network cut off."""
    binary = _chromium()
    if binary is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    return pdf_path


def _norm(text: str) -> str:
    return " ".join(text.split())


def _check_pages(plan: PlanRecord, pdf: Path) -> None:
    pages = [_norm(p.extract_text()) for p in PdfReader(pdf).pages]
    routes = vehicle_days(plan)
    assert len(pages) == len(routes) + 1, f"{len(pages)} pages for {len(routes)} vehicle-days + cover"
    assert "Dagsplaner" in pages[0]
    sites = {s.id: s for s in plan.sites}
    vehicles = {v.id: v.name for v in plan.vehicles}
    for route, text in zip(routes, pages[1:], strict=True):
        assert _norm(f"{vehicles[route.vehicle_id]} \u2013 {L.day_date(route.date)}") in text
        for stop in route.stops:
            name = _norm(L.place_name(sites[stop.site_id].name))
            assert name in text, (route.id, name)
            assert f"{L.clock(stop.start)}\u2013{L.clock(stop.end)}" in text, (route.id, stop.seq)
        assert "Internt til politiet" in text


@pytest.mark.browser
def test_small_plan_prints_one_page_per_vehicle_day(tmp_path: Path) -> None:
    plan = small_plan()
    html_path = write_daysheets(plan, tmp_path / "dagsplaner.html")[0]
    pdf = print_pdf(html_path, ARTIFACTS / "dagsplaner-small.pdf", tmp_path / "profile")
    _check_pages(plan, pdf)
    # the ferry day says so, with the crossing
    byrum_page = _norm(PdfReader(pdf).pages[3].extract_text())
    assert (
        "Byrum (Læsø)" in byrum_page
        and "Færge Læsø Færgen" in byrum_page
        and "afgang ca. kl. 10:44" in byrum_page
    )


@pytest.mark.browser
def test_quick_plan_prints_one_page_per_vehicle_day(quick_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert quick_plan.exit_code == 0, quick_plan.output
    plan = PlanRecord.read(quick_plan.out_dir)
    pdf = print_pdf(
        quick_plan.out_dir / "dagsplaner.html", ARTIFACTS / "dagsplaner.pdf", tmp_path / "profile"
    )
    _check_pages(plan, pdf)


def test_sheet_holds_note_geo_link_and_qr() -> None:
    plan = small_plan()
    page = daysheets_html(plan)
    for route in vehicle_days(plan):
        for stop in route.stops:
            site = plan.site(stop.site_id)
            assert f"href='{geo_uri(site.lat, site.lon)}'" in page
    assert page.count("<svg") == sum(len(r.stops) for r in vehicle_days(plan))
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert qr_svg("geo:57.00000,10.00000").startswith("<svg")
    patrol = patrol_sheets_html(plan)
    assert "Aalborg Øst" in patrol and "Vrå" in patrol and "11:05" in patrol


def test_request_note_reaches_the_sheet() -> None:
    plan = small_plan()
    req = next(s for s in plan.sites if s.kind == "request")
    visited = {s.site_id for r in plan.routes for s in r.stops}
    if req.id not in visited:  # put the request on a route so its note must show
        route = vehicle_days(plan)[0]
        route.stops[0].site_id = req.id
    req.meta["note"] = "naboer oplever høj fart på Østergade i morgentrafikken"
    page = daysheets_html(plan)
    assert "naboer oplever høj fart på Østergade i morgentrafikken" in page


@pytest.mark.browser
def test_a_long_day_stays_on_one_page(tmp_path: Path) -> None:
    plan = small_plan()
    route = vehicle_days(plan)[0]
    base = list(route.stops)
    while len(route.stops) < 12:  # an unusually long day: the same stops again
        s = base[len(route.stops) % len(base)].model_copy()
        s.seq = len(route.stops) + 1
        route.stops.append(s)
    plan.routes = [route]
    html_path = write_daysheets(plan, tmp_path / "dagsplaner.html")[0]
    pdf = print_pdf(html_path, tmp_path / "lang.pdf", tmp_path / "profile")
    assert len(PdfReader(pdf).pages) == 2


@pytest.mark.browser
def test_patrol_sheets_one_page_per_officer_day(tmp_path: Path) -> None:
    plan = small_plan()
    out = write_daysheets(plan, tmp_path / "dagsplaner.html")[1]
    pdf = print_pdf(out, tmp_path / "patrulje.pdf", tmp_path / "profile")
    pages = [_norm(p.extract_text()) for p in PdfReader(pdf).pages]
    patrol_days = [(o, s) for o in plan.officers for s in o.shifts if s.duty == "patrol"]
    assert len(pages) == len(patrol_days) == 2
    for (o, shift), text in zip(patrol_days, pages, strict=True):
        assert o.name in text and L.day_date(shift.date) in text
        for h in plan.hours:
            if h.officer_id == o.id and h.date == shift.date:
                assert h.area_name in text and f"{h.minutes} min patrulje" in text


def test_ferry_time_from_the_timetable() -> None:
    plan = small_plan()
    ferry = plan.links[0]
    assert ferry.kind == "ferry"
    # the Byrum leg leaves Sæby 10:00 and arrives 12:21; sailings from the Frederikshavn end (a)
    ferry.departures_a = [8 * 60, 10 * 60 + 40, 13 * 60]
    page = daysheets_html(plan)
    assert "afgang kl. 10:40 ifølge sejlplanen, i land kl. 12:10" in page


def test_campaign_and_hostile_note_are_shown_as_text() -> None:
    plan = small_plan()
    site = plan.site(vehicle_days(plan)[0].stops[0].site_id)
    site.meta["campaign"] = "Sikker jul i butikkerne"
    site.meta["note"] = "<script>alert(1)</script>\u202egnp.exe\nanden linje"
    page = daysheets_html(plan)
    assert "Kampagne: Sikker jul i butikkerne" in page
    assert "<script>" not in page and "\u202e" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;gnp.exe anden linje" in page
