"""Every plan the product makes under test is held to the plan checker, wherever it is made.

:func:`install` wraps :func:`mobilstation.pipeline.build_plan`, the one place
every plan is made (the API, the CLI and the sweep's workers all go through
``api.plan``), so a plan from any test, notebook or CLI run is checked
against its own resolved scenario and the travel matrix rebuilt outside the
planner before anyone sees it; a violation raises there, naming the rule.
``tests/conftest.py`` installs it for the test session and
``notebooks/conftest.py`` for every notebook kernel (an IPython startup file).
"""

from __future__ import annotations

from typing import Any

PLANS_CHECKED: list[str] = []  # scenario names of the plans checked in this process


def install() -> None:
    import mobilstation.pipeline as pipeline

    if getattr(pipeline.build_plan, "checked_by_plan_guard", False):
        return
    original = pipeline.build_plan

    def build_plan(resolved: Any, **kwargs: Any) -> Any:
        from plan_checker import plan_violations

        record = original(resolved, **kwargs)
        violations = plan_violations(record, resolved)
        if violations:
            raise AssertionError(
                f"plan checker: the plan of {record.scenario.name!r} breaks {len(violations)} rule(s):\n"
                + "\n".join(violations[:20])
            )
        PLANS_CHECKED.append(record.scenario.name)
        return record

    build_plan.__doc__ = original.__doc__
    build_plan.checked_by_plan_guard = True  # type: ignore[attr-defined]
    pipeline.build_plan = build_plan
