"""The public schedule: every mobile-station opening at towns, outlying areas and neighbourhoods, nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures.small_plan import small_plan

from mobilstation.outputs.public import PUBLIC_CSV, PUBLIC_HTML, PUBLIC_KINDS, public_place, write_public
from mobilstation.outputs.tables import read_table
from mobilstation.plan import PlanRecord


def _forbidden(plan: PlanRecord) -> list[str]:
    """Text that must not reach citizens: officers, requests, notes, hotspots."""
    words = [o.name for o in plan.officers] + [o.id for o in plan.officers]
    for s in plan.sites:
        if s.kind == "request":
            words += [s.name, s.id]
        if s.meta.get("note"):
            words.append(str(s.meta["note"]))
    words += [h.id for h in plan.hotspots]
    words += ["Indbrud", "indbrud", "hotspot", "Hotspot", "score"]
    return [w for w in words if w]


def _check(plan: PlanRecord, out: Path) -> None:
    write_public(plan, out)
    table = read_table(out / PUBLIC_CSV)
    got = sorted(zip(table["dato"], table["fra"], table["til"], table["sted"], strict=True))
    expected = sorted(
        (r.date, f"{s.start // 60:02d}:{s.start % 60:02d}", f"{s.end // 60:02d}:{s.end % 60:02d}",
         public_place(plan.site(s.site_id).name, plan.site(s.site_id).kind))
        for r in plan.routes
        for s in r.stops
        if plan.site(s.site_id).kind in PUBLIC_KINDS
    )  # fmt: skip
    assert got == expected and len(got) > 0
    page = (out / PUBLIC_HTML).read_text(encoding="utf-8")
    csv_text = (out / PUBLIC_CSV).read_text(encoding="utf-8-sig")
    for place in table["sted"]:
        assert place in page
    for word in _forbidden(plan):
        assert word not in page, word
        assert word not in csv_text, word
    assert "Til borgerne" in page and "<script" not in page


def test_public_schedule_small_plan(tmp_path: Path) -> None:
    plan = small_plan()
    assert any(s.kind == "request" for s in plan.sites)
    _check(plan, tmp_path)


def test_public_schedule_quick_plan(quick_plan, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert quick_plan.exit_code == 0, quick_plan.output
    plan = PlanRecord.read(quick_plan.out_dir)
    visited_kinds = {plan.site(s.site_id).kind for r in plan.routes for s in r.stops}
    assert {"request", "neighbourhood"} <= visited_kinds  # the filter is exercised
    _check(plan, tmp_path)
    # the written output directory carries the same files, and its index says who each file is for
    assert (quick_plan.out_dir / PUBLIC_CSV).read_bytes() == (tmp_path / PUBLIC_CSV).read_bytes()
    index = (quick_plan.out_dir / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-file="offentlig_plan.html">(.*?)</tr>', index).group(1)
    assert 'href="offentlig_plan.html"' in row and "Borgerne" in row
    row = re.search(r'<tr data-file="dagsplaner.html">(.*?)</tr>', index).group(1)
    assert 'href="dagsplaner.html"' in row and "Besætningen" in row
    assert "Internt til politiet" in index


@pytest.mark.parametrize("kind", ["town", "outlying"])
def test_public_place_keeps_town_names(kind: str) -> None:
    assert public_place("Løkken", kind) == "Løkken"
    assert public_place("Indbrudsområde Hobro 2", "neighbourhood") == "Boligområde ved Hobro 2"
