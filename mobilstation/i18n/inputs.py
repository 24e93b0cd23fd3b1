"""Input files: what the readers of CSV, requests, incidents, campaigns and roads say is wrong.

The geodata loader has its own module, :mod:`.geodata`.

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
    # what the outputs clean from outside text (mobilstation.untrusted)
    "text.control": ("kontroltegn", "control characters"),
    "text.bidi": ("tegn, der styrer skriveretningen", "bidirectional text controls"),
    "text.long": (
        "{length} tegn (vist forkortet til {limit})",
        "{length} characters (shown shortened to {limit})",
    ),
    "text.id_control": (
        "indeholder kontroltegn eller linjeskift (forventede almindelig tekst)",
        "contains control characters or line breaks (expected plain text)",
    ),
    "text.id_long": (
        "er {length} tegn lang (forventede højst {limit})",
        "is {length} characters long (expected at most {limit})",
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
    # burglary incidents (CSV, GeoJSON, GeoPackage)
    "incidents.label.row": ("række", "row"),
    "incidents.label.feature": ("objekt", "feature"),
    "incidents.convention.row": (
        "række 1 = første linje efter overskriften",
        "row 1 = first line after the header",
    ),
    "incidents.convention.feature": ("objekt 1 = første objekt", "feature 1 = first feature"),
    "incidents.read": (
        "{source}: {read} rækker læst, {used} brugbare",
        "{source}: {read} rows read, {used} usable",
    ),
    "incidents.skipped": (
        "{source}: {count} række(r) sprunget over ({convention}):",
        "{source}: {count} rows skipped ({convention}):",
    ),
    "incidents.more": ("  ... og {count} mere", "  ... and {count} more"),
    "incidents.other_types": (
        "{source}: {count} hændelse(r) af andre typer udeladt ({types}); "
        "hotspots og scorer tæller kun indbrud",
        "{source}: {count} incidents of other types left out ({types}); "
        "hotspots and scores count burglaries only",
    ),
    "incidents.outside": (
        "{source}: {count} hændelse(r) ligger uden for politikreds {district!r}; de beholdes, "
        "men indgår ikke i hotspots",
        "{source}: {count} incidents lie outside district {district!r}; "
        "they are kept but left out of hotspots",
    ),
    "incidents.snapped": (
        "{source}: {count} hændelse(r) ligger lige uden for den (forenklede) kystlinje "
        "og er henført til nærmeste kommune",
        "{source}: {count} incidents lie just outside the (generalised) coastline "
        "and were assigned to the nearest municipality",
    ),
    "incidents.after_as_of": (
        "{source}: {count} hændelse(r) er dateret efter {as_of}",
        "{source}: {count} incidents are dated after {as_of}",
    ),
    "incidents.not_found": ("{path}: hændelsesfilen findes ikke", "{path}: incident file not found"),
    "incidents.what": ("en overskrift og rækker med hændelser", "a header and incident rows"),
    "incidents.only_header": (
        "{path}: ingen hændelser (kun en overskrift)",
        "{path}: no incident rows (only a header)",
    ),
    "incidents.not_wgs84": (
        "koordinaterne ({lat}, {lon}) er ikke gyldige WGS84-grader",
        "coordinates ({lat}, {lon}) are not valid WGS84 lat/lon",
    ),
    "incidents.no_location": (
        "{path}: ingen kolonner med placering: forventede 'lat' og 'lon' (WGS84-grader) eller 'x' og 'y' "
        "(EPSG:25832-meter); fandt kolonnerne {found}",
        "{path}: no location columns: expected 'lat' and 'lon' (WGS84 degrees) or 'x' and 'y' "
        "(EPSG:25832 metres); found columns {found}",
    ),
    "incidents.unreadable": (
        "{path}: ikke en læsbar GeoJSON/GeoPackage-fil ({reason})",
        "{path}: not a readable GeoJSON/GeoPackage ({reason})",
    ),
    "incidents.no_features": ("{path}: ingen hændelser i filen", "{path}: no incident features"),
    "incidents.no_crs": (
        "{path}: filen angiver intet koordinatsystem (forventede WGS84 / EPSG:4326 eller EPSG:25832)",
        "{path}: the file declares no CRS (expected WGS84 / EPSG:4326 or EPSG:25832)",
    ),
    "incidents.no_geometry": ("mangler koordinater (ingen geometri)", "missing coordinates (no geometry)"),
    "incidents.not_point": (
        "geometrien er en {kind}, forventede et punkt",
        "geometry is a {kind}, expected a point",
    ),
    "incidents.not_number": ("{column}: ikke et tal", "{column}: not a number"),
    "incidents.where_crs": ("angivet koordinatsystem {crs}", "declared CRS {crs}"),
    "incidents.where_columns": ("kolonnerne {a!r}/{b!r}", "columns {a!r}/{b!r}"),
    "incidents.latlon_swapped": (
        "{path}: {where}: bredde- og længdegrad ser ud til at være byttet om (median lat {lat}, lon {lon}; "
        "Danmark ligger ved lat 54,5-57,8, lon 8-15)",
        "{path}: {where}: latitude and longitude look swapped (median lat {lat}, lon {lon}; "
        "Denmark is at lat 54.5-57.8, lon 8-15)",
    ),
    "incidents.projected": (
        "{path}: {where}: værdierne (median {a}, {b}) ligner projicerede meter, ikke WGS84-grader; "
        "kald kolonnerne 'x' og 'y', hvis de er EPSG:25832 (ETRS89 / UTM 32N)",
        "{path}: {where}: values (median {a}, {b}) look like projected metres, not WGS84 "
        "degrees; name the columns 'x' and 'y' if they are EPSG:25832 (ETRS89 / UTM 32N)",
    ),
    "incidents.not_in_denmark": (
        "{path}: {where}: punkterne ligger ikke i Danmark (median lat {lat}, lon {lon}); "
        "forventede WGS84-grader omkring lat 54,5-57,8, lon 8-15",
        "{path}: {where}: the points are not in Denmark (median lat {lat}, lon {lon}); "
        "expected WGS84 degrees around lat 54.5-57.8, lon 8-15",
    ),
    "incidents.utm_degrees": (
        "{path}: {where}: værdierne (median {x}, {y}) ligner grader, ikke EPSG:25832-meter; "
        "kald kolonnerne 'lon' og 'lat', hvis de er WGS84",
        "{path}: {where}: values (median {x}, {y}) look like degrees, not EPSG:25832 "
        "metres; name the columns 'lon' and 'lat' if they are WGS84",
    ),
    "incidents.xy_swapped": (
        "{path}: {where}: x og y ser ud til at være byttet om (median x {x}, y {y})",
        "{path}: {where}: x and y look swapped (median x {x}, y {y})",
    ),
    "incidents.utm_not_in_denmark": (
        "{path}: {where}: punkterne ligger ikke i Danmark i EPSG:25832 (median x {x}, y {y}; "
        "forventede x 440.000-900.000, y 6.040.000-6.410.000)",
        "{path}: {where}: the points are not in Denmark in EPSG:25832 (median x {x}, y {y}; "
        "expected x 440,000-900,000, y 6,040,000-6,410,000)",
    ),
    "incidents.missing_coordinates": ("mangler koordinater", "missing coordinates"),
    "incidents.no_time_column": (
        "{path}: ingen tidskolonne: forventede en af {expected}; fandt kolonnerne {found}",
        "{path}: no time column: expected one of {expected}; found columns {found}",
    ),
    "incidents.missing_time": ("mangler tidspunkt", "missing timestamp"),
    "incidents.bad_time": ("{column}: ugyldigt tidspunkt {text!r}", "{column}: bad timestamp {text!r}"),
    "incidents.time_expected": (
        "{reason} (forventede ISO 8601 som 2026-11-20T14:30 eller 20-11-2026 14:30)",
        "{reason} (expected ISO 8601 like 2026-11-20T14:30 or 20-11-2026 14:30)",
    ),
    "incidents.bad_flag": (
        "{column}: forventede ja/nej, true/false eller 1/0, fik {value!r}",
        "{column}: expected ja/nej, true/false or 1/0, got {value!r}",
    ),
    "incidents.duplicate_id": (
        "id {id!r} står to gange (først brugt i {label} {first})",
        "duplicate id {id!r} (first used in {label} {first})",
    ),
    "incidents.other_types_why": (
        "{count} af andre typer ({types}); forventede indbrud: en type med 'indbrud', f.eks. {examples}",
        "{count} of other types ({types}); expected burglaries: a type naming 'indbrud', e.g. {examples}",
    ),
    "incidents.none_usable": (
        "{path}: ingen brugbare hændelser ({count} læst; {why})",
        "{path}: no usable incident row ({count} read; {why})",
    ),
    "incidents.none_inside": (
        "{path}: ingen af de {count} brugbare hændelser ligger i politikreds {district!r} "
        "(forkert fil eller forkert politikreds?)",
        "{path}: none of the {count} usable incidents lies inside district {district!r} "
        "(wrong file or wrong district?)",
    ),
    # the estimated travel model (roads over land, bridges, tunnels and ferries)
    "travel.more": (" og {count} mere", " and {count} more"),
    "travel.duplicate_links": (
        "links: link-id(er) står flere gange: {ids}",
        "links: duplicate link id(s) {ids}",
    ),
    "travel.negative_link": (
        "link {id!r}: crossing_min og wait_min skal være >= 0, fik {crossing}, {wait}",
        "link {id!r}: crossing_min and wait_min must be >= 0, got {crossing}, {wait}",
    ),
    "travel.land": ("landgeometri: {reason}", "land geometry: {reason}"),
    "travel.link_off_land": (
        "link {id!r} ({name}): ende {end} {place!r} ved ({lat}, {lon}) ligger {metres} m fra land, "
        "længere end point_snap_m={snap}",
        "link {id!r} ({name}): end {end} {place!r} at ({lat}, {lon}) is {metres} m from land, "
        "farther than point_snap_m={snap}",
    ),
    "travel.duplicate_point": (
        "punkt {id!r}: punkt-id står flere gange (id'er skal være entydige i én matrix)",
        "point {id!r}: duplicate point id (ids must be unique within one matrix)",
    ),
    "travel.bad_point": (
        "punkt {id!r}: ugyldige koordinater ({lat}, {lon}); forventede WGS84-grader",
        "point {id!r}: invalid coordinates ({lat}, {lon}); expected WGS84 degrees",
    ),
    "travel.off_land": (
        "ingen vej når punkt(er) {names}{more}: længere end point_snap_m={snap} "
        "fra rejsemodellens land",
        "no road reaches point(s) {names}{more}: farther than point_snap_m={snap} "
        "from the land of the travel model",
    ),
    "travel.one_way": (
        "ingen vej eller forbindelse fører fra punkt {a!r} til punkt {b!r}",
        "no road or link leads from point {a!r} to point {b!r}",
    ),
    "travel.unreachable": (
        "ingen vej eller forbindelse når punkt(er) {names}{more} fra punkt {example!r}: de ligger på land, "
        "som ingen kendt bro, tunnel eller færge forbinder (en ø uden forbindelse?)",
        "no road or link reaches point(s) {names}{more} from point {example!r}: they lie on land "
        "that no listed bridge, tunnel or ferry connects (an island without a link?)",
    ),
    # the road network of an OpenStreetMap extract
    "osm.not_found": (
        "{path}: OSM-filen findes ikke (forventede et lokalt .osm.pbf-udtræk)",
        "{path}: OSM file not found (expected a local .osm.pbf extract)",
    ),
    "osm.unreadable": (
        "{path}: kan ikke læse OSM-data ({reason})",
        "{path}: cannot read OSM data ({reason})",
    ),
    "osm.no_roads": (
        "{path}: ingen vej, der kan køres på, i denne OSM-fil",
        "{path}: no drivable road in this OSM file",
    ),
    "osm.link_off_road": (
        "link {id!r} ({name}): ende {end} {place!r} ligger {metres} m fra nærmeste vej i {path}, "
        "længere end snap_max_m={snap}",
        "link {id!r} ({name}): end {end} {place!r} is {metres} m from the nearest road in {path}, "
        "farther than snap_max_m={snap}",
    ),
    "osm.off_road": (
        "ingen vej i {file} nær punkt(er) {names}{more}: længere end snap_max_m={snap} "
        "fra nærmeste vejknude",
        "no road in {file} near point(s) {names}{more}: farther than snap_max_m={snap} "
        "from the nearest road node",
    ),
    "osm.duplicate_points": (
        "punkt(er) {ids}: punkt-id står flere gange (id'er skal være entydige i én matrix)",
        "point(s) {ids}: duplicate point id (ids must be unique within one matrix)",
    ),
    "osm.too_many_links": (
        "osm-modellen kan højst have 62 forbindelser",
        "the osm model supports at most 62 links",
    ),
}
