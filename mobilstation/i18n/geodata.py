"""Geodata: what the loader of ``geodata/`` (and a planner's stations and links files) says is wrong.

Every message names the file, the line (CSV, the header is line 1) or the
feature (GeoJSON, counted from 0), the field and what was expected.
Each entry is ``id: (Danish, English)``; see :mod:`mobilstation.i18n`.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # where in a file, and several problems together
    "geo.line": ("linje {line}", "line {line}"),
    "geo.feature": ("objekt {index}", "feature {index}"),
    "geo.problem": ("{path}: {problem}", "{path}: {problem}"),
    "geo.problems": ("{path}: {count} fejl:\n{listed}", "{path}: {count} problems:\n{listed}"),
    "geo.more": ("... og {count} mere", "... and {count} more"),
    # files
    "geo.file_missing": (
        "{path}: filen findes ikke (forventede {expected})",
        "{path}: file not found (expected {expected})",
    ),
    "geo.not_found": ("{path}: filen findes ikke", "{path}: file not found"),
    "geo.not_utf8": (
        "{path}: ikke tekst i UTF-8 (byte {byte}): {reason}",
        "{path}: not UTF-8 text (byte {byte}): {reason}",
    ),
    "geo.csv_empty": (
        "{path}: tom fil (forventede en CSV-overskrift med kolonnerne {columns})",
        "{path}: empty file (expected a CSV header with columns {columns})",
    ),
    "geo.csv_missing_columns": (
        "{path}: linje 1: mangler kolonne(r) {missing} (forventede kolonnerne {columns}; fandt {found})",
        "{path}: line 1: missing column(s) {missing} (expected columns {columns}; found {found})",
    ),
    "geo.csv_twice": (
        "{path}: linje 1: kolonne(r) {columns} står mere end én gang",
        "{path}: line 1: duplicate column(s) {columns}",
    ),
    "geo.csv_fields": (
        "{count} felter, forventede {expected} ({columns})",
        "{count} fields, expected {expected} ({columns})",
    ),
    "geo.csv_invalid": (
        "{path}: linje {line}: ikke gyldig CSV: {reason}",
        "{path}: line {line}: not valid CSV: {reason}",
    ),
    "geo.json_invalid": (
        "{path}: ikke gyldig JSON (linje {line}, kolonne {column}: {reason}); "
        "forventede en GeoJSON FeatureCollection",
        "{path}: not valid JSON (line {line}, column {column}: {reason}); "
        "expected a GeoJSON FeatureCollection",
    ),
    "geo.json_no_features": (
        "{path}: forventede en GeoJSON FeatureCollection med en 'features'-liste",
        "{path}: expected a GeoJSON FeatureCollection with a 'features' list",
    ),
    "geo.feature_not_object": ("ikke et JSON-objekt", "not a JSON object"),
    "geo.feature_no_properties": ("intet 'properties'-objekt", "no 'properties' object"),
    "geo.feature_missing": (
        "mangler egenskab(er) {missing} (forventede {expected})",
        "missing property {missing} (expected {expected})",
    ),
    "geo.geometry_unreadable": (
        "geometrien kan ikke læses ({reason})",
        "unreadable geometry ({reason})",
    ),
    "geo.geometry_kind": (
        "geometrien er {kind}, forventede Polygon eller MultiPolygon",
        "geometry is {kind}, expected Polygon or MultiPolygon",
    ),
    "geo.geometry_empty": ("tom", "empty"),
    "geo.geometry_bounds": (
        "koordinaterne {bounds} er ikke WGS84-længde/bredde i grader",
        "coordinates {bounds} are not WGS84 lon/lat degrees",
    ),
    # fields of a CSV row
    "geo.field_empty": (
        "feltet '{name}' er tomt (der skal stå en værdi)",
        "field '{name}' is empty (a value is required)",
    ),
    "geo.field_number": (
        "feltet '{name}' = {raw!r} er ikke et tal",
        "field '{name}' = {raw!r} is not a number",
    ),
    "geo.field_range": (
        "feltet '{name}' = {raw!r} ligger uden for [{lo}, {hi}]",
        "field '{name}' = {raw!r} is outside [{lo}, {hi}]",
    ),
    "geo.field_integer": (
        "feltet '{name}' = {raw!r} er ikke et helt tal",
        "field '{name}' = {raw!r} is not a whole number",
    ),
    "geo.field_at_least": (
        "feltet '{name}' = {value} skal være >= {lo}",
        "field '{name}' = {value} must be >= {lo}",
    ),
    "geo.field_boolean": (
        "feltet '{name}' = {raw!r} er ikke true/false",
        "field '{name}' = {raw!r} is not true/false",
    ),
    "geo.field_code": (
        "feltet '{name}' = {raw!r} er ikke en kommunekode (4 cifre)",
        "field '{name}' = {raw!r} is not a municipality code (4 digits)",
    ),
    "geo.field_time": (
        "feltet '{name}': {token!r} er ikke et klokkeslæt TT:MM (00:00-23:59)",
        "field '{name}': {token!r} is not a time HH:MM (00:00-23:59)",
    ),
    # what each file of geodata/ holds (named when it is missing)
    "geo.expect.districts": (
        "GeoJSON med politikredse og egenskaberne nr, navn",
        "GeoJSON police districts with properties nr, navn",
    ),
    "geo.expect.kommuner": (
        "GeoJSON med kommuner og egenskaberne komkode, navn, politikreds_nr",
        "GeoJSON municipalities with properties komkode, navn, politikreds_nr",
    ),
    "geo.expect.postal": (
        "GeoJSON med postnumre og egenskaberne postnr, navn, komkode",
        "GeoJSON postal districts with properties postnr, navn, komkode",
    ),
    "geo.expect.towns": (
        "CSV med byer og kolonnerne geonameid, name, lat, lon, population, komkode",
        "CSV of towns with columns geonameid, name, lat, lon, population, komkode",
    ),
    "geo.expect.extra": (
        "CSV med ekstra steder og kolonnerne id, name, lat, lon, population, komkode, source",
        "CSV of extra places with columns id, name, lat, lon, population, komkode, source",
    ),
    "geo.expect.excluded": (
        "CSV med udeladte GeoNames-byer og kolonnerne geonameid, reason",
        "CSV of excluded GeoNames towns with columns geonameid, reason",
    ),
    "geo.expect.population": (
        "CSV med kommunernes indbyggertal og kolonnerne komkode, navn, population, year, source",
        "CSV of municipality populations with columns komkode, navn, population, year, source",
    ),
    "geo.expect.names": (
        "CSV med kommunenavne og kolonnerne komkode, name",
        "CSV of municipality names with columns komkode, name",
    ),
    "geo.expect.links": (
        "CSV med broer, tunneler og færger og kolonnerne id, name, kind, "
        "a_name, a_lat, a_lon, b_name, b_lat, b_lon, crossing_min",
        "CSV of bridges, tunnels and ferries with columns id, name, kind, "
        "a_name, a_lat, a_lon, b_name, b_lat, b_lon, crossing_min",
    ),
    "geo.expect.stations": (
        "CSV med politistationer og kolonnerne id, name, kind, komkode, lat, lon",
        "CSV of police stations with columns id, name, kind, komkode, lat, lon",
    ),
    # the directory and the cross-checks between its files
    "geo.no_directory": (
        "{root}: geodata-mappen findes ikke (forventede filerne i geodata/README.md)",
        "{root}: geodata directory not found (expected the files listed in geodata/README.md)",
    ),
    "geo.no_stations_file": (
        "{root}: ingen fil med politistationer (forventede mindst én fil, der passer til '{pattern}', "
        "med kolonnerne id, name, kind, komkode, lat, lon)",
        "{root}: no police stations file (expected at least one file matching '{pattern}' "
        "with columns id, name, kind, komkode, lat, lon)",
    ),
    "geo.district_nr": (
        "egenskaben nr = {nr!r} er ikke et helt tal",
        "property nr = {nr!r} is not a whole number",
    ),
    "geo.district_twice": ("politikreds nr. {nr} står to gange", "district nr {nr} appears twice"),
    "geo.no_districts": (
        "{path}: ingen politikredse (forventede mindst ét objekt)",
        "{path}: no police districts (expected at least one feature)",
    ),
    "geo.komkode_bad": (
        "komkode {code!r} er ikke en kommunekode på 4 cifre",
        "komkode {code!r} is not a 4-digit municipality code",
    ),
    "geo.komkode_twice": ("komkode {code} står to gange", "komkode {code} appears twice"),
    "geo.district_of_bad": (
        "politikreds_nr {nr!r} er ikke et helt tal",
        "politikreds_nr {nr!r} is not a whole number",
    ),
    "geo.district_of_unknown": (
        "politikreds_nr {nr} for {code} er ikke en politikreds i {file} (kendte: {known})",
        "politikreds_nr {nr} of {code} is not a district in {file} (known: {known})",
    ),
    "geo.komkode_unknown": (
        "komkode {code} er ikke en kommune i {file}",
        "komkode {code} is not a municipality in {file}",
    ),
    "geo.komkode_unknown_repr": (
        "komkode {code!r} er ikke en kommune i {file}",
        "komkode {code!r} is not a municipality in {file}",
    ),
    "geo.point_code_unknown": (
        "{what}: komkode {code} er ikke en kommune i {file}",
        "{what}: komkode {code} is not a municipality in {file}",
    ),
    "geo.point_off_land": (
        "{what} ved ({lat}, {lon}) ligger uden for alle kommuner (nærmeste, {nearest}, er {km} km væk; "
        "forventede et punkt på land, højst {tolerance} m fra en kommunepolygon)",
        "{what} at ({lat}, {lon}) lies outside every municipality (nearest {nearest} is {km} km away; "
        "expected a point on land, within {tolerance} m of a municipality polygon)",
    ),
    "geo.point_other_code": (
        "{what} ved ({lat}, {lon}) ligger i {found}, men komkode siger {code}",
        "{what} at ({lat}, {lon}) lies in {found}, but komkode says {code}",
    ),
    "geo.municipality": ("kommune", "municipality"),
    "geo.town": ("by {name!r}", "town {name!r}"),
    "geo.place": ("sted {name!r}", "place {name!r}"),
    "geo.station": ("station {id!r}", "station {id!r}"),
    "geo.geonameid_twice": ("geonameid {id} står to gange", "geonameid {id} appears twice"),
    "geo.excluded_unknown": (
        "geonameid {id} findes ikke i {file} (forventede et id derfra)",
        "geonameid {id} is not in {file} (expected an id listed there)",
    ),
    "geo.slug": (
        "id {id!r} er ikke et id med små ASCII-bogstaver, cifre og '-'",
        "id {id!r} is not a lower-case ASCII slug (letters, digits, '-')",
    ),
    "geo.town_twice": (
        "{id} er allerede en by (i {file} eller tidligere i denne fil)",
        "{id} is already a town (in {file} or earlier in this file)",
    ),
    "geo.station_twice": (
        "station-id {id!r} er allerede brugt (i {file})",
        "station id {id!r} already used (in {file})",
    ),
    "geo.station_taken": (
        "id'et er allerede brugt af en station i politikredsen (vælg et andet id)",
        "id already used by a station of the district (choose another id)",
    ),
    "geo.link_twice": ("link-id {id!r} står to gange", "link id {id!r} appears twice"),
    "geo.link_kind": ("kind {kind!r} er ikke en af {kinds}", "kind {kind!r} is not one of {kinds}"),
    "geo.link_departures": (
        "en forbindelse af typen {kind!r} har ingen afgange (kun færger, 'ferry', har det)",
        "a {kind!r} has no departures (only ferries do)",
    ),
    "geo.link_off_land": (
        "ende {end} {name!r} ved ({lat}, {lon}) ligger ikke på land "
        "(nærmeste, {nearest}, er {metres} m væk; forventede højst {tolerance} m fra en kommunepolygon)",
        "end {end} {name!r} at ({lat}, {lon}) is not on land (nearest {nearest} is {metres} m away; "
        "expected within {tolerance} m of a municipality polygon)",
    ),
    # looking up a district, a municipality or a place in it
    "geo.district_query": (
        "politikreds {query!r}: forventede et navn eller nummer på en politikreds (gyldige: {valid})",
        "district {query!r}: expected a district name or number (valid: {valid})",
    ),
    "geo.district_number": (
        "ingen politikreds med nummer {nr} (gyldige: {valid})",
        "no police district number {nr} (valid: {valid})",
    ),
    "geo.district_ambiguous": (
        "politikreds {query!r} er tvetydig: den passer på {names}",
        "police district {query!r} is ambiguous: it matches {names}",
    ),
    "geo.district_unknown": (
        "ingen politikreds ved navn {query!r}{hint}; gyldige: {valid}",
        "no police district named {query!r}{hint}; valid: {valid}",
    ),
    "geo.district_empty": (
        "{path}: ingen kommune har politikreds_nr {nr} ({name}); forventede mindst én",
        "{path}: no municipality has politikreds_nr {nr} ({name}); expected at least one",
    ),
    "geo.municipality_unknown": (
        "ingen kommune {query!r} i {district}{hint}; gyldige: {valid}",
        "no municipality {query!r} in {district}{hint}; valid: {valid}",
    ),
    "geo.name_ambiguous": (
        "{name!r} er tvetydigt i {district}: {listed}; angiv id'et",
        "{name!r} is ambiguous in {district}: {listed}; use the id",
    ),
    # a planner's own stations and links files
    "geo.station_outside": (
        "{path}: station {id!r} ligger i {code} {name}, uden for {district} "
        "(forventede stationer i politikredsens kommuner)",
        "{path}: station {id!r} lies in {code} {name}, outside {district} "
        "(expected stations of its municipalities)",
    ),
    "geo.link_outside": (
        "{path}: link {id!r}: ende {end} ligger i {code} {name}, uden for {district} "
        "(forventede begge ender på politikredsens land)",
        "{path}: link {id!r}: end {end} lies in {code} {name}, outside {district} "
        "(expected both ends on the district's land)",
    ),
    "geo.link_taken": (
        "{path}: link-id(er) {ids} er allerede brugt af politikredsens egne links",
        "{path}: link id(s) {ids} already used by the district's links",
    ),
}
