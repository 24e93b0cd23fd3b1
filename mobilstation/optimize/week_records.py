"""Assembling the result: crews for the routes, lokalbetjent hours laid into
drivable patrol days, explanations of unvisited sites, and the routes in the
plan record's types.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mobilstation.demand.site import Site
from mobilstation.errors import PlanFailed
from mobilstation.i18n import num, t
from mobilstation.optimize import explain as _explain
from mobilstation.optimize.hours import HoursPlan, allocate_hours, patrol_areas
from mobilstation.optimize.roster import (
    CrewAssignment,
    CrewSlot,
    MobileDuty,
    assign_crews,
    field_budget_min,
    lay_patrol,
    patrol_room,
)
from mobilstation.optimize.timing import (
    iso,
)
from mobilstation.plan import HoursAllocation, Leg, OfficerRecord, Route, Shift, Stop, Unvisited

if TYPE_CHECKING:
    from mobilstation.optimize.week_repair import PlanState


class _Records:
    """Crews, patrol hours, explanations and the plan record's routes for :class:`week._Week`."""

    # -- crews -------------------------------------------------------------
    def _slots(self, state: PlanState) -> list[CrewSlot]:
        out = []
        for vd in self.vds:
            sched = state.sched[vd.index]
            if not sched.stops:
                continue
            skills: set[str] = set()
            for st in sched.stops:
                skills |= st.site.skills
            out.append(
                CrewSlot(
                    route_id=vd.id,
                    day=vd.day,
                    date=vd.date,
                    depot_id=vd.depot_id,
                    start=sched.departure,
                    end=sched.ret,
                    work_min=sched.duration,
                    crew_size=vd.vehicle.crew_size,
                    skills=frozenset(skills),
                )
            )
        return out

    def _roster(self, state: PlanState) -> CrewAssignment:
        self.progress(t("step.crews"))
        by_id = {vd.id: vd for vd in self.vds}
        for _ in range(4):
            crews = assign_crews(
                self._slots(state),
                self.officers,
                self.travel_min,
                self.settings,
                seed=self.solver_settings.seed,
                hint=self.pre_crews,
                work_s=5.0,
                time_s=max(5.0, 0.1 * self.solver_settings.time_limit_s),
                closures=self.closures,
            )
            self._roster_status = crews.status
            if not crews.missing_skills and not crews.uncrewed:
                return crews
            # a vehicle-day without a crew (cannot happen when the worst-case
            # pre-check holds, kept as a safeguard) is emptied and reported
            for rid, reason in sorted(crews.uncrewed.items()):
                state.drop_route(by_id[rid])
                self.unusable.append({"route_id": rid, "reason": reason})
            for rid, skills in sorted(crews.missing_skills.items()):
                if rid not in crews.uncrewed:
                    state.drop_skill(by_id[rid], skills)
            state.satisfy_covers()
            state.improve()
        raise PlanFailed(
            t("error.no_crews"),
            [
                t("error.no_crew_skill", route=rid, skills=", ".join(sorted(s)))
                for rid, s in sorted(crews.missing_skills.items())
            ],
        )

    # -- hours ---------------------------------------------------------------
    def _hours(
        self, state: PlanState, crews: CrewAssignment
    ) -> tuple[HoursPlan | None, list[HoursAllocation], list[OfficerRecord], dict]:
        s = self.settings
        vd_by_id = {vd.id: vd for vd in self.vds}
        mobile: dict[str, list[MobileDuty]] = {}
        shifts: dict[str, list[Shift]] = {o.id: [] for o in self.officers}
        used_min: dict[str, int] = {o.id: 0 for o in self.officers}
        for (oid, rid), (start, end) in sorted(crews.duty.items()):
            vd = vd_by_id[rid]
            mobile.setdefault(oid, []).append(MobileDuty(vd.day, start, end))
            shifts[oid].append(
                Shift(date=vd.date.isoformat(), start=start, end=end, duty="mobile", route_id=rid)
            )
            used_min[oid] += end - start
        budgets: dict[str, int] = {}
        for o in self.officers:
            days = [k for k, d in enumerate(self.dates) if d.isoweekday() in o.available_days]
            room = patrol_room(o, days, {m.day: m for m in mobile.get(o.id, ())})
            budgets[o.id] = max(0, min(field_budget_min(o, s) - used_min[o.id], sum(room.values())))
        mobile_hours: dict[str, float] = {}
        for sched in state.sched:
            for st in sched.stops:
                m = st.site.municipality_code
                mobile_hours[m] = mobile_hours.get(m, 0.0) + st.site.service_min / 60
        areas = patrol_areas(self.sites, s)
        names = {c: self.muni_name(c) for c in self.municipalities}
        plan = allocate_hours(
            officers=self.officers,
            budgets=budgets,
            areas=areas,
            travel=self.travel,
            settings=s,
            quotas=self.quotas,
            mobile_hours=mobile_hours,
            names=names,
            min_use={
                o.id: max(0, int(s.min_contract_use * field_budget_min(o, s)) - used_min[o.id])
                for o in self.officers
            },
            time_limit_s=max(2.0, 0.1 * self.solver_settings.time_limit_s),
        )
        layout = lay_patrol(
            self.officers,
            self.dates,
            plan.blocks,
            plan.block_cost,
            mobile,
            s,
            travel_min=self.travel_min,
            budgets=budgets,
            seed=self.solver_settings.seed,
            closures=self.closures,
        )
        area_by_id = {a.id: a for a in areas}
        records: list[HoursAllocation] = []
        patrol_hours: dict[str, float] = {}
        for pd in sorted(layout.days, key=lambda p: (p.officer_id, p.day)):
            d = self.dates[pd.day]
            shifts[pd.officer_id].append(
                Shift(
                    date=d.isoformat(),
                    start=pd.start,
                    end=pd.end,
                    duty="patrol",
                    travel_min=pd.travel_min,
                    legs=self._patrol_legs(pd),
                )
            )
            for aid, n in sorted(pd.blocks.items()):
                a = area_by_id[aid]
                records.append(
                    HoursAllocation(
                        officer_id=pd.officer_id,
                        area_id=aid,
                        area_name=a.name,
                        municipality_code=a.municipality_code,
                        date=d.isoformat(),
                        minutes=n * s.patrol.block_min,
                        blocks=n,
                    )
                )
                patrol_hours[a.municipality_code] = (
                    patrol_hours.get(a.municipality_code, 0.0) + n * s.patrol.block_min / 60
                )
        if layout.unplaced:
            bad = []
            for m, need in plan.need_hours.items():
                if patrol_hours.get(m, 0.0) + 1e-6 < need:
                    quota = t("cover.quota", name=self.muni_name(m))
                    said = {"need": num(need), "got": num(patrol_hours.get(m, 0.0))}
                    bad.append(t("error.hours_unplaced_one", quota=quota, **said))
            if bad:
                raise PlanFailed(t("error.hours_unplaced"), bad)
        officer_records = []
        for o in self.officers:
            mine = sorted(shifts[o.id], key=lambda sh: (sh.date, sh.start, sh.duty))
            officer_records.append(
                OfficerRecord(
                    id=o.id,
                    name=o.name,
                    station_id=o.station_id,
                    weekly_hours=o.weekly_hours,
                    skills=sorted(o.skills),
                    shifts=mine,
                    max_shift_hours=o.max_shift_hours,
                )
            )
        info = {
            "patrol_layout_status": layout.status,
            "patrol_unplaced_blocks": sum(layout.unplaced.values()),
            "officer_budget_min": budgets,
        }
        return plan, records, officer_records, info

    def _patrol_legs(self, pd) -> list[Leg]:
        """The patrol day's drive as legs, timed from the shift start (travel matrix minutes)."""
        legs: list[Leg] = []
        t = pd.start
        for a, b in itertools.pairwise(pd.order):
            i, j = self.index[a], self.index[b]
            minutes = int(self.travel.minutes[i, j])
            legs.append(
                Leg(
                    from_id=a,
                    to_id=b,
                    depart=t,
                    minutes=minutes,
                    metres=int(self.travel.metres[i, j]),
                    ferry=bool(self.travel.ferry[i, j]),
                    links=list(self.travel.links.get((i, j), ())),
                )
            )
            t += minutes + pd.blocks.get(b, 0) * self.settings.patrol.block_min
        return legs

    # -- explanations --------------------------------------------------------
    def _explain(self, state: PlanState) -> list[Unvisited]:
        views = []
        for vd in self.vds:
            seq = state.seqs[vd.index]
            views.append(
                _explain.RouteView(
                    index=vd.index,
                    id=vd.id,
                    date=vd.date,
                    sites=[self.model.jobs[j].site for j in seq],
                    values=[state.removal_value(j) for j in seq],
                    locked=[state.locked(j) for j in seq],
                )
            )

        def fits(r: int, seq: Sequence[Site]) -> bool:
            return self.timing.schedule(self.vds[r], seq) is not None

        values = {s.id: self.model.marginal[s.id][0] for s in self.sites}
        return _explain.explain_all(
            self.sites, self.model.options, views, fits, values, state.count, self.settings.prize_scale
        )

    # -- output records ------------------------------------------------------
    def _route_records(self, state: PlanState, crews: CrewAssignment) -> list[Route]:
        out = []
        for vd in self.vds:
            sched = state.sched[vd.index]
            v = vd.vehicle
            stops = [
                Stop(
                    seq=k + 1,
                    site_id=st.site.id,
                    arrival=st.arrival,
                    start=st.start,
                    end=st.end,
                    arrival_iso=iso(vd.date, st.arrival),
                    start_iso=iso(vd.date, st.start),
                    end_iso=iso(vd.date, st.end),
                    wait_min=st.start - st.arrival,
                )
                for k, st in enumerate(sched.stops)
            ]
            legs = [
                Leg(
                    from_id=lg.from_id,
                    to_id=lg.to_id,
                    depart=lg.depart,
                    minutes=lg.minutes,
                    metres=lg.metres,
                    ferry=lg.ferry,
                    links=list(lg.links),
                )
                for lg in sched.legs
            ]
            out.append(
                Route(
                    id=vd.id,
                    vehicle_id=v.id,
                    date=vd.date.isoformat(),
                    weekday=vd.date.isoweekday(),
                    depot_id=v.depot_id,
                    depot_lat=v.depot_lat,
                    depot_lon=v.depot_lon,
                    shift=[v.shift_start, v.shift_end],
                    max_work_min=v.max_work_min,
                    departure=sched.departure,
                    return_=sched.ret,
                    crew=list(crews.crews.get(vd.id, [])),
                    stops=stops,
                    legs=legs,
                    travel_min=sum(lg.minutes for lg in sched.legs),
                    travel_m=sum(lg.metres for lg in sched.legs),
                    service_min=sum(st.end - st.start for st in sched.stops),
                )
            )
        return out
