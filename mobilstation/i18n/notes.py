"""Warnings: what a run reports without stopping, so the planner sees what was left out or changed.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "note.time_limit": (
        "planlægningen tog {took} s mod en tidsgrænse på {limit} s: at bygge ugen, besætningerne og "
        "timerne tog alene {fixed} s; giv mindst {allow} s, så der er tid til en søgning",
        "planning took {took} s against a time limit of {limit} s: building the week, the crews and "
        "the hours alone took {fixed} s; allow at least {allow} s for a search",
    ),
    # a re-plan's closed links
    "note.link_short_cut": (
        "{link} er lukket {dates}; den bruges også mellem steder, der kan nås uden den (fx {a} - {b}), "
        "så planen regner den som lukket alle ugens dage",
        "{link} is closed {dates}; it also carries traffic between places reached without it (e.g. "
        "{a} - {b}), so the plan takes it as closed on every day of the week",
    ),
    "note.soft_pin_unreachable": (
        "{site}: kan ikke længere nås; det offentliggjorte besøg {date} aflyses",
        "{site}: can no longer be reached; the published visit on {date} is cancelled",
    ),
    # citizen requests
    "note.requests.read": ("{count} anmodning(er) læst", "{count} requests read"),
    "note.request.outside": (
        "række {row}: anmodning {id!r} ved ({lat}, {lon}) ligger uden for politikreds {district!r}; udeladt",
        "row {row}: request {id!r} at ({lat}, {lon}) is outside district {district!r}; left out",
    ),
    "note.request.after_week": (
        "række {row}: anmodning {id!r} ønsker {wanted}, efter den planlagte uge; udeladt",
        "row {row}: request {id!r} wants {wanted}, after the planned week; left out",
    ),
    "note.request.promise_passed": (
        "række {row}: anmodning {id!r} fik lovet {wanted}, som er gået uden besøg; aftal en ny dato "
        "med borgeren (udeladt)",
        "row {row}: request {id!r} was promised {wanted}, which has passed without a visit; agree a "
        "new date with the citizen (left out)",
    ),
    "note.request.before_week": (
        "række {row}: anmodning {id!r} ønskede {wanted}, før den planlagte uge; enhver dag frem til "
        "fristen {deadline} kan bruges",
        "row {row}: request {id!r} wanted {wanted}, before the planned week; any day up to the "
        "deadline {deadline} will do",
    ),
    "note.request.not_planned_day": (
        "række {row}: anmodning {id!r} er lovet til {wanted}, som ikke er en planlagt dag; løftet kan "
        "ikke holdes i denne uge, medmindre dagen planlægges",
        "row {row}: request {id!r} is promised for {wanted}, which is not a planned day; it cannot be "
        "kept this week unless that day is planned",
    ),
    "note.request.overdue": (
        "række {row}: anmodning {id!r} er over fristen ({deadline}); den skal besøges i denne uge "
        "(senest {last_day})",
        "row {row}: request {id!r} is overdue (deadline {deadline}); it must be served this week "
        "(by {last_day})",
    ),
    # campaigns
    "note.campaign.outside": (
        "kampagne {campaign}: {name} ({id}) ligger uden for politikredsen; udeladt",
        "campaign {campaign}: {name} ({id}) lies outside the police district; left out",
    ),
    "note.campaign.overdue": (
        "kampagne {campaign}: {name} ({id}) nåede ikke sin frist ({week}); planlægges nu",
        "campaign {campaign}: {name} ({id}) missed its deadline ({week}); planned now",
    ),
    # a re-plan
    "note.replanned": ("genplanlagt fra {start}", "re-planned from {start}"),
    "note.replanned_after": (
        "genplanlagt fra {start} efter: {disruptions}",
        "re-planned from {start} after: {disruptions}",
    ),
    # rotation (mobilstation.demand.rotation)
    "note.rotation.made": (
        "{name} ({id}): har allerede fået {made} besøg i ugen (højst {most}); ikke kandidat igen",
        "{name} ({id}): already has {made} visit(s) this week (at most {most}); not a candidate again",
    ),
    "note.rotation.resting": (
        "rotation: {count} sted(er) besøgt for nylig hviler i denne uge (score 0) "
        "(rotation.min_weeks_between_visits = {weeks}): {names}",
        "rotation: {count} place(s) visited recently rest this week (score 0) "
        "(rotation.min_weeks_between_visits = {weeks}): {names}",
    ),
    "note.rotation.failed": (
        "rotation: ikke alle forfaldne byer kan besøges i ugen sammen med de øvrige krav ({why}); "
        "de forfaldne byer er planlagt med fuld præmie i stedet for som krav",
        "rotation: not every overdue town can be visited this week together with the other "
        "requirements ({why}); the overdue towns are planned at full prize instead of as requirements",
    ),
    # requests the ledger remembers
    "note.ledger.closed": (
        "anmodning {id} ({name}): {state} ifølge ledgeren; planlægges ikke igen",
        "request {id} ({name}): {state} according to the ledger; not planned again",
    ),
    "note.ledger.served": ("udført", "served"),
    "note.ledger.cancelled": ("annulleret", "cancelled"),
    "note.ledger.planned": ("planlagt i en anden uge", "planned in another week"),
    "note.ledger.carried": (
        "anmodning {id} ({name}): stadig åben fra en tidligere uge; føres videre",
        "request {id} ({name}): still open from an earlier week; carried over",
    ),
    "note.ledger.open_requests": ("{source} (åbne anmodninger)", "{source} (open requests)"),
    # places no road reaches
    "note.unreachable_sites": (
        "{count} kandidatsted(er) er udeladt, fordi ingen vej eller fast forbindelse "
        "(bro, tunnel, bilfærge) fører dertil fra stationerne: {names}",
        "{count} candidate place(s) left out: no road or fixed link (bridge, tunnel, car ferry) "
        "leads there from the stations: {names}",
    ),
    "requests.unreachable": (
        "{label}: ingen vej eller fast forbindelse (bro, tunnel, bilfærge) fører til "
        "anmodning(er) {listed}; ret stedet, eller tilføj forbindelsen med links_file",
        "{label}: no road or fixed link (bridge, tunnel, car ferry) leads to request(s) {listed}; "
        "correct the place, or add the link with links_file",
    ),
    "requests.unreachable_one": (
        "{id} ({name}, {municipality}, række {row})",
        "{id} ({name}, {municipality}, row {row})",
    ),
}
