"""The scenario's errors and warnings: the file, the field path, what was expected.

Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`. The
``pydantic.*`` entries are the Danish words for pydantic's own validation
messages (their English is pydantic's, with the limits of ``ctx`` filled in).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # fields
    "field.unknown_close": ("ukendt felt (mente du '{close}'?)", "unknown field (did you mean '{close}'?)"),
    "field.unknown_list": (
        "ukendt felt (forventede et af: {names})",
        "unknown field (expected one of: {names})",
    ),
    "field.unknown": ("ukendt felt", "unknown field"),
    "field.missing": ("feltet mangler", "required field is missing"),
    "field.unknown_value": (
        "ukendt værdi {tag!r} (forventede en af {expected})",
        "unknown value {tag!r} (expected one of {expected})",
    ),
    "field.got": ("{message} (fik {got})", "{message} (got {got})"),
    "pydantic.greater_than": ("skal være større end {gt}", "Input should be greater than {gt}"),
    "pydantic.greater_than_equal": (
        "skal være større end eller lig med {ge}",
        "Input should be greater than or equal to {ge}",
    ),
    "pydantic.less_than": ("skal være mindre end {lt}", "Input should be less than {lt}"),
    "pydantic.less_than_equal": (
        "skal være mindre end eller lig med {le}",
        "Input should be less than or equal to {le}",
    ),
    "pydantic.int_parsing": ("skal være et helt tal", "Input should be a valid integer"),
    "pydantic.int_type": ("skal være et helt tal", "Input should be a valid integer"),
    "pydantic.int_from_float": ("skal være et helt tal uden decimaler", "Input should be a valid integer"),
    "pydantic.float_parsing": (
        "skal være et tal",
        "Input should be a valid number",
    ),
    "pydantic.float_type": ("skal være et tal", "Input should be a valid number"),
    "pydantic.bool_parsing": ("skal være true eller false", "Input should be a valid boolean"),
    "pydantic.bool_type": ("skal være true eller false", "Input should be a valid boolean"),
    "pydantic.string_type": ("skal være tekst", "Input should be a valid string"),
    "pydantic.list_type": ("skal være en liste", "Input should be a valid list"),
    "pydantic.dict_type": ("skal være en samling af felter", "Input should be a valid dictionary"),
    "pydantic.model_type": ("skal være en samling af felter", "Input should be a valid dictionary"),
    "pydantic.model_attributes_type": (
        "skal være en samling af felter",
        "Input should be a valid dictionary",
    ),
    "pydantic.literal_error": ("skal være en af {expected}", "Input should be {expected}"),
    "pydantic.enum": ("skal være en af {expected}", "Input should be {expected}"),
    "pydantic.too_short": (
        "skal have mindst {min_length} element(er)",
        "should have at least {min_length} item(s)",
    ),
    "pydantic.too_long": (
        "må højst have {max_length} element(er)",
        "should have at most {max_length} item(s)",
    ),
    "pydantic.string_too_short": (
        "skal have mindst {min_length} tegn",
        "String should have at least {min_length} character(s)",
    ),
    "pydantic.date_from_datetime_parsing": (
        "skal være en dato som 2026-12-01",
        "Input should be a valid date",
    ),
    "pydantic.date_parsing": ("skal være en dato som 2026-12-01", "Input should be a valid date"),
    "pydantic.date_type": ("skal være en dato som 2026-12-01", "Input should be a valid date"),
    # values
    "value.clock": (
        "forventede et klokkeslæt som TT:MM (f.eks. '08:00'), fik {got}",
        "expected a time of day as HH:MM (e.g. '08:00'), got {got}",
    ),
    "value.clock_range": (
        "forventede et klokkeslæt mellem 00:00 og 24:00, fik {got}",
        "expected a time of day between 00:00 and 24:00, got {got}",
    ),
    "value.days": (
        "forventede en liste af ugedage (1-7 eller navne som 'mandag'), fik {got}",
        "expected a list of weekdays (1-7 or names like 'mandag'), got {got}",
    ),
    "value.day": (
        "forventede en ugedag (1-7 eller et navn som 'mandag'), fik {got}",
        "expected a weekday (1-7 or a name like 'mandag'), got {got}",
    ),
    "value.day_unknown": ("ukendt ugedag {got}{hint}", "unknown weekday {got}{hint}"),
    "value.day_number": (
        "ISO-ugedage går fra 1 (mandag) til 7 (søndag), fik {got}",
        "ISO weekdays are 1 (Monday) to 7 (Sunday), got {got}",
    ),
    "value.day_twice": ("ugedag {day} står to gange", "weekday {day} listed twice"),
    "value.shift": (
        "forventede en vagt som 'TT:MM-TT:MM' (f.eks. '08:00-16:00'), fik {got}",
        "expected a shift as 'HH:MM-HH:MM' (e.g. '08:00-16:00'), got {got}",
    ),
    "value.shift_order": (
        "vagten skal slutte, efter den begynder, fik {got}",
        "shift must end after it starts, got {got}",
    ),
    "value.hours": (
        "forventede timer (f.eks. 8 eller '7:30'), fik {got}",
        "expected hours (e.g. 8 or '7:30'), got {got}",
    ),
    "value.duration": (
        "forventede en varighed som 8, '8h', '7h30', '7:30' eller '450min', fik {got}",
        "expected a duration such as 8, '8h', '7h30', '7:30' or '450min', got {got}",
    ),
    "value.duration_range": (
        "arbejdstiden skal være mere end 0 og højst 24 timer, fik {got}",
        "working time must be more than 0 and at most 24 hours, got {got}",
    ),
    "value.no_file": ("filen findes ikke: {path}", "file not found: {path}"),
    "value.time": (
        "forventede et klokkeslæt som '09:30', fik {got}",
        "expected a time like '09:30', got {got}",
    ),
    "value.window": (
        "forventede et tidsvindue som '09:00-17:00', fik {got}",
        "expected a window like '09:00-17:00', got {got}",
    ),
    "value.window_minutes": (
        "forventede [åbner, lukker] som hele minutter efter midnat, fik {got}",
        "expected [open, close] as whole minutes since midnight, got {got}",
    ),
    "value.window_form": (
        "forventede 'TT:MM-TT:MM' eller [åbner, lukker] i minutter, fik {got}",
        "expected 'HH:MM-HH:MM' or [open, close] minutes, got {got}",
    ),
    "value.window_range": (
        "tidsvindue {got}: forventede 0 <= åbner <= lukker <= 1440 minutter (00:00-24:00)",
        "window {got}: expected 0 <= open <= close <= 1440 minutes (00:00-24:00)",
    ),
    "value.windows": (
        "forventede en liste af tidsvinduer ('TT:MM-TT:MM' eller [åbner, lukker]), fik {got}",
        "expected a list of windows ('HH:MM-HH:MM' or [open, close]), got {got}",
    ),
    "value.windows_empty": ("der skal være mindst ét tidsvindue", "at least one window is required"),
    "value.town_band": (
        "town_min_population ({low}) skal være mindre end town_max_population ({high})",
        "town_min_population ({low}) must be below town_max_population ({high})",
    ),
    # a campaign of the scenario
    "campaign.slug": (
        "forventede små bogstaver, cifre og '-', f.eks. 'butikker-hjoerring', fik {got}",
        "expected lower-case letters, digits and '-', e.g. 'butikker-hjoerring', got {got}",
    ),
    "campaign.week": (
        "forventede en ISO-uge som '2027-W04', fik {got}",
        "expected an ISO week like '2027-W04', got {got}",
    ),
    "campaign.one_source": (
        "forventede præcis ét af 'targets' (en fil) eller 'trigger' (hotspots)",
        "expected exactly one of 'targets' (a file) or 'trigger' (hotspots)",
    ),
    "campaign.no_deadline": (
        "en kampagne med en targets-fil skal have en 'deadline_week'",
        "a campaign with a targets file needs a 'deadline_week'",
    ),
    # the schema's own checks
    "schema.home_both": (
        "giv enten et stednavn eller lat/lon, ikke begge",
        "give either a place name or lat/lon, not both",
    ),
    "schema.home_form": (
        "forventede et station-id, et stations- eller bynavn eller {{lat, lon}}",
        "expected a station id, a station or town name, or {{lat, lon}}",
    ),
    "schema.home_empty": ("stednavnet er tomt", "place name is empty"),
    "schema.week": (
        "forventede en ISO-uge som '2026-W49', fik {got}",
        "expected an ISO week like '2026-W49', got {got}",
    ),
    "schema.no_week": ("{year} har ingen ISO-uge {week}", "{year} has no ISO week {week}"),
    "schema.weights_zero": (
        "alle vægte ({names}) er 0, så alle steder ville få score 0; giv mindst én en positiv vægt",
        "every weight ({names}) is 0, so every site would score 0; give at least one a positive weight",
    ),
    "schema.vehicle_twice": ("køretøjs-id brugt to gange: {ids}", "vehicle id(s) used twice: {ids}"),
    "schema.officers_both": (
        "giv 'officers' (i filen) eller 'officers_file' (CSV), ikke begge",
        "give 'officers' (inline) or 'officers_file' (CSV), not both",
    ),
    "schema.officers_none": (
        "ingen betjente: giv 'officers' (en liste i filen) eller 'officers_file' (CSV)",
        "no officers: give 'officers' (inline list) or 'officers_file' (CSV)",
    ),
    "schema.officer_twice": ("betjent-id brugt to gange: {ids}", "officer id(s) used twice: {ids}"),
    "schema.incidents_one": (
        "forventede præcis én af 'file' (en CSV med hændelser) eller 'synthetic' (parametre)",
        "expected exactly one of 'file' (a CSV of incidents) or 'synthetic' (parameters)",
    ),
    # the scenario file
    "scenario.file_not_found": ("{where}: filen findes ikke", "{where}: file not found"),
    "scenario.unreadable": (
        "{where}: scenariefilen kan ikke læses: {reason}",
        "{where}: cannot read the scenario file: {reason}",
    ),
    "scenario.yaml_at": (" i linje {line}, kolonne {column}", " at line {line}, column {column}"),
    "scenario.yaml": ("{where}: ikke gyldig YAML{at}: {problem}", "{where}: not valid YAML{at}: {problem}"),
    "scenario.not_mapping": (
        "{where}: forventede felter øverst i filen, fik {got}",
        "{where}: expected a mapping of fields at the top level, got {got}",
    ),
    "scenario.include_cycle": (
        "{where}: include: filerne inkluderer hinanden: {chain}",
        "{where}: include: include cycle: {chain}",
    ),
    "scenario.include_type": (
        "{where}: include: forventede et filnavn eller en liste af filnavne, fik {got}",
        "{where}: include: expected a file name or a list of file names, got {got}",
    ),
    "scenario.include_missing": (
        "{where}: include: filen findes ikke: {path}",
        "{where}: include: file not found: {path}",
    ),
    "scenario.not_found": ("{where}: scenariefilen findes ikke", "{where}: scenario file not found"),
    # resolving against the district
    "scenario.no_station": ("ingen station ved navn {key!r}{hint}", "no station named {key!r}{hint}"),
    "scenario.did_you_mean": (" (mente du {names}?)", " (did you mean {names}?)"),
    "scenario.or": (" eller ", " or "),
    "scenario.station_ids": (" (stationernes id: {ids})", " (station ids: {ids})"),
    "scenario.outside": (
        "({lat}, {lon}) ligger uden for {district}",
        "({lat}, {lon}) lies outside {district}",
    ),
    "scenario.base": ("{name} (base)", "{name} (base)"),
    "scenario.town_home": (
        "køretøj {id}: hjemsted {place!r} er en by, ikke en politistation; køretøjet starter og slutter "
        "hver dag i bymidten{choices}",
        "vehicle {id}: home {place!r} is a town, not a police station; the vehicle starts and ends each "
        "day at the town centre{choices}",
    ),
    "scenario.stations_there": (" (stationer der: {ids})", " (stations there: {ids})"),
    "scenario.no_days": (
        "køretøj {id}: ingen af dets dage {days} er planlagt i denne uge",
        "vehicle {id}: none of its days {days} is planned this week",
    ),
    "scenario.no_officer": ("ingen betjent med id {id!r}{hint}", "no officer with id {id!r}{hint}"),
    "scenario.all_absent": (
        "alle betjente er fraværende; ingen kan bemande et køretøj",
        "every officer is absent; no one can crew a vehicle",
    ),
    "scenario.crew_short": (
        "køretøj {id}: {count} betjent(e) med base på {station}, men en besætning på {crew} er "
        "nødvendig (week_settings.crew_home_rule er 'same_station')",
        "vehicle {id}: {count} officer(s) based at {station} but a crew of {crew} is needed "
        "(week_settings.crew_home_rule is 'same_station')",
    ),
    "scenario.quota_twice": (
        "{name} ({code}) har allerede en kvote under {key!r}",
        "{name} ({code}) already has a quota under {key!r}",
    ),
    "scenario.pin_day": (
        "{day} er ikke en planlagt dag i {week} ({days})",
        "{day} is not a planned day of {week} ({days})",
    ),
    "scenario.pin_vehicle": (
        "intet køretøj {id!r} (køretøjer: {ids})",
        "no vehicle {id!r} (vehicles: {ids})",
    ),
    "scenario.campaign_twice": ("kampagne-id {id!r} bruges to gange", "campaign id {id!r} used twice"),
    # places in the district
    "place.none": (
        "ingen station eller by ved navn {name!r} i {district}{hint}",
        "no station or town named {name!r} in {district}{hint}",
    ),
    "place.ambiguous_town": (
        "ingen station ved navn {town!r}: byen har {count} stationer, {listed}; angiv et af disse id'er",
        "no station named {town!r}: the town has {count} stations, {listed}; give one of these ids",
    ),
    "place.did_you_mean": (" (mente du {name!r}?)", " (did you mean {name!r}?)"),
    # the officers file
    "officers.missing_columns": (
        "{where}: mangler kolonne(r) {missing}; forventede kolonnerne {expected} (valgfri: {optional})",
        "{where}: missing column(s) {missing}; expected columns {expected} (optional: {optional})",
    ),
    "officers.unknown_columns": (
        "{where}: ukendt(e) kolonne(r) {unknown}; forventede {expected}",
        "{where}: unknown column(s) {unknown}; expected {expected}",
    ),
    "officers.row": ("{where}: række {row}: {column}: {message}", "{where}: row {row}: {column}: {message}"),
    "officers.twice": (
        "{where}: række {row}: id: betjent {id!r} står allerede i række {first}",
        "{where}: row {row}: id: officer {id!r} already listed in row {first}",
    ),
    "officers.row_station": ("{where}: række {row}: station", "{where}: row {row}: station"),
    "officers.none": ("{where}: ingen betjente i filen", "{where}: no officers listed"),
}
