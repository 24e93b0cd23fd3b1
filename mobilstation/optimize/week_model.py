"""Building the week's routing model: usable vehicle-days, the (site, day) jobs,
their windows and prizes, groups, spacing conflicts, covers for quotas and
mandatory requests (see :mod:`week` for the rules).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from mobilstation.demand.site import Site
from mobilstation.errors import PlanFailed
from mobilstation.i18n import num, t
from mobilstation.optimize import explain as _explain
from mobilstation.optimize.core.problem import Cover, Group, Job, Problem, RouteSpec
from mobilstation.optimize.roster import (
    CrewSlot,
    assign_crews,
    officer_shift,
)
from mobilstation.optimize.specs import Vehicle
from mobilstation.optimize.timing import (
    VehicleDay,
    hhmm,
)

if TYPE_CHECKING:
    pass


def _max_visits(days: Sequence[date], weekly_max: int, min_gap: int) -> int:
    """Most visits a site can get on ``days`` (sorted) with the gap rule: greedy earliest-first."""
    count, last = 0, None
    for d in sorted(days):
        if count >= weekly_max:
            break
        if last is None or (d - last).days >= min_gap:
            count, last = count + 1, d
    return count


@dataclass
class _Job:
    index: int
    site: Site
    day: int
    date: date
    routes: tuple[int, ...]


@dataclass
class _Model:
    """The week translated for the core, with the maps back."""

    problem: Problem
    jobs: list[_Job]
    marginal: dict[str, tuple[int, ...]]
    site_jobs: dict[str, list[int]]
    covers: list[Cover]
    cover_of: dict[int, list[tuple[int, int]]]  # job -> [(cover index, weight)]
    cover_max: list[int]
    options: dict[str, list[_explain.DayOption]]
    locations: list[str]


class _Building:
    """Model building for :class:`week._Week`: vehicle-days, day options, windows, the problem, covers."""

    # -- vehicle-days ------------------------------------------------------
    def vehicle_days(self) -> tuple[list[VehicleDay], list[dict]]:
        """Usable vehicle-days (a crew exists in the worst case) and the rest with reasons."""
        candidates: list[tuple[Vehicle, int, date]] = [
            (v, k, d) for k, d in enumerate(self.dates) for v in self.vehicles if v.available(d.isoweekday())
        ]
        slots = [
            CrewSlot(
                route_id=f"{v.id}-{d.isoformat()}",
                day=k,
                date=d,
                depot_id=v.depot_id,
                start=v.shift_start,
                end=v.shift_end,
                work_min=min(v.max_work_min, v.shift_end - v.shift_start),
                crew_size=v.crew_size,
            )
            for v, k, d in candidates
        ]
        pre = assign_crews(
            slots,
            self.officers,
            self.travel_min,
            self.settings,
            seed=self.solver_settings.seed,
            work_s=2.0,
            time_s=10.0,
            closures=self.closures,
        )
        self.pre_crews = pre.crews
        usable: list[VehicleDay] = []
        unusable: list[dict] = []
        for (v, k, d), slot in zip(candidates, slots, strict=True):
            if slot.route_id not in pre.crews:
                unusable.append({"route_id": slot.route_id, "reason": pre.uncrewed[slot.route_id]})
                continue
            skills: set[str] = set()
            for o in self.officers:
                if officer_shift(o, slot, self.travel_min, self.settings, self.closures) is not None:
                    skills |= o.skills
            usable.append(VehicleDay(len(usable), slot.route_id, v, k, d, frozenset(skills)))
        return usable, unusable

    # -- jobs --------------------------------------------------------------
    def day_option(self, site: Site, k: int, d: date, vds: Sequence[VehicleDay]) -> _explain.DayOption:
        """Whether ``site`` may be visited on day ``k`` and by which routes, or why not."""
        if site.days and d.isoweekday() not in site.days:
            allowed = ", ".join(_explain.WEEKDAY_DA[w - 1] for w in site.days)
            return _explain.DayOption(
                k,
                d,
                "wrong_day",
                f"Stedet kan kun besøges {allowed}, og ingen mobil station kører da i ugen.",
            )
        if site.deadline is not None and d > site.deadline:
            return _explain.DayOption(
                k,
                d,
                "wrong_day",
                f"Fristen {site.deadline.isoformat()} er før ugens dage med en mobil station.",
            )
        today = [vd for vd in vds if vd.day == k]
        if not today:
            return _explain.DayOption(
                k, d, "wrong_day", "Ingen mobil station kører på de dage, stedet kan besøges."
            )
        van = site.meta.get("vehicle") or (site.meta.get("pinned") or {}).get("vehicle")
        if van:  # a pinned or kept visit belongs to one van
            today = [vd for vd in today if vd.vehicle.id == van]
            if not today:
                return _explain.DayOption(k, d, "wrong_day", f"Stedet er lovet {van}, som ikke kører denne dag.")
        if self.closures is not None:  # a van whose drive there or back uses a link closed that day
            shut = {vd.id: self.closures.round_trip_closed(vd.vehicle.depot_id, site.id, d) for vd in today}
            today = [vd for vd in today if not shut[vd.id]]
            if not today:
                names = ", ".join(sorted({self.closures.names.get(lk, lk) for v in shut.values() for lk in v}))
                return _explain.DayOption(
                    k, d, "unreachable", f"{names} er lukket {d.day}/{d.month}; stedet kan ikke nås den dag."
                )
        skilled = [vd for vd in today if site.skills <= vd.skills]
        if not skilled:
            need = ", ".join(sorted(site.skills))
            return _explain.DayOption(
                k,
                d,
                "no_skill",
                f"Kræver en betjent med færdigheden '{need}', men ingen sådan betjent kan køre med "
                "på de mulige dage.",
            )
        ok = tuple(vd.index for vd in skilled if self.timing.schedule(vd, [site]) is not None)
        if not ok:
            vd = skilled[0]
            out = self.timing.leg(vd.depot_id, site.id).minutes
            back = self.timing.leg(site.id, vd.depot_id).minutes
            windows = ", ".join(f"{hhmm(a)}-{hhmm(b)}" for a, b in site.windows)
            return _explain.DayOption(
                k,
                d,
                "unreachable",
                f"Kan ikke nås: {out} + {back} min kørsel fra {vd.vehicle.depot_name or vd.depot_id} "
                f"og {site.service_min} min ophold passer ikke i vagten "
                f"{hhmm(vd.earliest)}-{hhmm(vd.latest)} "
                f"(højst {vd.vehicle.max_work_min} min arbejde) med stedets tidsvinduer {windows}.",
            )
        return _explain.DayOption(k, d, None, "", ok)

    def job_windows(self, site: Site, routes: Sequence[VehicleDay]) -> tuple[tuple[int, int], ...]:
        """Site windows, tightened to the ferry timetable for timed island legs."""
        timed = [
            vd
            for vd in routes
            if self.timing.leg(vd.depot_id, site.id).step is not None
            or self.timing.leg(site.id, vd.depot_id).step is not None
        ]
        if not timed:
            return site.windows
        lo_all, hi_all = 10**9, -1
        for vd in timed:
            first = self.timing.forward(vd.depot_id, [site], vd.earliest, vd.latest)
            if first is None:
                continue
            lo = first.stops[0].start
            back = self.timing.leg(site.id, vd.depot_id)
            top = max(h for _, h in site.windows)
            if (arr := back.arrive(lo + site.service_min)) is None or arr > vd.latest:
                continue
            a, b = lo, top  # largest start whose direct return is in time
            while a < b:
                mid = (a + b + 1) // 2
                arr = back.arrive(mid + site.service_min)
                if arr is not None and arr <= vd.latest:
                    a = mid
                else:
                    b = mid - 1
            lo_all, hi_all = min(lo_all, lo), max(hi_all, a)
        out = tuple(
            (max(o, lo_all), min(c, hi_all)) for o, c in site.windows if max(o, lo_all) <= min(c, hi_all)
        )
        return out or site.windows

    def build(self, vds: Sequence[VehicleDay]) -> _Model:
        s = self.settings
        locations: list[str] = []
        loc_index: dict[str, int] = {}

        def loc(pid: str) -> int:
            if pid not in loc_index:
                loc_index[pid] = len(locations)
                locations.append(pid)
            return loc_index[pid]

        for vd in vds:
            loc(vd.depot_id)
        routes = tuple(
            RouteSpec(
                start=loc(vd.depot_id),
                end=loc(vd.depot_id),
                earliest=vd.earliest,
                latest=vd.latest,
                max_duration=vd.vehicle.max_work_min,
                skills=vd.skills,
            )
            for vd in vds
        )
        jobs: list[_Job] = []
        core_jobs: list[Job] = []
        options: dict[str, list[_explain.DayOption]] = {}
        site_jobs: dict[str, list[int]] = {}
        marginal: dict[str, tuple[int, ...]] = {}
        groups: list[Group] = []
        conflicts: list[tuple[int, int]] = []
        for site in self.sites:
            opts = self._opts[site.id]
            options[site.id] = opts
            prize = round(max(site.score, 0.0) * s.prize_scale)
            marginal[site.id] = tuple(round(prize * s.repeat_value**k) for k in range(site.weekly_max))
            mine: list[int] = []
            for o in opts:
                if o.code is not None:
                    continue
                j = len(jobs)
                windows = self.job_windows(site, [vds[r] for r in o.routes])
                jobs.append(_Job(j, site, o.day, o.date, o.routes))
                core_jobs.append(
                    Job(
                        location=loc(site.id),
                        prize=prize,
                        service=site.service_min,
                        windows=windows,
                        routes=frozenset(o.routes),
                        skills=frozenset(site.skills),
                    )
                )
                mine.append(j)
            site_jobs[site.id] = mine
            if mine:
                groups.append(Group(tuple(mine), site.weekly_max, marginal[site.id]))
                if site.weekly_max > 1:
                    for a in mine:
                        for b in mine:
                            if a < b and abs((jobs[a].date - jobs[b].date).days) < site.min_gap_days:
                                conflicts.append((a, b))

        covers, cover_max, failures = self._covers(jobs, site_jobs)
        if failures:
            failures += [t("cover.uncrewed", reason=u["reason"]) for u in self.unusable]
            raise PlanFailed(t("error.plan_failed"), failures)
        # a mandatory site with a single possible day is simply required
        for c in covers:
            if c.name.startswith(t("cover.request", name="")) and len(c.jobs) == 1:
                j = c.jobs[0]
                old = core_jobs[j]
                core_jobs[j] = Job(
                    old.location, old.prize, old.service, old.windows, True, old.routes, old.skills
                )
        cover_of: dict[int, list[tuple[int, int]]] = {}
        for ci, c in enumerate(covers):
            for k, j in enumerate(c.jobs):
                cover_of.setdefault(j, []).append((ci, c.weight(k)))
        idx = np.array([self.index[p] for p in locations], dtype=np.int64)
        problem = Problem(
            duration=np.asarray(self.travel.minutes)[np.ix_(idx, idx)].astype(np.int64),
            distance=np.asarray(self.travel.metres)[np.ix_(idx, idx)].astype(np.int64),
            routes=routes,
            jobs=tuple(core_jobs),
            groups=tuple(groups),
            covers=tuple(covers),
            conflicts=tuple(conflicts),
        )
        return _Model(problem, jobs, marginal, site_jobs, covers, cover_of, cover_max, options, locations)

    def _covers(
        self, jobs: list[_Job], site_jobs: dict[str, list[int]]
    ) -> tuple[list[Cover], list[int], list[str]]:
        """Covers for requests and quotas, their most reachable value, and the pre-check failures."""
        covers: list[Cover] = []
        most: list[int] = []
        failures: list[str] = []

        def reachable(site: Site) -> int:
            return _max_visits([jobs[j].date for j in site_jobs[site.id]], site.weekly_max, site.min_gap_days)

        for site in self.sites:
            if not site.mandatory:
                continue
            mine = site_jobs[site.id]
            label = t("cover.request", name=site.name)
            if not mine:
                before = [o for o in self._opts[site.id] if site.deadline is None or o.date <= site.deadline]
                hits = [
                    o for code in ("unreachable", "no_skill", "wrong_day") for o in before if o.code == code
                ]
                why = hits[0].detail if hits else t("cover.deadline_before")
                by = t("cover.by", date=site.deadline.isoformat()) if site.deadline else ""
                failures.append(t("cover.cannot", cover=label, id=site.id, by=by, why=why))
                continue
            covers.append(Cover(tuple(mine), 1, (), label))
            most.append(1)
        for q in self.quotas:
            muni_sites = [s for s in self.sites if s.municipality_code == q.municipality]
            mine = [j for s in muni_sites for j in site_jobs[s.id]]
            name = self.muni_name(q.municipality)
            quota = t("cover.quota", name=name)
            if q.min_visits > 0:
                top = sum(reachable(s) for s in muni_sites)
                need_visits = q.min_visits
                if top < q.min_visits:
                    said = {"need": q.min_visits, "top": top, "short": q.min_visits - top}
                    text = t("cover.visits_top", quota=quota, **said)
                    need_visits = self._short(text, top, failures)
                if need_visits > 0:
                    covers.append(Cover(tuple(mine), need_visits, (), f"{quota}: {t('cover.visits')}"))
                    most.append(top)
            if q.min_mobile_hours > 0:
                need = math.ceil(q.min_mobile_hours * 60 - 1e-9)
                top = sum(reachable(s) * s.service_min for s in muni_sites)
                if top < need:
                    hours = {"need": num(q.min_mobile_hours), "top": num(top / 60)}
                    text = t("cover.hours_top", quota=quota, short=num((need - top) / 60), **hours)
                    need = self._short(text, top, failures)
                if need > 0:
                    weights = tuple(jobs[j].site.service_min for j in mine)
                    covers.append(Cover(tuple(mine), need, weights, f"{quota}: {t('cover.hours')}"))
                    most.append(top)
        return covers, most, failures

    def _short(self, text: str, top: int, failures: list[str]) -> int:
        """A quota the week cannot reach: a failure, or (``quotas_as_possible``) a shortfall and ``top``."""
        if self.quotas_as_possible:
            self.shortfalls.append(text)
            return top
        failures.append(text)
        return 0
