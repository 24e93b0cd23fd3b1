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
    # a plan.json read back (publish, replan, maps, calendars)
    "planfile.not_found": (
        "{path}: ingen plan.json (forventede resultatmappen fra 'mobilstation plan')",
        "{path}: no plan.json found (expected the output directory of 'mobilstation plan')",
    ),
    "planfile.invalid": (
        "{path}: ikke en gyldig plan.json: {reason}",
        "{path}: not a valid plan.json: {reason}",
    ),
    "planfile.no_polygon": (
        "politikreds {district!r}: intet kommunepolygon for kode(r) {codes}, som planen nævner",
        "district {district!r}: no municipality polygon for code(s) {codes} named in the plan",
    ),
    "planfile.unknown_stop": (
        "plan: rute {route}: stop {seq} nævner et ukendt sted {site!r}",
        "plan: route {route}: stop {seq} names unknown site {site!r}",
    ),
    "planfile.bad_hotspot": (
        "plan: hotspots[{id}].geometry: ikke en gyldig GeoJSON-geometri: {reason}",
        "plan: hotspots[{id}].geometry: not a valid GeoJSON geometry: {reason}",
    ),
    "planfile.unknown_municipality": (
        "kommune {key!r}: ikke i denne plan (forventede en kode eller en af: {names})",
        "municipality {key!r}: not in this plan (expected a code or one of: {names})",
    ),
    "planfile.unknown_place": (
        "plan: rute {route}: en strækning nævner et ukendt sted {place!r}",
        "plan: route {route}: leg refers to unknown place {place!r}",
    ),
    "planfile.other_week": (
        "forrige plan: uge {previous}, men denne plan er uge {week} "
        "(kalendere opdaterer kun den samme uges offentliggørelse)",
        "previous plan: week {previous}, but this plan is week {week} "
        "(calendars update only the same week's publication)",
    ),
    # pinned visits (the scenario's pinned, replan --pin)
    "pin.several": (
        "{where}: {key!r} passer på {count} steder; angiv ét id: {ids}",
        "{where}: {key!r} names {count} sites; give one id: {ids}",
    ),
    "pin.did_you_mean": (" (mente du {names}?)", " (did you mean {names}?)"),
    "pin.unknown": (
        "{where}: intet muligt sted med id eller navn {key!r}{hint}",
        "{where}: no candidate site with id or name {key!r}{hint}",
    ),
    "pin.twice": ("{where}: {name} er fastlagt to gange", "{where}: {name} is pinned twice"),
    # the points of one week
    "points.same_id": (
        "sted-id {id!r} er også id for en station eller et udgangspunkt; id'er skal være entydige",
        "site id {id!r} is also a station or depot id; ids must be unique",
    ),
    "simulate.ledger_url": (
        "--ledger: flere seeds kræver hver sin SQLite-fil (en sti), ikke en databaseadresse",
        "--ledger: several seeds need one SQLite file each (a path), not a database URL",
    ),
    # why a week has no plan (the requirements it cannot meet)
    "cover.request": ("anmodning {name}", "request {name}"),
    "cover.quota": ("kvote {name}", "quota {name}"),
    "cover.visits": ("besøg", "visits"),
    "cover.hours": ("mobile timer", "mobile hours"),
    "cover.no_room": (
        "{cover}: kunne ikke få plads på ruterne inden fristen",
        "{cover}: no room on the routes before the deadline",
    ),
    "cover.hours_short": (
        "{quota}: {need} mobile timer krævet, kun {got} planlagt (teoretisk højst {top}; mangler {short})",
        "{quota}: {need} mobile hours required, only {got} planned (at most {top} in theory; {short} short)",
    ),
    "cover.visits_short": (
        "{quota}: {need} besøg krævet, kun {got} muligt med ruternes tid "
        "(teoretisk højst {top}; mangler {short})",
        "{quota}: {need} visits required, only {got} possible in the routes' time "
        "(at most {top} in theory; {short} short)",
    ),
    "cover.visits_top": (
        "{quota}: {need} besøg krævet, højst {top} muligt i ugen (mangler {short})",
        "{quota}: {need} visits required, at most {top} possible in the week ({short} short)",
    ),
    "cover.hours_top": (
        "{quota}: {need} mobile timer krævet, højst {top} mulige i ugen (mangler {short})",
        "{quota}: {need} mobile hours required, at most {top} possible in the week ({short} short)",
    ),
    "cover.cannot": (
        "{cover} ({id}): skal besøges{by}, men kan ikke: {why}",
        "{cover} ({id}): must be visited{by}, but cannot be: {why}",
    ),
    "cover.by": (" senest {date}", " by {date}"),
    "cover.deadline_before": (
        "Fristen er før ugens første planlagte dag.",
        "The deadline is before the week's first planned day.",
    ),
    "crew.from": ("fra {depot}", "from {depot}"),
    "crew.district": ("i kredsen", "in the district"),
    "crew.too_few": (
        "{route} {day}: {need} betjente kræves, kun {eligible} {where} kan tage vagten "
        "({present} på arbejde den dag; mangler {short})",
        "{route} {day}: {need} officers required, only {eligible} {where} can take the shift "
        "({present} at work that day; {short} short)",
    ),
    "crew.no_hours": (
        "{route} {day}: {eligible} betjente kunne tage vagten, men ugens timer eller hviletiden "
        "rækker ikke til en besætning på {need}",
        "{route} {day}: {eligible} officers could take the shift, but the week's hours or the rest "
        "time do not stretch to a crew of {need}",
    ),
    "cover.uncrewed": ("bil-dag uden besætning: {reason}", "vehicle-day without a crew: {reason}"),
    "error.no_crews": (
        "Ugen kan ikke bemandes: færdigheder mangler",
        "The week cannot be crewed: skills are missing",
    ),
    "error.no_crew_skill": ("{route}: ingen betjent med {skills}", "{route}: no officer with {skills}"),
    "error.hours_unplaced": (
        "Timekvoterne kan ikke lægges i vagter",
        "The hour quotas cannot be placed in shifts",
    ),
    "error.hours_unplaced_one": (
        "{quota}: {need} patruljetimer krævet, kun {got} kan lægges i vagter (hviletid/vagtlængde)",
        "{quota}: {need} patrol hours required, only {got} can be placed in shifts "
        "(rest time/shift length)",
    ),
    "error.hours_unreachable": (
        "Timekvoterne kan ikke nås med betjentenes timer",
        "The hour quotas cannot be met with the officers' hours",
    ),
    "error.hours_one": (
        "{quota}: {need} timer krævet ({mobile} mobil + {patrol} patrulje), "
        "højst {most} timer til rådighed (mangler {short})",
        "{quota}: {need} hours required ({mobile} mobile + {patrol} patrol), at most {most} hours available "
        "({short} short)",
    ),
    "error.hours_all": (
        "kvoterne for {listed}: {need} patruljetimer krævet tilsammen, højst {most} til rådighed "
        "(mangler {short})",
        "the quotas of {listed}: {need} patrol hours required together, at most {most} available "
        "({short} short)",
    ),
}
