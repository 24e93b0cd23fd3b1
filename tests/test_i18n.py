"""The command line speaks Danish by default and English with ``--lang en`` or ``MOBILSTATION_LANG=en``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mobilstation import i18n
from mobilstation.cli import app
from mobilstation.i18n import catalogue, num, pct, short, t

ROOT = Path(__file__).resolve().parents[1]
QUICK = ROOT / "scenarios" / "quick.yaml"

#: Words the two languages share (names, units, file names): not a sign of English in a Danish run.
_SHARED = {"ok", "id", "kde", "gistar", "station", "hotspots", "plan", "ledger", "json", "html", "csv"}


def _field_names() -> set[str]:
    """The scenario's field names: words of the YAML format, the same in either language."""
    from pydantic import BaseModel

    from mobilstation.scenario import schema

    names: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names |= set(obj.model_fields)
    return names


def english_fragments() -> list[str]:
    """The English words of the catalogue a Danish run must not print.

    Each English template that differs from its Danish one is cut at its
    fields (``{name}``) and markup; every piece holding a word of three or
    more letters, which the Danish template does not hold too, is a fragment.
    """
    fragments: set[str] = set()
    fields = _field_names()
    for da, en in catalogue().values():
        if da == en:
            continue
        for piece in re.split(r"\{[^}]*\}|\\\[|\[/?[a-z ]*\]", en):
            piece = piece.strip(" .,:;()-–'\"")
            words = re.findall(r"[A-Za-z]{3,}", piece)
            if not words or all(w.lower() in _SHARED for w in words) or piece in da or piece in fields:
                continue
            fragments.add(piece)
    return sorted(fragments)


def english_in(text: str) -> list[str]:
    """The English fragments found in ``text`` as words (not inside a file name: ``visits.csv``)."""
    found = []
    for fragment in english_fragments():
        if re.search(rf"(?<![\w/.-]){re.escape(fragment)}(?!\w|\.\w)", text):
            found.append(fragment)
    return found


@pytest.fixture(autouse=True)
def _back_to_default() -> Any:
    yield
    i18n.set_language(None)


# -- the catalogue ----------------------------------------------------------------------------


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    for key, (da, en) in catalogue().items():
        assert da.strip() and en.strip(), key
        fields = [re.findall(r"\{(\w+)", s) for s in (da, en)]
        assert sorted(fields[0]) == sorted(fields[1]), key


def test_no_message_id_is_given_twice() -> None:
    """A dict literal keeps the last of two equal keys in silence: each catalogue module is read as source."""
    import ast

    for path in sorted(Path(i18n.__file__).parent.glob("*.py")):
        keys = [
            node.value
            for d in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(d, ast.Dict)
            for node in d.keys
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value
        ]
        assert len(keys) == len(set(keys)), (path.name, sorted({k for k in keys if keys.count(k) > 1}))


def test_the_fragments_catch_english() -> None:
    fragments = english_fragments()
    assert "plan written to" in fragments and "visits on" in fragments
    figures = {"visits": 3, "vehicle_days": 2, "visited": 3, "candidates": 9, "travel": "4", "unvisited": 0}
    i18n.set_language("en")
    assert english_in(t("plan.summary", **figures))
    i18n.set_language("da")
    assert not english_in(t("plan.summary", **figures))


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(i18n.ENV, raising=False)
    assert i18n.language() == "da"
    monkeypatch.setenv(i18n.ENV, "en_GB.UTF-8")
    assert i18n.language() == "en"
    assert i18n.set_language("da") == "da" and i18n.language() == "da"  # the option wins over the environment
    with pytest.raises(ValueError, match="fr"):
        i18n.set_language("fr")


def test_numbers_follow_the_language() -> None:
    i18n.set_language("da")
    got = (num(1234.56), num(0.5, 2), short(2.5), short(8.0), pct(0.42))
    assert got == ("1.234,6", "0,50", "2,5", "8", "42 %")
    assert num(float("nan")) == "-" and pct(None) == "-"
    i18n.set_language("en")
    got = (num(1234.56), num(0.5, 2), short(2.5), short(8.0), pct(0.42))
    assert got == ("1,234.6", "0.50", "2.5", "8", "42%")


# -- a whole run ------------------------------------------------------------------------------


def test_a_default_plan_run_prints_no_english(quick_plan: Any) -> None:
    """``mobilstation plan`` (the quick scenario, a work limit, every step printed) in Danish only."""
    assert quick_plan.exit_code == 0, quick_plan.output
    text = quick_plan.output
    assert english_in(text) == []
    for danish in ("besøg på", "bil-dage", "plan skrevet til", "Søger ruter", "samler planen"):
        assert danish in text
    assert "advarsel:" in text
    assert re.search(r"\(\d+,\d s\)", text)  # step times with a decimal comma


