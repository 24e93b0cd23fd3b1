"""Input files: what the readers of CSV, requests, incidents, campaigns, roads and geodata say is wrong.

These reach the planner as errors (exit 2) or warnings while a run reads
its files; each names the file, the row and the column as they are.
Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # the shared CSV reader (mobilstation.tabular)
    "table.where": ("{source}: række {row}", "{source}: row {row}"),
    "table.not_found": ("{label}: filen findes ikke", "{label}: file not found"),
    "table.is_directory": (
        "{label}: er en mappe, forventede en CSV-fil",
        "{label}: is a directory, expected a CSV file",
    ),
    "table.not_text": (
        "{label}: ikke en tekstfil i UTF-8 eller Windows-1252 (gem CSV-filen som UTF-8)",
        "{label}: not a text file in UTF-8 or Windows-1252 (save the CSV as UTF-8)",
    ),
    "table.empty": ("{name}: tom fil (forventede {what})", "{name}: empty file (expected {what})"),
    "table.a_header": ("en overskriftslinje", "a header line"),
    "table.too_many_values": (
        "{where}: flere værdier end kolonner i overskriften ({values} værdier, {columns} kolonner; "
        "skilletegn {separator}; en værdi, der indeholder skilletegnet, skal stå i anførselstegn)",
        "{where}: more values than columns in the header ({values} values, {columns} columns; "
        "separator {separator}; a value holding the separator must be in quotes)",
    ),
    "table.odd_text": (
        "{where}: tekst med {problems}; resultaterne viser den renset og forkortet, "
        "plan.json har den i fuld længde",
        "{where}: text with {problems}; the outputs show it cleaned and shortened, "
        "plan.json keeps it in full",
    ),
    "table.not_csv": (
        "{name}: omkring linje {line}: ikke en gyldig CSV-fil ({reason})",
        "{name}: near line {line}: not a valid CSV ({reason})",
    ),
    "table.twice": (
        "{name}: kolonne(r) {columns} står mere end én gang i overskriften",
        "{name}: column(s) {columns} appear more than once in the header",
    ),
    "table.none": ("(ingen)", "(none)"),
    "table.missing_columns": (
        "{name}: mangler kolonne(r) {missing}; fandt {found} (skilletegn {separator})",
        "{name}: missing column(s) {missing}; found {found} (separator {separator})",
    ),
    "table.unknown_columns": (
        "{name}: ukendt(e) kolonne(r) {unknown}; forventede {expected}",
        "{name}: unknown column(s) {unknown}; expected {expected}",
    ),
    "table.bad_date": (
        "{where}: forventede en ISO-dato som 2026-12-01 eller en dansk dato som 01-12-2026 "
        "(dag-måned-år), fik {text!r}",
        "{where}: expected an ISO date like 2026-12-01 or a Danish date like 01-12-2026 "
        "(day-month-year), got {text!r}",
    ),
    "table.bad_time": (
        "{where}: forventede et klokkeslæt som 08:30 (24-timers ur), fik {text!r}",
        "{where}: expected a time of day like 08:30 (24-hour clock), got {text!r}",
    ),
    "table.bad_number": (
        "{where}: forventede et tal (med decimalkomma eller -punktum), fik {text!r}",
        "{where}: expected a number (decimal comma or point), got {text!r}",
    ),
    "table.not_finite": (
        "{where}: forventede et endeligt tal, fik {text!r}",
        "{where}: expected a finite number, got {text!r}",
    ),
    "table.bad_datetime": (
        "{where}: forventede dato og klokkeslæt som 2026-12-01T08:30 eller 01-12-2026 08:30, fik {text!r}",
        "{where}: expected a date and time like 2026-12-01T08:30 or 01-12-2026 08:30, got {text!r}",
    ),
    # citizen requests ("Bestil en betjent")
    "requests.not_found": ("{path}: bestillingsfilen findes ikke", "{path}: requests file not found"),
    "requests.what": ("en overskrift: id,type,lat,lon,...", "a header: id,type,lat,lon,..."),
    "requests.missing_columns": (
        "{path}: mangler kolonne(r) {missing} (forventede id, type, lat, lon og evt. "
        "window eller window_start/window_end, date, deadline, name, note); fandt {found}",
        "{path}: missing column(s) {missing} (expected id, type, lat, lon and optionally "
        "window or window_start/window_end, date, deadline, name, note); found {found}",
    ),
    "requests.id_empty": (
        "id: tom (hver bestilling skal have et id)",
        "id: empty (every request needs an id)",
    ),
    "requests.id_twice": (
        "id: {id!r} er allerede brugt i række {first}",
        "id: {id!r} already used in row {first}",
    ),
    "requests.unknown_type": (
        "type: ukendt bestillingstype {type!r} (forventede en af {known})",
        "type: unknown request type {type!r} (expected one of {known})",
    ),
    "requests.bad_latlon": (
        "lat/lon: forventede WGS84-grader, fik {lat!r}, {lon!r}",
        "lat/lon: expected WGS84 degrees, got {lat!r}, {lon!r}",
    ),
    "requests.swapped": (" (lat og lon byttet om?)", " (lat and lon swapped?)"),
    "requests.not_in_denmark": (
        "lat/lon: ({lat}, {lon}) ligger ikke i Danmark{hint}; "
        "forventede WGS84-grader (lat 54,5-57,8, lon 8-15)",
        "lat/lon: ({lat}, {lon}) is not in Denmark{hint}; "
        "expected WGS84 degrees (lat 54.5-57.8, lon 8-15)",
    ),
    "requests.window_both": (
        "angiv både window_start og window_end (TT:MM)",
        "give both window_start and window_end (HH:MM)",
    ),
    "requests.after_deadline": (
        "date: ønsket dato {wanted} ligger efter fristen {deadline}",
        "date: wanted date {wanted} is after the deadline {deadline}",
    ),
    "requests.problems": (
        "{path}: {count} fejl (række 1 = første linje efter overskriften):",
        "{path}: {count} problem(s) (row 1 = first line after the header):",
    ),
    # campaign targets
    "campaign.what": (
        "en overskrift: id,name,lat,lon[,municipality,window]",
        "a header: id,name,lat,lon[,municipality,window]",
    ),
    "campaign.id_empty": ("id: tom", "id: empty"),
    "campaign.id_twice": ("id: {id!r} står to gange", "id: {id!r} used twice"),
    "campaign.not_in_denmark": (
        "lat/lon: ({lat}, {lon}) ligger ikke i Danmark (WGS84-grader)",
        "lat/lon: ({lat}, {lon}) is not in Denmark (WGS84 degrees)",
    ),
    "campaign.problems": (
        "{path}: {count} fejl i kampagnemålene:",
        "{path}: {count} problem(s) in the campaign targets:",
    ),
    "campaign.none": ("{path}: ingen kampagnemål i filen", "{path}: no campaign targets in the file"),
}
