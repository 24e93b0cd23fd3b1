"""What a plan must say about its inputs, rebuilt from the resolved scenario, for the plan checker.

A planner that ignores a limit could also write a looser one into plan.json;
so with a scenario the checker does not read limits from the plan. It
rebuilds each site's visiting rules from the scenario's site settings (and
each request from the request file as read), the vehicles, officers, links,
quotas and working-time rules, reports every difference from the plan's
copy, and returns a copy of the plan carrying the scenario's values for the
other rules to be checked against.
"""

from __future__ import annotations

from typing import Any

from mobilstation.plan import PlanRecord
from mobilstation.scenario import ResolvedScenario


def _request_rules(r: Any, settings: Any) -> dict[str, Any]:
    """A request's visiting rules as the scenario defines them (type: service, skills; wanted window, day)."""
    rtype = settings.request_types.get(r.type)
    service = rtype.service_min if rtype is not None else settings.request.service_min
    if r.window is not None:
        open_, close = r.window
        windows = [[open_, max(open_, close - service)]]
    else:
        windows = [[a, b] for a, b in settings.request.windows]
    days = [r.wanted_date.isoweekday()] if r.wanted_date is not None else list(settings.request.days)
    return {
        "service_min": service,
        "windows": windows,
        "days": days,
        "weekly_max": 1,
        "min_gap_days": settings.request.min_gap_days,
        "mandatory": bool(r.mandatory),
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "skills": sorted(rtype.skills) if rtype is not None else [],
    }


def _kind_rules(kind: str, settings: Any) -> dict[str, Any]:
    ks = settings.kind(kind)
    return {
        "service_min": ks.service_min,
        "windows": [[a, b] for a, b in ks.windows],
        "days": list(ks.days),
        "weekly_max": ks.weekly_max,
        "min_gap_days": ks.min_gap_days,
        "mandatory": False,
        "deadline": None,
        "skills": [],
    }


