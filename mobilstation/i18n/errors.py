"""Errors: what stops a run (bad input, exit 2; no feasible plan, exit 1), in the planner's words.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.plan_failed": (
        "Ugen kan ikke planlægges: krav kan ikke opfyldes",
        "The week cannot be planned: requirements cannot be met",
    ),
}
