"""An end-to-end week where the 11-hour rest and the weekly field budget bind (``fixtures/tight.py``).

The shipped scenarios never make these rules bind (their days are 8 hours
long), so a planner that dropped them would pass every other end-to-end test.
Here every crewed day is long enough that two in a row leave under 11 hours'
rest, and three of them exceed an officer's field hours: the plan is held to
the checker, and the same week without the rest rule is shown to need it.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from fixtures.tight import tight_scenario
from plan_checker import plan_violations

from mobilstation.pipeline import build_plan
from mobilstation.plan import PlanRecord
from mobilstation.scenario import ResolvedScenario, resolve

WORK_LIMIT, SEED = 200, 1


@pytest.fixture(scope="module")
def tight() -> tuple[PlanRecord, ResolvedScenario]:
    resolved = resolve(tight_scenario())
    return build_plan(resolved, work_limit=WORK_LIMIT, seed=SEED), resolved


def test_the_tight_week_holds_every_rule(tight: tuple[PlanRecord, ResolvedScenario]) -> None:
    plan, resolved = tight
    assert sum(len(r.stops) for r in plan.routes) >= 20
    assert plan_violations(plan, resolved) == []


def test_rest_and_field_hours_bind(tight: tuple[PlanRecord, ResolvedScenario]) -> None:
    plan, _ = tight
    used = [r for r in plan.routes if r.stops]
    assert len(used) == 5
    # most crewed days are so long that a departure at the vehicle's usual hour the next morning
    # would come less than 11 h after the return ...
    long_days = {date.fromisoformat(r.date) for r in used if (24 * 60 - r.return_) + r.departure < 11 * 60}
    assert len(long_days) >= 3
    # ... so no one who crews a long day crews the next one
    mobile = {
        o.id: sorted(date.fromisoformat(s.date) for s in o.shifts if s.duty == "mobile")
        for o in plan.officers
    }
    for oid, days in mobile.items():
        after_long = [b for a, b in itertools.pairwise(days) if a in long_days and (b - a).days == 1]
        assert after_long == [], (oid, days)
    # ... and someone's week comes within an hour of the field budget (60 h x (1 - 0.2) = 48 h)
    totals = [sum(s.end - s.start for s in o.shifts) for o in plan.officers]
    assert max(totals) > 47 * 60 and max(totals) <= 48 * 60


def test_without_the_rest_rule_the_same_week_works_days_in_a_row() -> None:
    """What the rule prevents: with min_rest_hours 0 the roster puts officers on consecutive long days."""
    resolved = resolve(tight_scenario({"week_settings.min_rest_hours": 0}))
    plan = build_plan(resolved, work_limit=WORK_LIMIT, seed=SEED)
    assert plan_violations(plan, resolved) == []  # honest about its (lax) rule
    mobile = {
        o.id: sorted(date.fromisoformat(s.date) for s in o.shifts if s.duty == "mobile")
        for o in plan.officers
    }
    assert any((b - a).days == 1 for days in mobile.values() for a, b in itertools.pairwise(days))
