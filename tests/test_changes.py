"""The change set of a revision: every visit paired, and text from outside kept as text."""

from __future__ import annotations

from pathlib import Path

from fixtures.small_plan import small_plan

from mobilstation.outputs.changes import changes, write_changes
from mobilstation.outputs.tables import read_table

FORMULA = '=HYPERLINK("http://evil.example","klik")'
SCRIPT = "<img src=x onerror=alert(1)>"


def _revised():
    before = small_plan()
    after = before.model_copy(deep=True)
    route = next(r for r in after.routes if len(r.stops) >= 2)
    dropped = route.stops[-1].site_id
    route.stops = route.stops[:-1]
    route.legs = []
    moved_route = next(r for r in after.routes if r.stops and r is not route)
    moved = moved_route.stops[0]
    moved.start += 30
    return before, after, dropped, moved.site_id


def test_each_visit_added_moved_or_cancelled_once() -> None:
    before, after, dropped, moved = _revised()
    found = {(c.change, c.site_id) for c in changes(before, after)}
    assert found == {("aflyst", dropped), ("flyttet", moved)}
    back = {(c.change, c.site_id) for c in changes(after, before)}
    assert back == {("tilføjet", dropped), ("flyttet", moved)}
    assert changes(before, before) == []


def test_outside_text_stays_text_in_the_change_set(tmp_path: Path) -> None:
    before, after, dropped, _ = _revised()
    for p in (before, after):
        for s in p.sites:
            if s.id == dropped:
                s.name = FORMULA + " " + SCRIPT
    for o in before.officers:
        o.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    write_changes(before, after, tmp_path)
    raw = (tmp_path / "changes.csv").read_text(encoding="utf-8-sig")
    assert "\n=" not in raw and ";=" not in raw and ";@" not in raw  # no cell Excel would evaluate
    table = read_table(tmp_path / "changes.csv")
    assert FORMULA + " " + SCRIPT in set(table["sted"])  # the product's reader gives the text back
    html = (tmp_path / "aendringer.html").read_text(encoding="utf-8")
    assert SCRIPT not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_new_crew_on_the_same_visit_is_not_a_move() -> None:
    before = small_plan()
    after = before.model_copy(deep=True)
    route = next(r for r in after.routes if r.stops)
    route.crew = list(reversed(route.crew)) + ["LB99"]
    found = changes(before, after)
    assert {c.change for c in found} == {"ny besætning"}
    assert {c.site_id for c in found} == {st.site_id for st in route.stops}
    assert all(c.before == c.after and "LB99" in c.crew_after for c in found)
