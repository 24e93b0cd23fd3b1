"""What the command line itself says: help, headings, tables, summaries and the error labels.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- the language itself ------------------------------------------------
    "lang.unknown": (
        "ukendt sprog {name!r}; vælg et af: {known}",
        "unknown language {name!r}; choose one of: {known}",
    ),
    "lang.help": (
        "Sprog for alt, hvad kommandoen skriver: da (dansk, standard) eller en (engelsk). "
        "Kan også sættes med miljøvariablen MOBILSTATION_LANG.",
        "Language of everything the command prints: da (Danish, the default) or en (English). "
        "Can also be set with the MOBILSTATION_LANG environment variable.",
    ),
    "word.and": ("og", "and"),
    "word.or": ("eller", "or"),
    # -- the app and its shared options -------------------------------------
    "app.help": (
        "Planlæg ugen for de mobile politistationer og lokalbetjentenes timer.\n\n"
        "Afslutningskoder: 0 ok, 1 ingen mulig plan (de brudte krav skrives ud), 2 forkert input.",
        "Plan the week of the mobile police stations and the lokalbetjente's local hours.\n\n"
        "Exit codes: 0 ok, 1 no feasible plan (the violated constraints are printed), 2 bad input.",
    ),
    "opt.scenario": (
        "Scenariefil (YAML), f.eks. scenarios/nordjylland.yaml.",
        "Scenario YAML file (e.g. scenarios/nordjylland.yaml).",
    ),
    "opt.out": (
        "Mappe til resultaterne (erstattes samlet, aldrig halvt skrevet).",
        "Output directory (replaced atomically).",
    ),
    "opt.quiet": (
        "Ingen fremdrift eller opsummering, kun fejl.",
        "No progress or summary, only errors.",
    ),
    "opt.set": (
        "Ændr et felt i scenariet uden at rette filen (kan gentages). FELT er en sti med punktummer; "
        "et element i en liste vælges med \\[nummer], talt fra 0. VÆRDI læses som YAML (decimaltal med "
        "punktum). Eksempler: --set solver.seed=3, --set vehicles\\[1].days=\\[mon,wed], "
        "--set solver.time_limit_s=12.5.",
        "Override a scenario field without editing the file (repeatable). FIELD is a dotted path; "
        "an item of a list is chosen with \\[number], counted from 0. VALUE is read as YAML. "
        "Examples: --set solver.seed=3, --set vehicles\\[1].days=\\[mon,wed], "
        "--set solver.time_limit_s=12.5.",
    ),
    "opt.set.metavar": ("FELT=VÆRDI", "FIELD=VALUE"),
    # -- plan -----------------------------------------------------------------
    "plan.help": (
        "Planlæg ugen i SCENARIE og skriv alle resultater (plan.json, tabeller, kalendere, kort) til --out.",
        "Plan the week of SCENARIO and write every output (plan.json, tables, calendars, maps) to --out.",
    ),
    "plan.opt.time_limit": (
        "Tidsgrænse for søgningen i sekunder.",
        "Solver time limit in seconds.",
    ),
    "plan.opt.seed": ("Startværdi for tilfældighed (seed).", "Random seed."),
    "plan.opt.work_limit": (
        "Antal søgeiterationer i stedet for en tidsgrænse: samme plan på enhver maskine.",
        "Solver iterations instead of a time limit: the same plan on every machine.",
    ),
    "plan.opt.week": (
        "ISO-uge der skal planlægges, f.eks. 2026-W50 (standard: scenariets).",
        "ISO week to plan, e.g. 2026-W50 (default: the scenario's).",
    ),
    "plan.opt.ledger": (
        "Ledger (SQLite-fil eller postgresql://-adresse): seneste besøg, rotation, allerede "
        "besvarede anmodninger.",
        "Ledger (SQLite file or postgresql:// URL): last visits, rotation, requests already served.",
    ),
    "plan.written": ("plan skrevet til", "plan written to"),
    "plan.table.title": ("{name}: {week} ({first} – {last})", "{name}: {week} ({first} - {last})"),
    "plan.table.caption": (
        "(kvote i parentes); timer = mobil station + lokalbetjentpatrulje (patr.)",
        "(quota in brackets); hours = mobile-station service + lokalbetjent patrol",
    ),
    "plan.col.municipality": ("kommune", "municipality"),
    "plan.col.visits": ("besøg", "visits"),
    "plan.col.mobile_h": ("mobil t", "mobile h"),
    "plan.col.patrol_h": ("patr. t", "patrol h"),
    "plan.col.hours": ("timer", "hours"),
    "plan.col.per_1000": ("t/1000 indb.", "h/1000 inh."),
    "plan.col.quota": ("kvote", "quota"),
    "plan.row.total": ("i alt", "total"),
    "plan.quota.met": ("opfyldt", "met"),
    "plan.quota.not_met": ("ikke opfyldt", "not met"),
    "plan.summary": (
        "{visits} besøg på {vehicle_days} bil-dage, {visited} af {candidates} mulige steder; "
        "kørsel {travel} af bilernes tid; {unvisited} højt prioriterede sted(er) ikke besøgt",
        "{visits} visits on {vehicle_days} vehicle-days, {visited} of {candidates} candidate sites; "
        "travel {travel} of vehicle time; {unvisited} high-priority site(s) unvisited",
    ),
    "label.synthetic": ("syntetiske data:", "synthetic inputs:"),
    "synthetic.incidents": ("hændelser", "incidents"),
    "synthetic.requests": ("anmodninger", "requests"),
    "synthetic.campaigns": ("kampagner", "campaigns"),
    "label.warning": ("advarsel:", "warning:"),
    "label.error": ("fejl:", "error:"),
    "label.no_plan": ("ingen mulig plan:", "no feasible plan:"),
    "label.written": ("skrevet til", "written to"),
    "label.note": ("bemærk:", "note:"),
    # -- progress ---------------------------------------------------------------
    "progress.starting": ("starter", "starting"),
    "progress.left_s": ("{left} s tilbage af {limit} s", "{left} s left of {limit} s"),
    "progress.over_s": ("{over} s over grænsen på {limit} s", "{over} s over the limit of {limit} s"),
    "progress.left_work": (
        "{left} af {limit} iterationer tilbage",
        "{left} of {limit} iterations left",
    ),
    # -- validate -------------------------------------------------------------
    "validate.help": (
        "Kontrollér SCENARIE og dets data (politikreds, steder, betjente, kvoter, inputfiler) "
        "uden at planlægge.",
        "Check SCENARIO and its data (district, places, officers, quotas, input files) without solving.",
    ),
    "validate.ok": ("{path} er gyldig", "{path} is valid"),
    "validate.vehicles": ("Køretøjer", "Vehicles"),
    "validate.col.id": ("id", "id"),
    "validate.col.name": ("navn", "name"),
    "validate.col.home": ("hjemsted", "home"),
    "validate.col.shift": ("vagt", "shift"),
    "validate.col.max_work": ("højst arbejde", "max work"),
    "validate.col.crew": ("besætning", "crew"),
    "validate.hours": ("{hours} t", "{hours} h"),
    "validate.officers": ("Betjente ({count})", "Officers ({count})"),
    "validate.col.station": ("station", "station"),
    "validate.col.officers": ("betjente", "officers"),
    "validate.col.traffic": ("færdsel", "traffic"),
    "validate.col.contract": ("kontrakt t", "contract h"),
    "validate.quotas": ("Kvoter", "Quotas"),
    "validate.col.mobile_h": ("mobil t", "mobile h"),
    "validate.col.patrol_h": ("patrulje t", "patrol h"),
    # -- compare --------------------------------------------------------------
    "compare.help": (
        "Sammenlign nøgletallene for to planer side om side (læser kun deres plan.json).",
        "Compare the KPIs of two plans side by side (reads only their plan.json).",
    ),
    "compare.arg.a": ("Resultatmappe for den ene plan.", "Output directory of one plan."),
    "compare.arg.b": ("Resultatmappe for den anden plan.", "Output directory of another plan."),
    "compare.title": ("{a}  mod  {b}", "{a}  vs  {b}"),
    "compare.col.kpi": ("nøgletal", "KPI"),
    "compare.visits": (
        "Besøg: {count} forskel(le) fra A til B",
        "Visits: {count} difference(s) from A to B",
    ),
    "compare.col.change": ("ændring", "change"),
    "compare.pp": (" %-point", " pp"),
    # the sections and KPIs of mobilstation.api.compare, by their (English) keys
    "compare.key.plan": ("plan", "plan"),
    "compare.key.coverage by kind": ("dækning pr. type", "coverage by kind"),
    "compare.key.visits by municipality": ("besøg pr. kommune", "visits by municipality"),
    "compare.key.hours per 1,000 inhabitants": ("timer pr. 1.000 indbyggere", "hours per 1,000 inhabitants"),
    "compare.key.visits": ("besøg", "visits"),
    "compare.key.sites visited": ("steder besøgt", "sites visited"),
    "compare.key.candidate sites": ("mulige steder", "candidate sites"),
    "compare.key.vehicle-days used": ("bil-dage brugt", "vehicle-days used"),
    "compare.key.travel share of vehicle time": (
        "kørslens andel af bilernes tid",
        "travel share of vehicle time",
    ),
    "compare.key.travel hours": ("køretimer", "travel hours"),
    "compare.key.mobile-station hours": ("timer som mobil station", "mobile-station hours"),
    "compare.key.patrol hours": ("patruljetimer", "patrol hours"),
    "compare.key.municipal quotas met": ("kommunale kvoter opfyldt", "municipal quotas met"),
    "compare.key.unvisited high-priority sites": (
        "højt prioriterede steder ikke besøgt",
        "unvisited high-priority sites",
    ),
    "compare.kpi.kind_share": ("{kind} (andel af steder besøgt)", "{kind} (share of sites visited)"),
    "compare.key.town": ("by", "town"),
    "compare.key.outlying": ("yderområde", "outlying"),
    "compare.key.neighbourhood": ("boligområde", "neighbourhood"),
    "compare.key.request": ("borgerhenvendelse", "request"),
    "compare.col.site": ("sted", "site"),
    # -- hotspots and sites ---------------------------------------------------
    "hotspots.help": (
        "Find indbrudshotspots i HÆNDELSER; skriv hotspots.geojson og cells.geojson til --out.",
        "Find burglary hotspots in INCIDENTS; write hotspots.geojson and cells.geojson to --out.",
    ),
    "hotspots.arg.incidents": (
        "Hændelsesfil (CSV, GeoJSON eller GeoPackage).",
        "Incidents file (CSV, GeoJSON or GeoPackage).",
    ),
    "hotspots.opt.district": ("Politikredsens navn eller nummer.", "District name or number."),
    "hotspots.opt.method": ("kde eller gistar.", "kde or gistar."),
    "hotspots.opt.cell_m": ("Gittercellens side (meter).", "Grid cell side (metres)."),
    "hotspots.opt.bandwidth_m": (
        "Kernens radius / Gi*-afstandsbånd (meter).",
        "Kernel radius / Gi* distance band (metres).",
    ),
    "hotspots.opt.half_life_days": ("Halveringstid for alder (dage).", "Recency half-life (days)."),
    "hotspots.opt.as_of": (
        "Se tilbage fra denne dato (ÅÅÅÅ-MM-DD); standard i dag.",
        "Look back from this date (YYYY-MM-DD); default today.",
    ),
    "hotspots.summary": (
        "{areas} hotspot-område(r) fra {incidents} hændelse(r), pr. {when}",
        "{areas} hotspot area(s) from {incidents} incident(s), as of {when}",
    ),
    "sites.help": (
        "Byg og vurdér de mulige steder i SCENARIE; skriv sites.geojson (score og opdeling) til --out.",
        "Build and score the candidate sites of SCENARIO; write sites.geojson (score and breakdown) "
        "to --out.",
    ),
    "sites.summary": ("{count} steder: {kinds}", "{count} sites: {kinds}"),
    # -- sweep ------------------------------------------------------------------
    "sweep.help": (
        "Planlæg hver kombination i et gitter af ændringer af SCENARIE (parallelt på Dask). Skriver "
        "OUT/runs/<id>/ (hver plans resultater), OUT/sweep.csv (en række pr. kombination: parametre, "
        "status, nøgletal) og OUT/tradeoff.png. En ny kørsel springer færdige kombinationer over. "
        "Afslutningskode 0 når kørslen gik igennem (fejlede kombinationer tælles og vises), 2 for et "
        "forkert gitter eller scenarie.",
        "Plan every combination of a grid of overrides of SCENARIO (in parallel on Dask). Writes "
        "OUT/runs/<id>/ (each plan's outputs), OUT/sweep.csv (one row per combination: parameters, "
        "status, KPIs) and OUT/tradeoff.png. A rerun skips combinations already planned. Exit 0 when "
        "the sweep ran (failed combinations are counted and listed), 2 for a bad grid or scenario.",
    ),
    "sweep.opt.grid": (
        "Gitter (YAML): felt med punktummer -> liste af værdier; 'fixed:' gælder alle.",
        "Grid YAML: dotted field -> list of values; 'fixed:' for all.",
    ),
    "sweep.opt.out": (
        "Mappe til kørslen (runs/, sweep.csv, tradeoff.png).",
        "Sweep directory (runs/, sweep.csv, tradeoff.png).",
    ),
    "sweep.opt.scheduler": (
        "Adresse på en kørende Dask-scheduler.",
        "Address of a running Dask scheduler.",
    ),
    "sweep.opt.workers": ("Antal lokale Dask-arbejdsprocesser.", "Local Dask worker processes."),
    "sweep.opt.no_maps": (
        "Spring hver plans HTML-kort over (meget hurtigere).",
        "Skip each plan's HTML maps (much faster).",
    ),
    "sweep.opt.no_resume": ("Planlæg alle kombinationer igen.", "Plan every combination again."),
    "sweep.progress.validating": ("kontrollerer gitteret", "validating grid"),
    "sweep.progress.planning": ("planlægger", "planning"),
    "sweep.resumed": (
        "{done} af {total} kombination(er) er allerede planlagt (genoptaget)",
        "{done} of {total} combination(s) already planned (resumed)",
    ),
    "sweep.status.ok": ("ok", "ok"),
    "sweep.status.infeasible": ("ingen mulig plan", "infeasible"),
    "sweep.status.error": ("fejl", "error"),
    "sweep.summary": (
        "{total} kombination(er): {ok} ok, {infeasible} uden mulig plan, {error} med fejl",
        "{total} combination(s): {ok} ok, {infeasible} infeasible, {error} error",
    ),
    "sweep.failed": (
        "{failed} kombination(er) fejlede; se kolonnerne status og message",
        "{failed} combination(s) failed; see the status and message columns",
    ),
    "sweep.written": ("kørslen skrevet til", "sweep written to"),
    "sweep.written_files": ("{table} og {plot}", "{table} and {plot}"),
    "sweep.what.vehicles": ("køretøjer", "vehicles"),
    "sweep.what.days": ("planlagte dage", "planned days"),
    "sweep.error.not_found": ("{source}: gitterfilen findes ikke", "{source}: grid file not found"),
    "sweep.error.unreadable": (
        "{source}: gitterfilen kan ikke læses: {reason}",
        "{source}: cannot read the grid file: {reason}",
    ),
    "sweep.error.at": (" i linje {line}, kolonne {column}", " at line {line}, column {column}"),
    "sweep.error.yaml": (
        "{source}: ikke gyldig YAML{where}: {problem}",
        "{source}: not valid YAML{where}: {problem}",
    ),
    "sweep.error.not_mapping": (
        "{source}: forventede felter med lister af værdier, fik {got}",
        "{source}: expected a mapping of override fields to lists of values, got {got}",
    ),
    "sweep.error.fixed": (
        "{source}: {fixed_key}: forventede felter med værdier, fik {got}",
        "{source}: {fixed_key}: expected a mapping of override fields to values, got {got}",
    ),
    "sweep.error.reserved": (
        "{source}: {key}: navnet er en kolonne i {file}, ikke et felt i scenariet",
        "{source}: {key}: this name is a column of {file}, not a scenario field",
    ),
    "sweep.error.nested": (
        "{source}: {key}: forventede en liste af værdier; skriv felter inde i felter med punktum "
        "(f.eks. '{key}.{field}: [1, 2]')",
        "{source}: {key}: expected a list of values; write nested fields as dotted keys "
        "(e.g. '{key}.{field}: [1, 2]')",
    ),
    "sweep.error.not_list": (
        "{source}: {key}: forventede en liste med mindst én værdi (f.eks. '{key}: [1, 2]'), fik {got}; "
        "enkelte værdier hører under '{fixed_key}:'",
        "{source}: {key}: expected a non-empty list of values (e.g. '{key}: [1, 2]'), got {got}; "
        "put single values under '{fixed_key}:'",
    ),
    "sweep.error.no_keys": (
        "{source}: intet i gitteret: forventede felter med lister af værdier",
        "{source}: no grid keys: expected override fields with lists of values",
    ),
    "sweep.error.both": (
        "{source}: {key}: står både i gitteret og under '{fixed_key}:'",
        "{source}: {key}: given both as a grid key and under '{fixed_key}:'",
    ),
    "sweep.error.count": (
        "{where}: {key}: forventede et helt antal {what}, fik {got}",
        "{where}: {key}: expected a whole number of {what}, got {got}",
    ),
    "sweep.error.range": (
        "{where}: {key}: forventede 1 til {available} (scenariet har {available} {what}), fik {got}",
        "{where}: {key}: expected 1 to {available} (the scenario has {available} {what}), got {got}",
    ),
    "sweep.error.no_scenario": ("{source}: scenariefilen findes ikke", "{source}: scenario file not found"),
    "sweep.error.combination": (
        "{source}: kombination {number} ({described})",
        "{source}: combination {number} ({described})",
    ),
    "sweep.error.twice": (
        "{where}: samme kombination som nummer {number} (en værdi skrevet to gange?)",
        "{where}: the same combination as number {number} (a value listed twice?)",
    ),
    "sweep.error.no_table": (
        "{source}: ingen {file} (forventede --out-mappen fra en kørsel af sweep)",
        "{source}: no {file} found (expected the --out directory of a sweep)",
    ),
    "sweep.error.scheduler": (
        "scheduler {scheduler!r}: kan ikke forbinde ({reason})",
        "scheduler {scheduler!r}: cannot connect ({reason})",
    ),
    "sweep.error.workers": (
        "n_workers: forventede mindst 1, fik {got}",
        "n_workers: expected at least 1, got {got}",
    ),
    "sweep.error.not_directory": (
        "{source}: findes og er ikke en mappe",
        "{source}: exists and is not a directory",
    ),
    # -- input errors the command line finds itself -----------------------------
    "set.bad": (
        "--set {item!r}: forventede FELT=VÆRDI, f.eks. --set solver.seed=3",
        "--set {item!r}: expected FIELD=VALUE, e.g. --set solver.seed=3",
    ),
    "date.bad": (
        "{option}: forventede en dato som ÅÅÅÅ-MM-DD, fik {text!r}",
        "{option}: expected a date as YYYY-MM-DD, got {text!r}",
    ),
}