def test_lang_en_gives_english(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["plan", str(QUICK), "--out", str(out), "--work-limit", "30", "--lang", "en"]
    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = result.output
    for english in ("visits on", "vehicle-days", "plan written to", "Searching routes", "plan record"):
        assert english in text
    assert "warning:" in text
    assert "is overdue" in text  # a reader's warning too
    assert re.search(r"\(\d+\.\d s\)", text)
    for danish in ("besøg på", "plan skrevet til", "Søger ruter", "advarsel:"):
        assert danish not in text
    assert (out / "plan.json").is_file()


def test_the_environment_variable_gives_english(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(QUICK)], env={"COLUMNS": "200", i18n.ENV: "en"})
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output and "Vehicles" in result.output
    danish = CliRunner().invoke(app, ["validate", str(QUICK)], env={"COLUMNS": "200", i18n.ENV: ""})
    assert "er gyldig" in danish.output and "Køretøjer" in danish.output
    assert english_in(danish.output) == []


def test_help_in_both_languages() -> None:
    runner = CliRunner()
    danish = runner.invoke(app, ["--help"], env={"COLUMNS": "200", i18n.ENV: ""})
    assert danish.exit_code == 0
    assert "Planlæg ugen" in danish.output and "Kommandoer" in danish.output and "--lang" in danish.output
    english = runner.invoke(app, ["--help", "--lang", "en"], env={"COLUMNS": "200"})
    assert "Plan the week" in english.output and "Commands" in english.output
    plan_help = runner.invoke(app, ["plan", "--help"], env={"COLUMNS": "200", i18n.ENV: "en"})
    assert "Solver time limit in seconds." in plan_help.output and "FIELD=VALUE" in plan_help.output
    for label in ("<path>", "<float range>", "<int range>", "<str>", "<bool>"):
        assert label in plan_help.output
    dansk = runner.invoke(app, ["plan", "--help"], env={"COLUMNS": "200", i18n.ENV: ""})
    for label in ("<sti>", "<tal i interval>", "<heltal i interval>", "<tekst>", "<ja/nej>", "FELT=VÆRDI"):
        assert label in dansk.output
    assert not re.search(r"<[^>]*\b(path|str|int|float|bool|range)\b", dansk.output)
    assert "da|en" in danish.output  # a metavar, not a type: the same in either language


def test_an_unknown_language_is_bad_input() -> None:
    result = CliRunner().invoke(app, ["validate", str(QUICK), "--lang", "fr"])
    assert result.exit_code == 2
    assert "ukendt sprog 'fr'" in result.output


def test_a_run_leaves_the_language_as_it_found_it() -> None:
    """An English run inside a process (a test, a notebook) does not turn what follows English."""
    i18n.set_language(None)
    result = CliRunner().invoke(app, ["validate", str(QUICK), "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "is valid" in result.output
    assert i18n.language() == "da"
    with i18n.using("en"):
        assert t("plan.written") == "plan written to"
    assert t("plan.written") == "plan skrevet til"


# -- the scenario's errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "danish", "english"),
    [
        ({"solver.time_limt_s": 5}, "ukendt felt (mente du 'time_limit_s'?)", "unknown field (did you mean"),
        ({"solver.time_limit_s": -1}, "skal være større end 0 (fik -1)", "greater than 0"),
        ({"days": ["mandag", "fredagg"]}, "ukendt ugedag 'fredagg' (mente du 'fredag'?)", "unknown weekday"),
        ({"week": "2026-49"}, "forventede en ISO-uge som '2026-W49'", "expected an ISO week"),
        ({"vehicles[0].shift": "17:00-08:00"}, "vagten skal slutte, efter den begynder", "shift must end"),
        ({"vehicles[0].home": "Hjøring"}, "ingen station eller by ved navn 'Hjøring'", "no station or"),
    ],
)
def test_scenario_errors_in_both_languages(overrides: dict[str, Any], danish: str, english: str) -> None:
    from mobilstation.errors import ScenarioError
    from mobilstation.scenario import load_scenario, resolve

    def message() -> str:
        with pytest.raises(ScenarioError) as err:
            resolve(load_scenario(QUICK, overrides=overrides))
        return str(err.value)

    i18n.set_language("da")
    text = message()
    assert danish in text and text.startswith("overrides: ") and english_in(text) == []
    i18n.set_language("en")
    assert english in message()


def test_the_command_lines_own_errors_in_both_languages() -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["plan"], env={"COLUMNS": "200"})
    assert missing.exit_code == 2 and "Argument mangler: 'scenario'." in missing.output
    typo = runner.invoke(app, ["plann"], env={"COLUMNS": "200"})
    assert typo.exit_code == 2 and "Ingen kommando ved navn 'plann'. Mente du 'plan'" in typo.output
    low = runner.invoke(app, ["plan", str(QUICK), "--out", "x", "--time-limit", "0"], env={"COLUMNS": "200"})
    assert low.exit_code == 2 and "Ugyldig værdi for '--time-limit': skal være mindst 0.1" in low.output
    english = runner.invoke(app, ["plann", "--lang", "en"], env={"COLUMNS": "200"})
    assert english.exit_code == 2 and "No such command 'plann'. Did you mean 'plan'" in english.output


