"""The ledger's commands: publish, requests, simulate, replan and ``ledger import/record/weeks``.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    "ledger.opt.ledger": (
        "Ledger: en SQLite-fil (oprettes, hvis den er ny) eller en postgresql://-adresse.",
        "Ledger: a SQLite file (created if new) or a postgresql:// URL.",
    ),
    "ledger.help": (
        "Ledgeren over offentliggjorte uger: indlæs tidligere besøg, registrér hvad der skete.",
        "The ledger of published weeks: import past visits, record what happened.",
    ),
    "ledger.state.open": ("åben", "open"),
    "ledger.state.planned": ("planlagt", "planned"),
    "ledger.state.served": ("udført", "served"),
    "ledger.state.made": ("udført", "made"),
    "ledger.state.cancelled": ("annulleret", "cancelled"),
    "ledger.state.done": ("udført", "done"),
    "ledger.cancelled.bad": (
        "--cancelled {text!r}: forventede STED_ID@DATO, f.eks. town:geonames:2621927@2026-12-01",
        "--cancelled {text!r}: expected SITE_ID@DATE, e.g. town:geonames:2621927@2026-12-01",
    ),
    "ledger.cancelled.date": (
        "--cancelled {text!r}: {day!r} er ikke en dato (2026-12-01 eller 01-12-2026)",
        "--cancelled {text!r}: {day!r} is not a date (2026-12-01 or 01-12-2026)",
    ),
    # the ledger store
    "ledger.error.not_url": (
        "{where}: ikke en databaseadresse (forventede postgresql://...)",
        "{where}: not a database URL (expected postgresql://...)",
    ),
    "ledger.error.unsupported": (
        "{where}: databasen kan ikke bruges som ledger (forventede en SQLite-fil eller postgresql://...)",
        "{where}: unsupported ledger database (expected a SQLite file or postgresql://...)",
    ),
    "ledger.error.directory": (
        "{where}: ikke en ledger-fil (det er en mappe)",
        "{where}: not a ledger file (it is a directory)",
    ),
    "ledger.error.not_sqlite": (
        "{where}: ikke en ledger (ikke en SQLite-database)",
        "{where}: not a ledger (not a SQLite database)",
    ),
    "ledger.error.not_writable": (
        "{where}: ledger-filen er skrivebeskyttet",
        "{where}: the ledger file is not writable",
    ),
    "ledger.error.none_here": (
        "{where}: ingen ledger her (offentliggør en plan for at oprette en)",
        "{where}: no ledger here (publish a plan to create one)",
    ),
    "ledger.error.no_folder": (
        "{where}: mappen {folder} findes ikke",
        "{where}: folder {folder} does not exist",
    ),
    "ledger.error.folder_not_writable": (
        "{where}: kan ikke oprette ledgeren: mappen {folder} er skrivebeskyttet",
        "{where}: cannot create the ledger: folder {folder} is not writable",
    ),
    "ledger.error.no_answer": (
        "{where}: ledger-databasen svarer ikke: {reason}",
        "{where}: the ledger database does not answer: {reason}",
    ),
    "ledger.error.unusable": (
        "{where}: ledgeren kan ikke bruges: {reason}",
        "{where}: not a usable ledger: {reason}",
    ),
    "ledger.error.other_tables": (
        "{where}: ikke en ledger (databasen har andre tabeller: {tables})",
        "{where}: not a ledger (the database has other tables: {tables})",
    ),
    "ledger.error.newer": (
        "{where}: ledgeren har skemaversion {current}, nyere end dette program kender ({known}); "
        "opdatér mobilstation før den bruges",
        "{where}: the ledger has schema version {current}, newer than this program knows ({known}); "
        "update mobilstation before using it",
    ),
    "ledger.error.published": (
        "{where}: uge {week} er allerede offentliggjort (revision {revision}, {at}); brug --revise for at "
        "offentliggøre en ny revision",
        "{where}: week {week} is already published (revision {revision}, {at}); use --revise to publish "
        "a new revision",
    ),
    "ledger.error.raced": (
        "{where}: en anden offentliggørelse af uge {week} kom først; intet er skrevet. Se den nyeste "
        "revision og brug --revise hvis denne plan skal erstatte den",
        "{where}: another publication of week {week} came first; nothing is written. See the latest "
        "revision and use --revise if this plan is to replace it",
    ),
    "ledger.error.not_planned": (
        "{where}: uge {week} har intet planlagt besøg {listed}",
        "{where}: week {week} has no planned visit {listed}",
    ),
    "ledger.error.more": (" og {count} flere", " and {count} more"),
    # publish
    "publish.help": (
        "Registrér planen i OUT_DIR som ugens offentliggjorte plan i ledgeren.",
        "Record the plan in OUT_DIR as its week's published plan in the ledger.",
    ),
    "publish.arg.out": ("Resultatmappe fra 'mobilstation plan'.", "Output directory of 'mobilstation plan'."),
    "publish.opt.revise": (
        "Offentliggør en ny revision af en uge, der allerede er offentliggjort.",
        "Publish a new revision of a week already published.",
    ),
    "publish.opt.note": ("Hvorfor (gemmes med revisionen).", "Why (kept with the revision)."),
    "publish.unchanged": (
        "uændret: uge {week} revision {revision} er allerede denne plan",
        "unchanged: week {week} revision {revision} is already this plan",
    ),
    "publish.revised": ("ny revision:", "new revision:"),
    "publish.published": ("offentliggjort:", "published:"),
    "publish.done": (
        "uge {week} revision {revision} ({visits} besøg)",
        "week {week} revision {revision} ({visits} visits)",
    ),
    # ledger import / record / weeks
    "import.help": (
        "Indlæs tidligere besøg i ledgeren (alt eller intet).",
        "Load past visits into the ledger (all or nothing).",
    ),
    "import.arg.file": (
        "visits.csv eller en site_id,date-CSV med tidligere besøg.",
        "visits.csv or a site_id,date CSV of past visits.",
    ),
    "import.opt.scenario": (
        "Scenarie, hvis mulige steder besøgene skal nævne.",
        "Scenario whose candidate sites the visits must name.",
    ),
    "import.what": (
        "en overskrift: site_id,date (eller visits.csv)",
        "a header: site_id,date (or visits.csv)",
    ),
    "import.site_empty": ("site_id: tom", "site_id: empty"),
    "import.site_unknown": (
        "site_id: {id!r} er hverken et muligt sted i scenariet eller i en offentliggjort plan",
        "site_id: {id!r} is not a candidate site of the scenario or a published plan",
    ),
    "import.problems": (
        "{path}: {count} fejl; intet er importeret:",
        "{path}: {count} problem(s); nothing imported:",
    ),
    "import.none": ("{path}: ingen besøg i filen", "{path}: no visits in the file"),
    # the visit history a scenario names (history_file)
    "history.missing_columns": (
        "{where}: mangler kolonne(r) {missing}; forventede kolonnerne site_id,last_visit",
        "{where}: missing column(s) {missing}; expected columns site_id,last_visit",
    ),
    "history.row": ("{where}: række {row}", "{where}: row {row}"),
    "history.site_empty": ("{where}: række {row}: site_id: tom", "{where}: row {row}: site_id: empty"),
    "import.done_label": ("importeret:", "imported:"),
    "import.done": (
        "{count} besøg fra {file} ({existing} fandtes i forvejen)",
        "{count} visits from {file} ({existing} already there)",
    ),
    "record.help": (
        "Registrér hvad der skete: ugens planlagte besøg er udført, undtagen dem med --cancelled.",
        "Record what happened: the week's planned visits made, except those --cancelled.",
    ),
    "record.opt.week": ("ISO-uge, f.eks. 2026-W49.", "ISO week, e.g. 2026-W49."),
    "record.opt.cancelled": (
        "Et besøg, der ikke blev til noget: STED_ID@DATO (kan gentages).",
        "A visit that did not happen: SITE_ID@DATE (repeatable).",
    ),
    "record.opt.until": (
        "Markér besøg udført til og med denne dato (standard: hele ugen).",
        "Mark visits made up to this date (default: the whole week).",
    ),
    "record.done": (
        "uge {week}: {made} besøg udført, {cancelled} annulleret",
        "week {week}: {made} visits made, {cancelled} cancelled",
    ),
    "weeks.help": (
        "Vis de offentliggjorte uger og deres revisioner.",
        "List the published weeks and their revisions.",
    ),
    "weeks.title": ("Offentliggjorte uger", "Published weeks"),
    "weeks.col.week": ("uge", "week"),
    "weeks.col.revision": ("revision", "revision"),
    "weeks.col.published": ("offentliggjort", "published"),
    "weeks.col.scenario": ("scenarie", "scenario"),
    "weeks.col.visits": ("besøg", "visits"),
    "weeks.col.made": ("udført", "made"),
    "weeks.col.cancelled": ("annulleret", "cancelled"),
    "weeks.col.note": ("note", "note"),
    "weeks.superseded": ("erstattet", "superseded"),
    # requests
    "requests.help": (
        "Vis alle borgeranmodninger, ledgeren kender, med deres status.",
        "List every citizen request the ledger knows, with its state.",
    ),
    "requests.title": ("Bestil en betjent: anmodninger", "Bestil en betjent: requests"),
    "requests.col.id": ("id", "id"),
    "requests.col.name": ("navn", "name"),
    "requests.col.state": ("status", "state"),
    "requests.col.deadline": ("frist", "deadline"),
    "requests.col.wanted": ("ønsket dato", "wanted date"),
    "requests.col.planned": ("planlagt", "planned"),
    "requests.col.served": ("udført", "served"),
    "requests.col.first_week": ("første uge", "first week"),
    # simulate
    "simulate.help": (
        "Planlæg, offentliggør og gennemfør N uger i træk; sammenlign med en kørsel uden ledger.",
        "Plan, publish and carry out N weeks in a row; compare with the no-ledger baseline.",
    ),
    "simulate.opt.weeks": ("Antal uger.", "Number of weeks."),
    "simulate.opt.out": ("Resultatmappe.", "Output directory."),
    "simulate.opt.ledger": (
        "En ny ledger til simuleringen (SQLite-fil eller adresse).",
        "A new ledger for the simulation (SQLite file or URL).",
    ),
    "simulate.opt.no_ledger": (
        "Kun sammenligningen: hver uge planlagt uden hukommelse.",
        "Only the baseline: every week planned without memory.",
    ),
    "simulate.opt.request_rate": ("Anmodninger pr. uge.", "Requests a week."),
    "simulate.opt.cancel_share": (
        "Andel af besøg, der aflyses på dagen.",
        "Share of visits cancelled on the day.",
    ),
    "simulate.opt.maps": ("Skriv kortene for hver uge.", "Write the maps of every week."),
    "simulate.opt.seeds": (
        "Flere uafhængige simuleringer, f.eks. 1,2,3 (på Dask).",
        "Several independent simulations, e.g. 1,2,3 (on Dask).",
    ),
    "simulate.opt.scheduler": (
        "Adresse på en kørende Dask-scheduler (med --seeds).",
        "Address of a running Dask scheduler (with --seeds).",
    ),
    "simulate.need_ledger": (
        "--ledger: angiv en ny ledger til simuleringen, eller --no-ledger for kun sammenligningen",
        "--ledger: give a new ledger for the simulation, or --no-ledger for the baseline only",
    ),
    "simulate.bad_seeds": (
        "--seeds {seeds!r}: forventede hele tal adskilt af komma, f.eks. 1,2,3",
        "--seeds {seeds!r}: expected whole numbers separated by commas, e.g. 1,2,3",
    ),
    "simulate.seeds.title": (
        "Simuleringer pr. frø (syntetiske data)",
        "Simulations per seed (synthetic data)",
    ),
    "simulate.col.seed": ("frø", "seed"),
    "simulate.col.towns": ("byer besøgt", "towns visited"),
    "simulate.col.longest_wait": ("længste ventetid", "longest wait"),
    "simulate.col.late": ("for sent", "late"),
    "simulate.col.baseline": ("uden ledger: byer / ventetid", "without ledger: towns / wait"),
    "simulate.title": ("Simulering (syntetiske data)", "Simulation (synthetic data)"),
    "simulate.col.week": ("uge", "week"),
    "simulate.col.longest_wait_weeks": ("længste ventetid (uger)", "longest wait (weeks)"),
    "simulate.col.on_time": ("anmodninger til tiden", "requests on time"),
    "simulate.col.visits": ("besøg", "visits"),
    "simulate.col.status": ("status", "status"),
    "simulate.baseline_status": ("ok (uden ledger: {status})", "ok (without ledger: {status})"),
    "simulate.caption": (
        "i parentes: samme uger uden ledger",
        "in brackets: the same weeks without a ledger",
    ),
    "simulate.written": ("simulering skrevet til", "simulation written to"),
    "simulate.with_ledger": ("med ledger", "with ledger"),
    "simulate.without_ledger": ("uden ledger", "without ledger"),
    "simulate.step.planning": ("{week} ({label}): planlægger", "{week} ({label}): planning"),
    "simulate.step.no_plan": ("{week} ({label}): ingen plan: {why}", "{week} ({label}): no plan: {why}"),
    "simulate.error.weeks": (
        "--weeks: forventede mindst 1, fik {got}",
        "--weeks: expected at least 1, got {got}",
    ),
    "simulate.error.used_ledger": (
        "{ledger}: ledgeren har allerede offentliggjort {weeks}; simulér i en ny ledger (en simulering "
        "må ikke blandes med rigtige uger)",
        "{ledger}: the ledger has already published {weeks}; simulate in a new ledger (a simulation "
        "must not be mixed with real weeks)",
    ),
    # replan
    "replan.help": (
        "Genplanlæg en offentliggjort uge fra en dag efter en forstyrrelse; skriv den reviderede uge og "
        "dens ændringer.",
        "Re-plan a published week from a day on after a disruption; write the revised week and its changes.",
    ),
    "replan.opt.week": (
        "ISO-uge for den offentliggjorte plan, f.eks. 2026-W49.",
        "ISO week of the published plan, e.g. 2026-W49.",
    ),
    "replan.opt.from": (
        "Første dag, der genplanlægges (tidligere dage står, som de skete).",
        "First day to re-plan (earlier days stay as they happened).",
    ),
    "replan.opt.out": ("Resultatmappe for den reviderede uge.", "Output directory for the revised week."),
    "replan.opt.vehicle_down": (
        "BIL[:FRA..TIL] ude af drift (kan gentages).",
        "VEHICLE[:FROM..TO] out of service (repeatable).",
    ),
    "replan.opt.link_closed": (
        "FORBINDELSE[:FRA..TIL] lukket, f.eks. laesoefaergen.",
        "LINK[:FROM..TO] closed, e.g. laesoefaergen.",
    ),
    "replan.opt.officer_absent": (
        "BETJENT[:FRA..TIL] fraværende (kan gentages).",
        "OFFICER[:FROM..TO] absent (repeatable).",
    ),
    "replan.opt.pin": (
        "Et lovet besøg STED@DATO\\[@TT:MM]\\[@BIL], f.eks. Brovst@2026-12-03@10:30@bil1.",
        "A promised visit SITE@DATE\\[@HH:MM]\\[@VAN], e.g. Brovst@2026-12-03@10:30@bil1.",
    ),
    "replan.opt.stability": (
        "Præmie for at beholde et offentliggjort besøg som offentliggjort (dag, tid, bil); "
        "standard: scenariets weights.stability.",
        "Prize for keeping a published visit as published (day, time, van); "
        "default: the scenario's weights.stability.",
    ),
    "replan.not_published": (
        "{ledger}: uge {week} er ikke offentliggjort; intet at genplanlægge",
        "{ledger}: week {week} is not published; nothing to re-plan",
    ),
    "replan.error.disruption": (
        "{option} {text!r}: forventede ID eller ID:FRA..TIL",
        "{option} {text!r}: expected ID or ID:FROM..TO",
    ),
    "replan.error.backwards": (
        "{option} {text!r}: perioden slutter, før den begynder",
        "{option} {text!r}: the period ends before it starts",
    ),
    "replan.error.unknown_id": (
        "{option} {subject!r}: ukendt id (kendte: {known})",
        "{option} {subject!r}: unknown id (known: {known})",
    ),
    "replan.error.outside_week": (
        "{option} {subject}: perioden {first}..{last} ligger uden for ugen",
        "{option} {subject}: the period {first}..{last} lies outside the week",
    ),
    "replan.error.from": (
        "--from {start}: ligger uden for ugens planlagte dage ({first}..{last})",
        "--from {start}: outside the week's planned days ({first}..{last})",
    ),
    "replan.error.no_scenario": (
        "uge {week}: den offentliggjorte plan har ikke sit scenarie med; planlæg ugen igen",
        "week {week}: the published plan does not carry its scenario; plan the week again",
    ),
    "replan.error.pin": (
        "--pin {text!r}: forventede STED@DATO[@TT:MM][@BIL], f.eks. Brovst@2026-12-03@10:30@bil1",
        "--pin {text!r}: expected SITE@DATE[@HH:MM][@VAN], e.g. Brovst@2026-12-03@10:30@bil1",
    ),
    "replan.error.pin_past": (
        "--pin {text!r}: {day} ligger før --from {start} (i fortiden)",
        "--pin {text!r}: {day} is before --from {start} (in the past)",
    ),
    "replan.note.cancelled": (
        "{route}: {count} besøg aflyst ifølge ledgeren",
        "{route}: {count} visit(s) cancelled according to the ledger",
    ),
    "replan.note.vehicle_down": (
        "{id} er ude af drift resten af ugen",
        "{id} is out of service for the rest of the week",
    ),
    "replan.note.officer_absent": (
        "{id} er fraværende resten af ugen",
        "{id} is absent for the rest of the week",
    ),
    "replan.summary": (
        "{added} tilføjet, {moved} flyttet, {cancelled} aflyst, {crew} med ny besætning; se {page}",
        "{added} added, {moved} moved, {cancelled} cancelled, {crew} with a new crew; see {page}",
    ),
    "replan.written": ("genplan skrevet til", "re-plan written to"),
    "replan.publish_hint": ("offentliggør med publish --revise", "publish it with publish --revise"),
}