def _diff(where: str, plan_values: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    return [
        f"scenario: {where}: {k} is {plan_values[k]!r} in the plan, {v!r} in the scenario"
        for k, v in truth.items()
        if plan_values.get(k) != v
    ]


def hold_to_scenario(plan: PlanRecord, resolved: ResolvedScenario) -> tuple[PlanRecord, list[str]]:
    """The plan with the scenario's limits in place of its own, and every place where they differed."""
    s = resolved.scenario
    truth = plan.model_copy(deep=True)
    out: list[str] = []

    dates = [d.isoformat() for d in resolved.dates]
    if plan.scenario.dates != dates:
        out.append(f"scenario: planned dates are {plan.scenario.dates} in the plan, {dates} in the scenario")
        truth.scenario.dates = dates

    # -- the travel model the matrix is rebuilt from (a planner could state kinder parameters)
    spec = s.travel
    if plan.travel.model != spec.model:
        out.append(
            f"scenario: travel model is {plan.travel.model!r} in the plan, {spec.model!r} in the scenario"
        )
    elif spec.model == "estimated":  # the parameters the matrix is rebuilt from (osm: the road file)
        want = {k: list(v) if isinstance(v, tuple) else v for k, v in spec.params.model_dump().items()}
        out += _diff("travel", plan.travel.params, want)
        truth.travel.params = {**plan.travel.params, **want}

    # -- working-time rules
    ws = s.week_settings
    rules = {
        "min_rest_hours": ws.min_rest_hours,
        "crew_home_rule": ws.crew_home_rule,
        "admin_share": ws.admin_share,
        "patrol_block_min": ws.patrol.block_min,
        "repeat_value": ws.repeat_value,
        "ferry_boarding_min": ws.ferry_boarding_min,
    }
    if plan.rules is None:
        out.append("scenario: the plan records no working-time rules")
        from mobilstation.plan import RulesInfo

        truth.rules = RulesInfo(**rules)
    else:
        out += _diff("rules", plan.rules.model_dump(), rules)
        truth.rules = plan.rules.model_copy(update=rules)

    # -- vehicles
    specs = {v.id: v for v in resolved.vehicles}
    if sorted(specs) != sorted(v.id for v in plan.vehicles):
        out.append(
            f"scenario: vehicles {sorted(v.id for v in plan.vehicles)} in the plan, {sorted(specs)} in the "
            "scenario"
        )
    for v in truth.vehicles:
        spec = specs.get(v.id)
        if spec is None:
            continue
        want = {
            "home_station_id": spec.depot_id,
            "shift": [spec.shift_start, spec.shift_end],
            "max_work_min": spec.max_work_min,
            "crew_size": spec.crew_size,
            "days": list(spec.days),
        }
        out += _diff(f"vehicle {v.id}", v.model_dump(), want)
        for k, val in want.items():
            setattr(v, k, val)
    # each route's own copy of its vehicle's limits
    vehicles = {v.id: v for v in truth.vehicles}
    for r in truth.routes:
        v = vehicles.get(r.vehicle_id)
        if v is None:
            continue
        out += _diff(
            f"route {r.id}",
            {"shift": r.shift, "max_work_min": r.max_work_min},
            {"shift": v.shift, "max_work_min": v.max_work_min},
        )
        r.shift, r.max_work_min = list(v.shift), v.max_work_min

    # -- officers
    ospecs = {o.id: o for o in resolved.officers}
    if sorted(ospecs) != sorted(o.id for o in plan.officers):
        missing = sorted(set(ospecs) - {o.id for o in plan.officers})
        extra = sorted({o.id for o in plan.officers} - set(ospecs))
        out.append(f"scenario: officers missing from the plan {missing}, not in the scenario {extra}")
    for o in truth.officers:
        spec = ospecs.get(o.id)
        if spec is None:
            continue
        want = {
            "station_id": spec.station_id,
            "weekly_hours": spec.weekly_hours,
            "skills": sorted(spec.skills),
            "max_shift_hours": spec.max_shift_hours,
            "available_days": list(spec.available_days),
            "earliest_start": spec.earliest_start,
            "latest_end": spec.latest_end,
        }
        out += _diff(f"officer {o.id}", {**o.model_dump(), "skills": sorted(o.skills)}, want)
        for k, val in want.items():
            setattr(o, k, val)

    # -- stations and links
    district = resolved.district
    stations = {st.id: st for st in district.stations}
    for st in truth.stations:
        real = stations.get(st.id)
        if real is None:
            out.append(f"scenario: station {st.id} is not a station of {district.name}")
            continue
        out += _diff(f"station {st.id}", st.model_dump(), {"lat": real.lat, "lon": real.lon})
        st.lat, st.lon = real.lat, real.lon
    # a re-plan that left a closed short cut out of its travel lists the link as left out
    left_out = set(plan.travel.params.get("left_out_links", []))
    links = {lk.id: lk for lk in district.links if lk.id not in left_out}
    if sorted(links) != sorted(lk.id for lk in plan.links if lk.id not in left_out):
        out.append(
            f"scenario: links {sorted(lk.id for lk in plan.links)} in the plan, {sorted(links)} in the "
            "district"
        )
    for lk in truth.links:
        real = links.get(lk.id)
        if real is None:
            continue
        want = {
            "kind": real.kind,
            "a": [real.a_lat, real.a_lon],
            "b": [real.b_lat, real.b_lon],
            "crossing_min": real.crossing_min,
            "wait_min": real.wait_min,
            "departures_a": list(real.departures_a),
            "departures_b": list(real.departures_b),
        }
        out += _diff(f"link {lk.id}", lk.model_dump(), want)
        for k, val in want.items():
            setattr(lk, k, val)

    # -- quotas
    quotas = {q.municipality: q for q in resolved.quotas}
    for m in truth.municipalities:
        q = quotas.get(m.code)
        want = {
            "quota_visits": q.min_visits if q else 0,
            "quota_hours": q.min_hours if q else 0.0,
            "quota_mobile_hours": q.min_mobile_hours if q else 0.0,
            "quota_patrol_hours": q.min_patrol_hours if q else 0.0,
        }
        out += _diff(f"municipality {m.code}", m.model_dump(), want)
        for k, val in want.items():
            setattr(m, k, val)

    # -- sites: every kind's rules from the site settings, each request's from the file as read
    settings = s.sites
    requests = {f"request:{_ascii_id(r.id)}": r for r in (resolved.requests or ())}
    listed = {x.id for x in plan.sites}
    for rid in sorted(set(requests) - listed):
        out.append(
            f"scenario: request {requests[rid].id} (row {requests[rid].row}) is not among the plan's sites"
        )
    campaigns = _campaign_rules(resolved, truth)
    pins, pin_vehicles = _pin_rules(resolved, truth)
    for sid, van in resolved.keep_vehicle.items():  # a re-plan's kept visit stays with its van
        for r in truth.routes:
            if r.vehicle_id != van and any(st.site_id == sid for st in r.stops):
                out.append(f"scenario: kept visit {sid} on {r.date}: visited by {r.vehicle_id}, kept with {van}")
    for r in truth.routes:
        for st in r.stops:
            pinned = pin_vehicles.get(st.site_id)
            if pinned is not None and pinned[0] == r.date and pinned[1] and r.vehicle_id != pinned[1]:
                out.append(f"scenario: pin {st.site_id} on {r.date}: visited by {r.vehicle_id}, pinned to {pinned[1]}")
    memory = resolved.memory
    made = memory.made_in_week if memory is not None else {}
    for x in truth.sites:
        if x.id.startswith("campaign:"):
            want = campaigns.get(x.id)
            if want is None:
                out.append(f"scenario: site {x.id} is a campaign target the scenario's campaigns do not have")
                continue
        elif x.kind == "request":
            r = requests.get(x.id)
            if r is None:
                out.append(f"scenario: site {x.id} is a request the scenario's request file does not have")
                continue
            want = _request_rules(r, settings)
            want |= {"lat": r.lat, "lon": r.lon, "municipality_code": r.municipality_code}
        else:
            want = _kind_rules(x.kind, settings)
            want |= _rotation_rules(x, resolved)
        if made.get(x.id):
            want["weekly_max"] = want["weekly_max"] - made[x.id]
        if x.id in resolved.keep_days:  # a re-plan keeps a published visit on its day
            want["days"] = list(resolved.keep_days[x.id])
        if x.id in pins:  # a promised visit: that day, that minute
            want |= pins[x.id]
        got = {**x.model_dump(), "skills": sorted(x.skills)}
        out += _diff(f"site {x.id}", got, want)
        for k, val in want.items():
            setattr(x, k, val)
    return truth, out


def _ascii_id(text: str) -> str:
    from mobilstation.demand.sites import ascii_id

    return ascii_id(text)


def _rotation_rules(x: Any, resolved: ResolvedScenario) -> dict[str, Any]:
    """A town's visit is mandatory in the week it would otherwise wait longer than the rotation allows.

    Recomputed from the last visits the plan was made with (the history file
    and the ledger) and the ISO weeks, not from the plan's own flags.
    """
    from datetime import timedelta

    rule = resolved.scenario.rotation
    if rule is None or not rule.hard or x.kind not in rule.kinds:
        return {}
    monday = resolved.scenario.week_start
    last = resolved.history.get(x.id)
    if last is not None:
        waited = (monday - (last - timedelta(days=last.isoweekday() - 1))).days // 7
    else:
        memory = resolved.memory
        first = memory.first_week if memory is not None and memory.first_week is not None else monday
        waited = (monday - first).days // 7 + 1
    return {"mandatory": waited >= rule.max_weeks_between_visits}


def _campaign_rules(resolved: ResolvedScenario, plan: PlanRecord) -> dict[str, dict[str, Any]]:
    """Each campaign target's visiting rules as its campaign defines them (site id -> rules)."""
    from mobilstation.demand._windows import parse_window
    from mobilstation.demand.campaigns import target_site_id

    out: dict[str, dict[str, Any]] = {}
    monday = resolved.scenario.week_start
    for spec in resolved.scenario.campaigns:
        base = parse_window(spec.window)
        for t in resolved.campaign_targets.get(spec.id, []) if spec.targets is not None else []:
            w = t.window or base
            due_week = t.deadline_week or spec.deadline_week
            y, wk = (int(v) for v in due_week.split("-W"))
            from datetime import date

            due = monday >= date.fromisocalendar(y, wk, 1)
            out[target_site_id(spec.id, t.id)] = {
                "service_min": spec.service_min,
                "windows": [[w[0], max(w[0], w[1] - spec.service_min)]],
                "days": [],
                "weekly_max": 1,
                "mandatory": due,
                "deadline": resolved.dates[-1].isoformat() if due else None,
                "skills": [],
                "lat": round(t.lat, 6),
                "lon": round(t.lon, 6),
            }
        if spec.trigger is not None:
            # a meeting where a hotspot's trend jumped: the hotspots are in the plan (checked elsewhere)
            for h in plan.hotspots:
                if h.trend >= spec.trigger.trend_min and h.incidents >= spec.trigger.min_incidents:
                    out[target_site_id(spec.id, h.id)] = {
                        "service_min": spec.service_min,
                        "windows": [[base[0], max(base[0], base[1] - spec.service_min)]],
                        "days": [],
                        "weekly_max": 1,
                        "skills": [],
                    }
    return out


def _pin_rules(
    resolved: ResolvedScenario, plan: PlanRecord
) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[str, str | None]]]:
    """The pinned sites' rules (site id -> rules) and their (date, vehicle), from the scenario's ``pinned``."""
    rules: dict[str, dict[str, Any]] = {}
    vehicles: dict[str, tuple[str, str | None]] = {}
    for pin in resolved.scenario.pinned:
        hits = [x for x in plan.sites if x.id == pin.site] or [
            x for x in plan.sites if x.name.casefold() == pin.site.casefold()
        ]
        if len(hits) != 1:
            continue  # the pipeline refuses such a pin as bad input before planning
        want: dict[str, Any] = {"days": [pin.date.isoweekday()]}
        if not pin.soft:  # a promise must be kept; a re-plan's kept visit may be dropped
            want |= {"mandatory": True, "deadline": pin.date.isoformat()}
        if pin.time is not None:
            h, m = (int(v) for v in pin.time.split(":"))
            want["windows"] = [[h * 60 + m, h * 60 + m]]
        rules[hits[0].id] = want
        vehicles[hits[0].id] = (pin.date.isoformat(), pin.vehicle)
    return rules, vehicles

