"""CSV in and out: the readers take what the writers write and what Danish Excel saves.

Danish Excel's "CSV (semikolonsepareret)" is simulated byte for byte as it
saves: Windows-1252 without BOM, ``;`` between fields, CRLF line ends,
decimal commas, dates it recognised written ``dd-mm-åååå`` and numeric
codes without their leading zeros.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time
from pathlib import Path

import pytest
from fixtures.small_plan import small_plan

from mobilstation import i18n
from mobilstation.errors import InputError
from mobilstation.outputs.tables import read_table as read_output_table
from mobilstation.outputs.tables import visits_frame, write_tables
from mobilstation.scenario import read_history, read_officers
from mobilstation.tabular import parse_code, parse_date, parse_number, parse_time, read_table, sniff_delimiter
from mobilstation.untrusted import display_text, is_formula_like, neutralise, text_problems, unneutralise

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def excel_resave(text: str, sep: str = ";") -> bytes:
    """``text`` (a CSV) as Danish Excel writes it back after opening and saving it."""
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, row in enumerate(rows):
        new = []
        for cell in row:
            m = _ISO.match(cell)
            if i and m:
                cell = f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
            elif i and cell.isdigit():
                cell = str(int(cell))  # "0849" became the number 849
            new.append(cell)
        writer.writerow(new)
    return out.getvalue().encode("cp1252")


# -- the rule for text from outside ------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+45 12 34 56 78",
    "-1+2",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "'=1+1",
    "''=1+1",
    "\uff1d1+1",  # full-width equals sign
    "'",
    "",
    "Aalborg Øst",
    "'citat'",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_neutralise_is_safe_and_reversible(text: str) -> None:
    safe = neutralise(text)
    assert isinstance(safe, str) and unneutralise(safe) == text
    if is_formula_like(text):
        assert safe.startswith("'") and safe[1:] == text
    else:
        assert safe == text
    assert not re.match(r"^[=+\-@\t\r]", safe)


def test_numbers_are_never_neutralised() -> None:
    assert neutralise(-1.5) == -1.5 and neutralise(None) is None and neutralise(-3) == -3


def test_display_text_cleans_controls_bidi_and_length() -> None:
    evil = "navn\x00\x07 med\u202egnp.exe\nlinje 2\x1b[31m"
    assert display_text(evil) == "navn medgnp.exe linje 2[31m"
    assert set(text_problems(evil)) == {"kontroltegn", "tegn, der styrer skriveretningen"}
    with i18n.using("en"):
        assert set(text_problems(evil)) == {"control characters", "bidirectional text controls"}
    long = "ø" * 1_000_000
    shown = display_text(long)
    assert isinstance(shown, str) and len(shown) == 500 and shown.endswith("[forkortet]")
    assert text_problems(long) == ["1000000 tegn (vist forkortet til 500)"]
    with i18n.using("en"):
        assert text_problems(long) == ["1000000 characters (shown shortened to 500)"]
    assert text_problems("Østergade i morgentrafikken") == []


# -- the reader -------------------------------------------------------------------------------


def test_sniffs_separator_outside_quotes() -> None:
    assert sniff_delimiter('id;"navn, fornavn";station') == ";"
    assert sniff_delimiter('id,"a;b;c",station') == ","
    assert sniff_delimiter("id\tnavn") == "\t"
    assert sniff_delimiter("id") == ","


def test_reads_bom_semicolons_cp1252_and_names_rows(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("id;navn;timer\r\nA;Søren Kjær;37,5\r\n;;\r\nB;'=1+1;7\r\n".encode("cp1252"))
    t = read_table(p, required=["id", "navn"])
    assert (t.delimiter, t.encoding) == (";", "cp1252")
    assert [dict(r) for r in t] == [
        {"id": "A", "navn": "Søren Kjær", "timer": "37,5"},
        {"id": "B", "navn": "=1+1", "timer": "7"},
    ]
    assert [(r.row, r.line) for r in t] == [(1, 2), (2, 4)]
    assert t.where(t[1], "navn") == f"{p}: række 2: navn"
    with i18n.using("en"):
        assert t.where(t[1], "navn") == f"{p}: row 2: navn"
    p.write_bytes("\ufeffid,navn\nA,Aalborg Øst\n".encode())
    t = read_table(p)
    assert t.encoding == "utf-8-sig" and t.header == ["id", "navn"] and t[0]["navn"] == "Aalborg Øst"


def test_reader_errors_name_file_row_and_separator(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text("id;station\nA;x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"mangler kolonne\(r\) navn; fandt id, station \(skilletegn ';'\)"):
        read_table(p, required=["id", "navn"])
    with i18n.using("en"), pytest.raises(
        InputError, match=r"missing column\(s\) navn; found id, station \(separator ';'\)"
    ):
        read_table(p, required=["id", "navn"])
    p.write_text("id,station\nA,x,y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"o.csv: række 1: flere værdier end kolonner"):
        read_table(p)
    with i18n.using("en"), pytest.raises(InputError, match=r"o.csv: row 1: more values than columns"):
        read_table(p)
    p.write_text("id,stationn\nA,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ukendt\(e\) kolonne\(r\) stationn"):
        read_table(p, required=["id"], optional=["station"])
    with i18n.using("en"), pytest.raises(InputError, match=r"unknown column\(s\) stationn"):
        read_table(p, required=["id"], optional=["station"])
    p.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="tom fil"):
        read_table(p)
    with i18n.using("en"), pytest.raises(InputError, match="empty file"):
        read_table(p)
    p.write_bytes(b"id\n\x81\x8d\n")
    with pytest.raises(InputError, match="ikke en tekstfil"):
        read_table(p)
    with i18n.using("en"), pytest.raises(InputError, match="not a text file"):
        read_table(p)


def test_aliases_map_headers_case_insensitively(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text("ID;Bemærkning\nr1;hej\n", encoding="utf-8")
    t = read_table(p, required=["id"], aliases={"note": ["bemærkning", "comment"]})
    assert t.columns == ["id", "note"] and dict(t[0]) == {"id": "r1", "note": "hej"}


def test_findings_name_the_row_once(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(f"id,name,note\nr1,ok,ok\nr2,a\u202eb,{'x' * 2000}\n", encoding="utf-8")
    t = read_table(p)
    assert len(t.findings) == 1
    assert t.findings[0].startswith(f"{p}: række 2: tekst med ")
    assert "plan.json har den i fuld længde" in t.findings[0]
    with i18n.using("en"):
        t = read_table(p)
    assert len(t.findings) == 1
    assert t.findings[0].startswith(f"{p}: row 2: text with 2000 characters (shown shortened to 500)")
    assert "bidirectional" in t.findings[0] and "plan.json keeps it in full" in t.findings[0]
    assert t[1]["note"] == "x" * 2000  # the reader keeps the full text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-12-01", date(2026, 12, 1)), ("01-12-2026", date(2026, 12, 1)), ("1.12.2026", date(2026, 12, 1))],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected
    assert parse_date("2026-12-01 00:00:00") == date(2026, 12, 1)


@pytest.mark.parametrize("text", ["2/12/2026", "31-11-2026", "12-2026", "i morgen"])
def test_parse_date_refuses(text: str) -> None:
    with pytest.raises(InputError, match=r"f.csv: række 3: dato: forventede en ISO-dato"):
        parse_date(text, where="f.csv: række 3: dato")
    with i18n.using("en"), pytest.raises(InputError, match=r"f.csv: row 3: dato: expected an ISO date"):
        parse_date(text, where="f.csv: row 3: dato")


def test_parse_time_number_code() -> None:
    assert parse_time("8:30") == time(8, 30) and parse_time("08.30") == time(8, 30)
    assert parse_time("08:30:00") == time(8, 30)
    with pytest.raises(InputError, match="forventede et klokkeslæt"):
        parse_time("25:00")
    with i18n.using("en"), pytest.raises(InputError, match="expected a time of day"):
        parse_time("25:00")
    assert (
        parse_number("37,5") == 37.5 and parse_number("1.234,5") == 1234.5 and parse_number("-0.25") == -0.25
    )
    with pytest.raises(InputError, match="forventede et tal"):
        parse_number("ti")
    with i18n.using("en"), pytest.raises(InputError, match="expected a number"):
        parse_number("ti")
    assert parse_code("849") == "0849" and parse_code("0849") == "0849" and parse_code("849.0") == "0849"
    assert parse_code("aalborg") == "aalborg"


# -- round trips ------------------------------------------------------------------------------


def test_visits_csv_round_trip_as_written_and_as_excel_saves_it(tmp_path: Path) -> None:
    plan = small_plan()
    write_tables(plan, tmp_path)
    expected = visits_frame(plan)
    path = tmp_path / "visits.csv"
    for variant in ("written", "excel"):
        if variant == "excel":
            path.write_bytes(excel_resave(path.read_bytes().decode("utf-8-sig")))
            assert b"\xef\xbb\xbf" not in path.read_bytes()[:3] and b"0849" not in path.read_bytes()
        back = read_output_table(path)
        assert list(back.columns) == list(expected.columns)
        assert len(back) == len(expected) and len(back) > 0
        for (_, got), (_, want) in zip(back.iterrows(), expected.iterrows(), strict=True):
            for col in expected.columns:
                if isinstance(want[col], float):
                    assert got[col] == pytest.approx(want[col]), (variant, col)
                else:
                    assert str(got[col]) == str(want[col]), (variant, col)
        # the generic reader the ledger import uses gives the same rows with row numbers
        rows = read_table(path, required=["sted_id", "dato", "rute"])
        assert [r["sted_id"] for r in rows] == list(expected["sted_id"])
        assert [parse_date(r["dato"]).isoformat() for r in rows] == list(expected["dato"])
        assert [r.row for r in rows] == list(range(1, len(expected) + 1))


def test_semicolon_officers_file_as_danish_excel_saves_it(tmp_path: Path) -> None:
    """The misleading "missing column(s) id, station" of a semicolon file is gone."""
    p = tmp_path / "betjente.csv"
    text = (
        "id;name;station;weekly_hours;skills;available_days;max_shift_hours\r\n"
        "LB01;Mette Højgaard;aalborg-politigaard;37;;;\r\n"
        "LB02;Anders Kjær;aalborg-politigaard;37,5;traffic;mandag, tirsdag;9,5\r\n"
        '"LB03";"Jesper Ørum";"Hjørring Politistation";32;"traffic";"man;ons";\r\n'
        'LB04;"\'=HYPERLINK(""http://evil.example"";""klik"")";aalborg-politigaard;37;;;\r\n'
    )
    p.write_bytes(text.encode("cp1252"))
    officers = {o.id: o for o in read_officers(p)}
    assert set(officers) == {"LB01", "LB02", "LB03", "LB04"}
    assert officers["LB01"].name == "Mette Højgaard" and officers["LB01"].skills == []
    lb02 = officers["LB02"]
    assert lb02.weekly_hours == 37.5 and lb02.max_shift_hours == 9.5 and lb02.skills == ["traffic"]
    assert lb02.available_days == [1, 2]
    assert officers["LB03"].available_days == [1, 3] and officers["LB03"].station == "Hjørring Politistation"
    assert officers["LB04"].name == '=HYPERLINK("http://evil.example";"klik")'  # neutralisation undone
    p.write_bytes(text.replace("37,5", "mange").encode("cp1252"))
    with pytest.raises(InputError, match=r"betjente.csv: række 3: weekly_hours"):
        read_officers(p)


def test_history_with_danish_dates_and_semicolons(tmp_path: Path) -> None:
    p = tmp_path / "h.csv"
    p.write_bytes(
        "site_id;last_visit\r\nbyrum;30-11-2026\r\nhals;2026-11-02\r\nbyrum;16-11-2026\r\n".encode("cp1252")
    )
    assert read_history(p) == {"byrum": date(2026, 11, 30), "hals": date(2026, 11, 2)}
