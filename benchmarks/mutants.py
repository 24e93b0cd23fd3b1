"""Mutation testing of the planner: is each hand-written mutant killed by the suite?

Usage::

    python benchmarks/mutants.py [--only NAME[,NAME]] [--tests FILE ...] [--json OUT.json]

The mutants live in ``tests/mutants.py`` (a pytest plugin switched on by
``MOBILSTATION_MUTANT``): each breaks one rule of the planner (weekly maximum,
ferry wait, spacing, windows, shift, working time, crew size, double
booking, 11 h rest, weekly hours, quotas, skills, mandatory requests). For
each, the end-to-end tests (default: ``tests/test_pipeline.py`` and
``tests/test_tight_week.py``, which hold every plan they make to the plan
checker) run in a fresh process with the mutant in place; the mutant is
killed when at least one test fails. The suite is first run without a
mutant, which must pass. Prints mutant -> killed and the failing tests; exits
1 when a mutant survives. Each run takes about a minute on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TESTS = ["tests/test_pipeline.py", "tests/test_tight_week.py"]


RULE_WORDS = re.compile(r"(scenario: |route |site |officer |quota |kpis: |vehicle |leg \d)")


def run_suite(tests: list[str], mutant: str | None) -> tuple[int, list[str], float, list[str]]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    env.pop("MOBILSTATION_MUTANT", None)
    if mutant:
        env["MOBILSTATION_MUTANT"] = mutant
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *tests,
        "-p",
        "mutants",
        "-q",
        "-n",
        "0",
        "-rfE",
        "-p",
        "no:cacheprovider",
    ]
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", done.stdout, flags=re.MULTILINE)
    # the first few violations the checker reported, to say which rule caught the mutant
    why: list[str] = []
    for line in done.stdout.splitlines():
        text = line[1:].strip() if line.startswith("E ") else ""
        text = text.split("first extra item: ", 1)[-1].strip("'\",")
        if RULE_WORDS.match(text) and text not in why:
            why.append(text[:160])
        if len(why) == 3:
            break
    return done.returncode, failed, time.perf_counter() - t, why


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT / "tests"))
    from mutants import MUTANTS

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=None, help="comma-separated mutant names")
    ap.add_argument("--tests", nargs="+", default=DEFAULT_TESTS)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--no-baseline", action="store_true", help="skip the run without a mutant")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(MUTANTS)
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        ap.error(f"unknown mutant(s) {unknown} (known: {', '.join(MUTANTS)})")
    if not args.no_baseline:
        code, failed, secs, _ = run_suite(args.tests, None)
        print(f"{'(no mutant)':<22} {'passes' if code == 0 else 'FAILS'} {secs:6.1f}s {' '.join(failed[:3])}")
        if code != 0:
            print("the suite fails without a mutant; fix that first", file=sys.stderr)
            return 2
    rows = []
    for name in names:
        code, failed, secs, why = run_suite(args.tests, name)
        killed = code != 0
        rows.append(
            {"mutant": name, "killed": killed, "failing": failed, "seconds": round(secs, 1), "why": why}
        )
        shown = ", ".join(failed[:4]) + (f" (+{len(failed) - 4} more)" if len(failed) > 4 else "")
        print(f"{name:<22} {'killed' if killed else 'SURVIVED'} {secs:6.1f}s {shown}", flush=True)
        for line in why:
            print(f"{'':<24}{line}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0 if all(r["killed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
