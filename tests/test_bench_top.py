"""benchmarks/top.py counts only routes that pass its re-check: a lying solver scores 0 and is named."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_top_fake", ROOT / "benchmarks" / "top.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_top_fake"] = module
    spec.loader.exec_module(module)
    return module


def test_a_route_failing_its_recheck_scores_zero_and_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = _bench()
    # start (0,0), customers on a line at x = 1..4 (scores 5 each), end (0,0); tmax 10
    rows = [(0, 0, 0), (1, 0, 5), (2, 0, 5), (3, 0, 5), (9.65, 0, 5), (0, 0, 0)]
    inst_path = tmp_path / "p9.1.a.txt"
    inst_path.write_text("n 6\nm 1\ntmax 10.0\n" + "".join(f"{x}\t{y}\t{s}\n" for x, y, s in rows))
    bks = tmp_path / "bks.csv"
    bks.write_text("set,instance,routes,best_known_score\ntop,p9.1.a,1,15\n")

    # the liar visits everything: 19.3 long against tmax 10, claims 20 (a -33 % gap if it counted)
    monkeypatch.setitem(bench.RUNNERS, "liar", lambda inst, m, s, seed: [[1, 2, 3, 4]])
    monkeypatch.setitem(bench.RUNNERS, "honest", lambda inst, m, s, seed: [[1, 2, 3]])
    out = tmp_path / "top.json"
    code = bench.main(
        [
            str(inst_path),
            "--bks",
            str(bks),
            "--time-limit",
            "1",
            "--json",
            str(out),
            "--solvers",
            "liar,honest",
        ]
    )
    assert code == 1  # a violation makes the run fail
    data = json.loads(out.read_text())
    recs = {r["solver"]: r for r in data["records"]}
    assert recs["liar"]["recheck_ok"] is False and recs["liar"]["violations"]
    assert recs["liar"]["claimed_score"] == 20 and recs["liar"]["score"] == 0
    assert recs["liar"]["gap_pct"] == pytest.approx(100.0)
    assert recs["honest"]["recheck_ok"] and recs["honest"]["score"] == 15 and recs["honest"]["gap_pct"] == 0
    summary = {(r["set"], r["solver"]): r for r in data["summary"]}
    assert summary[("top", "liar")]["mean_gap_pct"] == pytest.approx(100.0)
    assert summary[("top", "liar")]["at_least_bks"] == 0
    assert summary[("top", "liar")]["rejected"] == ["p9.1.a m=1"]
    assert summary[("top", "honest")]["rejected"] == []
    printed = capsys.readouterr().out
    assert "failed the re-check, scored 0" in printed and "p9.1.a m=1 liar: claimed 20" in printed
