"""Calendars that update in Outlook: two publications of the same week, read back with icalendar.

Revision 1 is the small plan; revision 2 is the same week with one visit
gone (Vrå on Tuesday, the last stop of Mobil politistation 2) and a later
``generated_at``. Revision 2 is derived from revision 1's plan.json alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fixtures.small_plan import small_plan
from icalendar import Calendar

from mobilstation.errors import InputError
from mobilstation.outputs.calendars import (
    CALENDARS_DIR,
    CANCEL_DIR,
    calendar_file_names,
    calendar_state,
    write_calendars,
)
from mobilstation.plan import Leg, PlanRecord

GONE_UID = "mobil-2/2026-12-08/vraa@mobilstation"


def _publish(plan: PlanRecord, out: Path, previous: PlanRecord | None = None) -> PlanRecord:
    """Write the calendars and plan.json as a publication does; return plan.json read back."""
    stamped = plan.model_copy(update={"calendar": calendar_state(plan, previous)})
    write_calendars(stamped, out, previous=previous)
    (out / "plan.json").write_text(stamped.to_json(), encoding="utf-8")
    return PlanRecord.read(out)


def _without_vraa(plan: PlanRecord) -> PlanRecord:
    b = plan.model_copy(deep=True)
    b.generated_at = "2026-12-05T09:15:00+01:00"
    route = next(r for r in b.routes if r.id == "mobil-2-2026-12-08")
    route.stops = [s for s in route.stops if s.site_id != "vraa"]
    home = Leg(from_id="loenstrup", to_id="hjoerring", depart=600, minutes=13, metres=14000)
    route.legs = [route.legs[0], home]
    route.return_ = 613
    for o in b.officers:
        for s in o.shifts:
            if s.route_id == route.id:
                s.end = 613
    return b


def _vevents(path: Path) -> dict[str, bytes]:
    """Raw VEVENT blocks of a file keyed by UID (unfolded only to find the UID)."""
    raw = path.read_bytes()
    out = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", raw, flags=re.S):
        uid = re.search(rb"\r\nUID:(.*?)\r\n(?! )", block.replace(b"\r\n ", b"")).group(1).decode()
        out[uid] = block
    return out


def _events(path: Path) -> dict[str, object]:
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_uids_say_what_the_event_is(tmp_path: Path) -> None:
    plan = small_plan()
    _publish(plan, tmp_path)
    names = calendar_file_names(plan)
    events = _events(tmp_path / CALENDARS_DIR / names[("vehicle", "mobil-2")])
    assert set(events) == {
        "mobil-2/2026-12-07/saeby@mobilstation",
        "mobil-2/2026-12-07/byrum@mobilstation",
        "mobil-2/2026-12-08/loenstrup@mobilstation",
        GONE_UID,
    }
    patrol = _events(tmp_path / CALENDARS_DIR / names[("officer", "aal-02")])
    assert "aal-02/2026-12-08/patrulje/aalborg-oest@mobilstation" in patrol
    assert "aal-02/2026-12-08/mobil/mobil-1@mobilstation" in patrol
    assert all(int(e["SEQUENCE"]) == 0 for e in events.values())
    # patrol placed at its area with its length; summaries without double colons or solver words
    ev = patrol["aal-02/2026-12-08/patrulje/aalborg-oest@mobilstation"]
    assert (ev.decoded("DTEND") - ev.decoded("DTSTART")).total_seconds() == 120 * 60
    site = plan.site("aalborg-oest")
    assert (ev["GEO"].latitude, ev["GEO"].longitude) == (round(site.lat, 5), round(site.lon, 5))
    for e in list(events.values()) + list(patrol.values()):
        assert str(e["SUMMARY"]).count(":") == 0
        text = str(e["DESCRIPTION"])
        assert "blokke" not in text and "score" not in text.lower() and "indbrud 0," not in text


def test_second_publication_updates_cancels_and_keeps(tmp_path: Path) -> None:
    first = _publish(small_plan(), tmp_path / "r1")
    assert first.calendar is not None and GONE_UID in first.calendar.events
    second_plan = _without_vraa(small_plan())
    second = _publish(second_plan, tmp_path / "r2", previous=first)

    names = calendar_file_names(second_plan)
    changed, same = set(), set()
    for file in sorted(set(names.values())):
        old = _vevents(tmp_path / "r1" / CALENDARS_DIR / file)
        new = _vevents(tmp_path / "r2" / CALENDARS_DIR / file)
        parsed_old = _events(tmp_path / "r1" / CALENDARS_DIR / file)
        parsed_new = _events(tmp_path / "r2" / CALENDARS_DIR / file)
        assert set(old) <= set(new), "an event vanished instead of being cancelled"
        for uid, block in new.items():
            if uid not in old:
                continue
            if block == old[uid]:
                same.add(uid)
            else:
                changed.add(uid)
                assert int(parsed_new[uid]["SEQUENCE"]) == int(parsed_old[uid]["SEQUENCE"]) + 1
                assert parsed_new[uid].decoded("DTSTAMP") > parsed_old[uid].decoded("DTSTAMP")

    # the removed visit: cancelled, sequence raised, in the METHOD:CANCEL file
    v2 = _events(tmp_path / "r2" / CALENDARS_DIR / names[("vehicle", "mobil-2")])
    gone = v2[GONE_UID]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 1
    cancel = Calendar.from_ical(
        (tmp_path / "r2" / CALENDARS_DIR / CANCEL_DIR / names[("vehicle", "mobil-2")]).read_bytes()
    )
    assert str(cancel["METHOD"]) == "CANCEL"
    assert [str(e["UID"]) for e in cancel.walk("VEVENT")] == [GONE_UID]
    assert all("ORGANIZER" in e for e in cancel.walk("VEVENT"))

    # what changed: the cancelled stop and the two crew shifts of that day; everything else byte-identical
    assert changed == {
        GONE_UID,
        "hjo-01/2026-12-08/mobil/mobil-2@mobilstation",
        "hjo-02/2026-12-08/mobil/mobil-2@mobilstation",
    }
    assert "mobil-2/2026-12-08/loenstrup@mobilstation" in same and len(same) >= 8
    assert not (tmp_path / "r2" / CALENDARS_DIR / CANCEL_DIR / names[("vehicle", "mobil-1")]).exists()

    # revision 3 from revision 2's plan.json alone, nothing changed: every byte the same
    third = _publish(second_plan, tmp_path / "r3", previous=second)
    for file in sorted(set(names.values())):
        assert (tmp_path / "r3" / CALENDARS_DIR / file).read_bytes() == (
            tmp_path / "r2" / CALENDARS_DIR / file
        ).read_bytes()
    assert third.calendar == second.calendar


def test_moved_visit_keeps_uid_and_raises_sequence(tmp_path: Path) -> None:
    first = _publish(small_plan(), tmp_path / "r1")
    moved = small_plan()
    moved.generated_at = "2026-12-05T09:15:00+01:00"
    stop = next(r for r in moved.routes if r.id == "mobil-1-2026-12-08").stops[0]
    stop.start, stop.end = stop.start + 30, stop.end + 30
    _publish(moved, tmp_path / "r2", previous=first)
    name = calendar_file_names(moved)[("vehicle", "mobil-1")]
    ev = _events(tmp_path / "r2" / CALENDARS_DIR / name)["mobil-1/2026-12-08/aalborg-oest@mobilstation"]
    assert int(ev["SEQUENCE"]) == 1 and "STATUS" not in ev
    assert ev.decoded("DTSTART").hour * 60 + ev.decoded("DTSTART").minute == stop.start


def test_previous_plan_without_state_counts_as_sequence_zero(tmp_path: Path) -> None:
    old = small_plan()  # a plan.json written before calendar states existed
    assert old.calendar is None
    state = calendar_state(_without_vraa(small_plan()), old)
    assert state.events[GONE_UID].cancelled and state.events[GONE_UID].sequence == 1
    assert state.events["mobil-2/2026-12-07/saeby@mobilstation"].sequence == 0


def test_previous_plan_of_another_week_is_refused() -> None:
    other = small_plan()
    other.scenario.iso_week = "2026-W49"
    with pytest.raises(InputError, match=r"2026-W49.*2026-W50"):
        calendar_state(small_plan(), other)


def test_patrol_event_follows_the_recorded_drive(tmp_path: Path) -> None:
    plan = small_plan()
    shift = next(s for o in plan.officers if o.id == "aal-02" for s in o.shifts if s.duty == "patrol")
    shift.legs = [
        Leg(from_id="aalborg-politigaard", to_id="aalborg-oest", depart=665, minutes=8, metres=6000),
        Leg(from_id="aalborg-oest", to_id="aalborg-politigaard", depart=793, minutes=2, metres=2000),
    ]
    shift.travel_min = 10
    _publish(plan, tmp_path)
    name = calendar_file_names(plan)[("officer", "aal-02")]
    ev = _events(tmp_path / CALENDARS_DIR / name)["aal-02/2026-12-08/patrulje/aalborg-oest@mobilstation"]
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    assert (start.hour, start.minute, end.hour, end.minute) == (11, 13, 13, 13)
    assert "ca. 8 min" in str(ev["DESCRIPTION"]) and "ca. 2 min" in str(ev["DESCRIPTION"])


def test_write_outputs_publishes_a_revision_from_the_previous_plan_json(tmp_path: Path) -> None:
    from test_outputs import box_district

    from mobilstation.outputs.write import write_outputs

    plan = small_plan()
    first = write_outputs(plan, tmp_path / "r1", maps=False, district=box_district(plan))
    published = PlanRecord.read(first)  # what the ledger keeps and a replan passes back
    second = write_outputs(
        _without_vraa(small_plan()),
        tmp_path / "r2",
        maps=False,
        district=box_district(plan),
        previous=published,
    )
    state = PlanRecord.read(second).calendar
    assert state is not None and state.events[GONE_UID].cancelled and state.events[GONE_UID].sequence == 1
    name = calendar_file_names(plan)[("vehicle", "mobil-2")]
    assert (second / CALENDARS_DIR / CANCEL_DIR / name).is_file()
    assert (second / "dagsplaner.html").is_file() and (second / "offentlig_plan.csv").is_file()
