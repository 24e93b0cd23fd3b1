"""Progress: the steps a run announces while it works (see :mod:`mobilstation.progress`).

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # the pipeline
    "step.synthetic_incidents": ("syntetiske hændelser", "synthetic incidents"),
    "step.hotspots": ("hotspots ({method})", "hotspots ({method})"),
    "step.sites": ("mulige steder", "candidate sites"),
    "step.road_network": ("vejnet (OSM)", "road network (OSM)"),
    "step.travel_model": ("rejsetidsmodel", "travel model"),
    "step.travel_matrix": ("rejsetider ({count} steder)", "travel matrix ({count} places)"),
    "step.plan_record": ("samler planen", "plan record"),
    "step.district": ("politikreds", "district"),
    "step.incidents": ("hændelser", "incidents"),
    # the week
    "step.vehicle_days": (
        "Finder brugbare bil-dage og besætninger",
        "Finding usable vehicle-days and crews",
    ),
    "step.week_model": (
        "Bygger ugemodellen: {routes} ruter, {sites} steder",
        "Building the week model: {routes} routes, {sites} sites",
    ),
    "step.greedy": (
        "Bygger en første plan (grådig indsættelse)",
        "Building a first plan (greedy insertion)",
    ),
    "step.search": (
        "Søger ruter ({jobs} mulige besøg, {routes} ruter)",
        "Searching routes ({jobs} possible visits, {routes} routes)",
    ),
    "step.colgen": (
        "Søjlegenerering: grænse og plan over ruter",
        "Column generation: bound and plan over routes",
    ),
    "step.crews": ("Sætter besætninger", "Assigning crews"),
    "step.hours": ("Fordeler lokalbetjenttimer", "Allocating lokalbetjent hours"),
    "step.explain": (
        "Forklarer ubesøgte steder og beregner grænse",
        "Explaining unvisited sites and computing the bound",
    ),
    "step.replan": ("genplanlægger de resterende dage", "re-planning the remaining days"),
    # the outputs
    "step.write": ("skriver {files}", "writing {files}"),
}
