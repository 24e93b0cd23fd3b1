"""Errors: what stops a run (bad input, exit 2; no feasible plan, exit 1), in the planner's words.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.plan_failed": (
        "Ugen kan ikke planlægges: krav kan ikke opfyldes",
        "The week cannot be planned: requirements cannot be met",
    ),
    # override paths (--set, sweep grids)
    "override.bad_path": (
        "{path}: ikke en feltsti (forventede f.eks. solver.seed eller vehicles[1].days)",
        "{path}: not a field path (expected e.g. solver.seed or vehicles[1].days)",
    ),
    "override.bad_index": (
        "{path}: [{index}] er ikke et listenummer (et helt tal fra 0)",
        "{path}: [{index}] is not a list position (a whole number from 0)",
    ),
    "override.not_mapping": (
        "{path}: {where} er ikke en samling af felter",
        "{path}: {where} is not a mapping of fields",
    ),
    "override.not_list": ("{path}: {where} er ikke en liste", "{path}: {where} is not a list"),
    "override.no_list": (
        "{path}: scenariet har ingen {where}; giv hele listen i stedet",
        "{path}: the scenario has no {where}; give the whole list instead",
    ),
    "override.empty_list": (
        "{path}: {where} er tom; giv hele listen i stedet",
        "{path}: {where} is empty; give the whole list instead",
    ),
    "override.out_of_range": (
        "{path}: {where} har {count} element(er), nummereret 0 til {last}",
        "{path}: {where} has {count} item(s), numbered 0 to {last}",
    ),
}