# -- the input files' errors ----------------------------------------------------------------------


def _validate(scenario: Path, *extra: str) -> Any:
    result = CliRunner().invoke(app, ["validate", str(scenario), *extra], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    return result


def test_a_bad_officers_file_is_danish_by_default_and_english_on_request(tmp_path: Path) -> None:
    (tmp_path / "betjente.csv").write_text("id;name;station\nA;Anna;aalborg;x\n", encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"include: {QUICK}\nofficers_file: betjente.csv\n", encoding="utf-8")
    danish = _validate(scenario).output
    assert "betjente.csv: række 2: flere værdier end kolonner i overskriften" in danish
    assert english_in(danish) == []
    english = _validate(scenario, "--lang", "en").output
    assert "betjente.csv: row 2: more values than columns in the header" in english
    assert "række" not in english


def test_a_bad_requests_file_is_danish_by_default_and_english_on_request(tmp_path: Path) -> None:
    (tmp_path / "bestillinger.csv").write_text(
        "id,type,lat,lon\nr1,speed_trap,57.05,9.92\nr2,local_officer,9.92,57.05\n", encoding="utf-8"
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"include: {QUICK}\nrequests: bestillinger.csv\n", encoding="utf-8")
    danish = _validate(scenario).output
    assert "bestillinger.csv: 2 fejl (række 1 = første linje efter overskriften)" in danish
    assert "række 1: type: ukendt bestillingstype 'speed_trap'" in danish
    assert "række 2: lat/lon" in danish and "byttet om" in danish
    assert english_in(danish) == []
    english = _validate(scenario, "--lang", "en").output
    assert "bestillinger.csv: 2 problem(s) (row 1 = first line after the header)" in english
    assert "row 1: type: unknown request type 'speed_trap'" in english
    assert "row 2: lat/lon" in english and "swapped" in english
    assert "række" not in english


def test_a_bad_geodata_file_is_danish_by_default_and_english_on_request(tmp_path: Path) -> None:
    """A planner's stations file is read like the embedded geodata: file, line and field named."""
    (tmp_path / "stationer.csv").write_text(
        "id,name,address,komkode,lat,lon,kind,town,source\n"
        "ny-station,Ny station,,0851,nord,9.92,lokalpoliti,Aalborg,test\n"
        "Ny station 2,Ny station 2,,851x,57.05,9.92,lokalpoliti,Aalborg,test\n",
        encoding="utf-8",
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"include: {QUICK}\nstations_file: stationer.csv\n", encoding="utf-8")
    danish = _validate(scenario).output
    assert "stationer.csv: 2 fejl:" in danish
    assert "linje 2: feltet 'lat' = 'nord' er ikke et tal" in danish
    assert "linje 3: feltet 'komkode' = '851x' er ikke en kommunekode (4 cifre)" in danish
    assert english_in(danish) == []
    english = _validate(scenario, "--lang", "en").output
    assert "stationer.csv: 2 problems:" in english
    assert "line 2: field 'lat' = 'nord' is not a number" in english
    assert "line 3: field 'komkode' = '851x' is not a municipality code (4 digits)" in english
    assert "linje" not in english


def test_a_missing_geodata_file_is_danish_by_default_and_english_on_request(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", data, ignore=shutil.ignore_patterns("*.md", "links.csv"))
    env = {"COLUMNS": "200", "MOBILSTATION_GEODATA": str(data)}
    danish = CliRunner().invoke(app, ["validate", str(QUICK)], env=env)
    assert danish.exit_code == 2, danish.output
    assert "links.csv: filen findes ikke (forventede CSV med broer, tunneler og færger" in danish.output
    assert english_in(danish.output) == []
    english = CliRunner().invoke(app, ["validate", str(QUICK), "--lang", "en"], env=env)
    assert english.exit_code == 2 and "links.csv: file not found (expected CSV of bridges" in english.output
