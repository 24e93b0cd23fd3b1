"""Translating a :class:`Problem` into PyVRP and running its iterated local search.

The translation (PyVRP 0.14):

* Route start/end locations become depots; routes with identical specs and
  identical sets of servable jobs form one vehicle class (one PyVRP vehicle
  type with several vehicles: fewer symmetric choices for the search).
* Each job becomes one optional client per usable time window; a job's
  copies, and where possible the jobs of a ``max_count == 1`` group or of a
  conflict pair, share a mutually exclusive client group (required if the
  job is). Side constraints PyVRP cannot state (larger groups, marginal
  values, covers, the remaining conflicts) are left to the set packing in
  :mod:`pool` and to prize adjustment in :mod:`solver`.
* PyVRP 0.14 cannot restrict clients to vehicle types. When classes differ in
  what they may serve, either each class gets a routing profile in which the
  jobs it may not serve are out of reach (travel far beyond any shift;
  PyVRP locations are then ``(location, classes allowed)`` pairs so this is
  exact when jobs at one place differ), or classes with the same servable
  jobs share a time *frame*: frames are laid one horizon apart on PyVRP's
  time axis and a job gets one client per frame it may be served in, so a
  vehicle can only reach the copies in its own frame. Frames are used when
  most jobs fit one frame (one job per site and day, say: no copies, small
  matrices, neighbour lists that stay within a day), profiles otherwise
  while their matrices stay small.
* PyVRP minimises cost minus collected prize. Prizes are multiplied by a
  factor that makes an average job worth many full routes of distance, so
  distance only breaks ties, while still guiding the search.
* Times are shifted so that none is negative (PyVRP requires it) and scaled
  so a typical route horizon spans about ``TIME_UNITS`` (PyVRP's penalty
  range suits such magnitudes); distances are rescaled to the same range.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from pyvrp import (
    Client,
    ClientGroup,
    Depot,
    IteratedLocalSearchCallbacks,
    IteratedLocalSearchParams,
    Location,
    PenaltyParams,
    ProblemData,
    Route,
    SolveParams,
    VehicleType,
)
from pyvrp import Solution as PyVRPSolution
from pyvrp import solve as pyvrp_solve
from pyvrp.search import NeighbourhoodParams, PerturbationParams
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from .problem import Problem
from .schedule import allowed_on

#: Largest total size of profile matrices before frames are used instead (bytes).
PROFILE_BYTES = 64 * 2**20

#: About how many PyVRP time units a typical route horizon spans after scaling.
TIME_UNITS = 200_000

#: How many times a full route's length one unit of average prize is worth.
PRIZE_WEIGHT = 150.0


@dataclass(frozen=True)
class VehicleClass:
    """Routes that are interchangeable: same spec and same servable jobs."""

    routes: tuple[int, ...]
    jobs: frozenset[int]


@dataclass
class Translation:
    """A PyVRP instance and the maps back to the core problem."""

    data: ProblemData
    classes: list[VehicleClass]
    route_class: list[int]
    client_job: list[int]
    client_window: list[tuple[int, int]]
    client_frame: list[int | None]
    class_frame: list[int | None]
    job_clients: dict[int, list[int]]
    prize_factor: int
    offset: int
    mode: str  # how route restrictions are expressed: "none", "profiles" or "frames"
    native_groups: list[tuple[int, ...]] = field(default_factory=list)  # job sets made exclusive natively

    def with_prizes(self, prizes: Mapping[int, int]) -> Translation:
        """The same instance with new per-job prizes (core units)."""
        clients = []
        for c, old in enumerate(self.data.clients()):
            job = self.client_job[c]
            clients.append(
                Client(
                    location=old.location,
                    service_duration=old.service_duration,
                    tw_early=old.tw_early,
                    tw_late=old.tw_late,
                    prize=int(prizes.get(job, 0)) * self.prize_factor,
                    required=old.required,
                    group=old.group,
                )
            )
        return replace(self, data=self.data.replace(clients=clients))


def vehicle_classes(problem: Problem, active: Iterable[int]) -> tuple[list[VehicleClass], list[int]]:
    """Group routes into interchangeable classes; returns classes and each route's class."""
    active = sorted(active)
    keys: dict[tuple, int] = {}
    classes: list[list[int]] = []
    jobsets: list[frozenset[int]] = []
    route_class = []
    for r, spec in enumerate(problem.routes):
        jobs = frozenset(j for j in active if allowed_on(problem, j, r))
        key = (spec.start, spec.end, spec.earliest, spec.latest, spec.max_duration, jobs)
        if key not in keys:
            keys[key] = len(classes)
            classes.append([])
            jobsets.append(jobs)
        classes[keys[key]].append(r)
        route_class.append(keys[key])
    return [VehicleClass(tuple(rs), js) for rs, js in zip(classes, jobsets, strict=True)], route_class


def exclusive_sets(problem: Problem, active: set[int]) -> list[tuple[int, ...]]:
    """Job sets to make mutually exclusive in PyVRP (each job in at most one).

    Groups with ``max_count == 1`` first (largest first), then conflict pairs,
    taking a set only when none of its jobs is already taken.
    """
    taken: set[int] = set()
    out: list[tuple[int, ...]] = []
    candidates = [tuple(j for j in g.jobs if j in active) for g in problem.groups if g.max_count == 1]
    candidates.sort(key=lambda s: (-len(s), s))
    candidates += [tuple(sorted(p)) for p in problem.conflicts if p[0] in active and p[1] in active]
    for jobs in candidates:
        if len(jobs) < 2 or taken & set(jobs):
            continue
        out.append(jobs)
        taken |= set(jobs)
    return out


def _class_horizons(problem: Problem, classes: list[VehicleClass], offset: int) -> list[tuple[int, int]]:
    """Per class ``(earliest, latest)`` after shifting, with ``latest`` capped to
    when the route could be back at the latest if it served every job it may
    (so an unlimited shift becomes a finite one that admits the same routes)."""
    dur = np.asarray(problem.duration)
    out = []
    for cls in classes:
        spec = problem.routes[cls.routes[0]]
        jobs = sorted(cls.jobs)
        early = spec.earliest + offset
        late = spec.latest + offset
        if jobs:
            locs = np.asarray([problem.jobs[j].location for j in jobs])
            sources = np.concatenate([locs, [spec.start]])
            max_in = dur[np.ix_(sources, locs)].max(axis=0)
            bound = max(early, max(lo + offset for j in jobs for lo, _ in problem.jobs[j].windows))
            bound += int(max_in.sum()) + sum(problem.jobs[j].service for j in jobs)
            bound += int(dur[locs, spec.end].max())
        else:
            bound = early + int(dur[spec.start, spec.end])
        late = min(late, bound)
        out.append((early, max(early, late)))
    return out


def translate(
    problem: Problem,
    active: Iterable[int],
    prizes: Mapping[int, int],
    *,
    prize_weight: float = PRIZE_WEIGHT,
    duration_cost: int = 0,
    restrict: str = "auto",
) -> Translation:
    """Build the PyVRP instance over the ``active`` jobs with the given prizes.

    ``restrict`` chooses how routes are kept from jobs they may not serve when
    vehicle classes differ in what they may serve: ``"profiles"`` (a travel
    profile per class in which those jobs are out of reach), ``"frames"``
    (each group of classes with the same servable jobs lives in its own time
    frame, far from the others; a job gets one client per frame it may be
    served in, mutually exclusive) or ``"auto"`` (frames unless they would
    copy many jobs and the profile matrices stay small).
    """
    if restrict not in ("auto", "profiles", "frames"):
        raise ValueError(f"restrict must be 'auto', 'profiles' or 'frames', got {restrict!r}")
    active_set = set(active)
    active_list = sorted(active_set)
    classes, route_class = vehicle_classes(problem, active_list)

    # Shift times so that none is negative, and cap them at the last moment a
    # route could still be useful.
    lows = [spec.earliest for spec in problem.routes]
    lows += [lo for j in active_list for lo, _ in problem.jobs[j].windows]
    offset = max(0, -min(lows, default=0))
    horizons = _class_horizons(problem, classes, offset)
    t_cap = max((late for _, late in horizons), default=0)

    # Frames: classes that may serve the same jobs.
    frame_keys: dict[frozenset[int], int] = {}
    class_frame = []
    for cls in classes:
        class_frame.append(frame_keys.setdefault(cls.jobs, len(frame_keys)))
    frames = list(frame_keys)
    job_sig = {j: frozenset(k for k, c in enumerate(classes) if j in c.jobs) for j in active_list}
    depot_locs = sorted({s.start for s in problem.routes} | {s.end for s in problem.routes})
    depot_index = {loc: k for k, loc in enumerate(depot_locs)}
    mode = restrict
    if len(frames) <= 1:
        mode = "none"
    elif mode == "auto":
        # Frames when few jobs need copies (they also keep PyVRP's neighbour
        # lists within a frame); profiles when copies would be many and the
        # matrices stay small.
        copies = sum(sum(1 for jobs in frames if j in jobs) for j in active_list)
        rows_needed = len(depot_locs) + len({(problem.jobs[j].location, job_sig[j]) for j in active_list})
        small = len(frames) * rows_needed**2 * 16 <= PROFILE_BYTES
        mode = "frames" if copies <= 1.5 * len(active_list) or not small else "profiles"

    # PyVRP locations: depots, then job locations (per set of classes allowed
    # when profiles must tell jobs at one place apart).
    loc_keys: dict[tuple[int, frozenset[int] | None], int] = {}
    for j in active_list:
        key = (problem.jobs[j].location, job_sig[j] if mode == "profiles" else None)
        if key not in loc_keys:
            loc_keys[key] = len(depot_locs) + len(loc_keys)
    rows = depot_locs + [loc for loc, _ in loc_keys]
    sigs = [None] * len(depot_locs) + [sig for _, sig in loc_keys]
    idx = np.asarray(rows, dtype=np.int64)
    base_dur = np.asarray(problem.duration, dtype=np.int64)[np.ix_(idx, idx)]
    base_dist = np.asarray(problem.distance, dtype=np.int64)[np.ix_(idx, idx)]

    # Normalise units: times are multiplied by `tscale` so a typical route
    # horizon spans about TIME_UNITS (PyVRP's penalty range is tuned to such
    # magnitudes); distances are converted to the same time-like scale, since
    # they only break ties between equal prizes. Frames sit one period apart.
    period = t_cap + 1
    n_frames = len(frames) if mode == "frames" else 1
    spans = sorted(late - early for early, late in horizons if late > early)
    typical = spans[len(spans) // 2] if spans else 1
    tscale = max(1, min(TIME_UNITS // max(1, typical), (2**40) // max(1, n_frames * period)))
    off_diag = ~np.eye(len(rows), dtype=bool)
    mean_dur = float(base_dur[off_diag].mean()) if off_diag.any() else 0.0
    mean_dist = float(base_dist[off_diag].mean()) if off_diag.any() else 0.0
    dscale = tscale * mean_dur / mean_dist if mean_dist > 0 and mean_dur > 0 else float(tscale)
    time_mat = base_dur * tscale
    dist_mat = np.rint(base_dist * dscale).astype(np.int64)

    # Profiles: one per distinct set of unreachable locations.
    profile_keys: dict[frozenset[int], int] = {frozenset(): 0}
    class_profile = [0] * len(classes)
    if mode == "profiles":
        profile_keys = {}
        for k in range(len(classes)):
            banned = frozenset(i for i, sig in enumerate(sigs) if sig is not None and k not in sig)
            class_profile[k] = profile_keys.setdefault(banned, len(profile_keys))
    forbidden = 2 * tscale * period + 1
    durations, distances = [], []
    for banned in profile_keys:
        dur, dist = time_mat.copy(), dist_mat.copy()
        if banned:
            b = np.fromiter(sorted(banned), dtype=np.int64)
            for m in (dur, dist):
                m[b, :] = forbidden
                m[:, b] = forbidden
                m[np.ix_(b, b)] = 0
        durations.append(dur)
        distances.append(dist)

    # Prize factor: a job of average prize is worth `prize_weight` route horizons.
    positive = [prizes.get(j, 0) for j in active_list if prizes.get(j, 0) > 0]
    mean_prize = float(np.mean(positive)) if positive else 1.0
    factor = max(1, int(prize_weight * typical * tscale / mean_prize))
    top_prize = max(positive, default=1)
    factor = min(factor, max(1, 2**50 // max(1, top_prize * max(1, len(active_list)))))

    # Client copies: per job, one per usable window and (in frames mode) per
    # frame it may be served in.
    copies: dict[int, list[tuple[tuple[int, int], int | None]]] = {}
    for j in active_list:
        job_frames = [f for f, jobs in enumerate(frames) if j in jobs] if mode == "frames" else [None]
        usable = [(lo, hi) for lo, hi in sorted(problem.jobs[j].windows) if lo + offset <= t_cap]
        copies[j] = [(w, f) for f in job_frames for w in usable]
    # Native exclusive groups; a job with several copies is its own group
    # unless an exclusive set already holds it.
    groups_jobs = exclusive_sets(problem, active_set)
    in_group = {j: g for g, jobs in enumerate(groups_jobs) for j in jobs}
    for j in active_list:
        if j not in in_group and len(copies[j]) > 1:
            in_group[j] = len(groups_jobs)
            groups_jobs.append((j,))

    def place(t: int, frame: int | None) -> int:
        return (min(max(t + offset, 0), t_cap) + (frame or 0) * period) * tscale

    clients: list[Client] = []
    client_job: list[int] = []
    client_window: list[tuple[int, int]] = []
    client_frame: list[int | None] = []
    job_clients: dict[int, list[int]] = {}
    group_clients: list[list[int]] = [[] for _ in groups_jobs]
    for j in active_list:
        job = problem.jobs[j]
        g = in_group.get(j)
        loc = loc_keys[(job.location, job_sig[j] if mode == "profiles" else None)]
        for (lo, hi), f in copies[j]:
            c = len(clients)
            clients.append(
                Client(
                    location=loc,
                    service_duration=job.service * tscale,
                    tw_early=place(lo, f),
                    tw_late=place(hi, f),
                    prize=int(prizes.get(j, 0)) * factor,
                    required=job.required and g is None,
                    group=g,
                )
            )
            client_job.append(j)
            client_window.append((lo, hi))
            client_frame.append(f)
            job_clients.setdefault(j, []).append(c)
            if g is not None:
                group_clients[g].append(c)
    groups = []
    for g, jobs in enumerate(groups_jobs):
        required = len(jobs) == 1 and problem.jobs[jobs[0]].required
        groups.append(ClientGroup(group_clients[g], required=required))

    depots = [Depot(location=depot_index[loc]) for loc in depot_locs]
    vtypes = []
    for k, cls in enumerate(classes):
        spec = problem.routes[cls.routes[0]]
        early, late = horizons[k]
        shift = class_frame[k] * period if mode == "frames" else 0
        vtypes.append(
            VehicleType(
                num_available=len(cls.routes),
                start_depot=depot_index[spec.start],
                end_depot=depot_index[spec.end],
                tw_early=(early + shift) * tscale,
                tw_late=(late + shift) * tscale,
                shift_duration=min(spec.max_duration, late - early) * tscale,
                unit_distance_cost=1,
                unit_duration_cost=duration_cost,
                profile=class_profile[k],
            )
        )
    locations = [Location(0.0, 0.0) for _ in rows]
    data = ProblemData(locations, clients, depots, vtypes, distances, durations, groups)
    return Translation(
        data=data,
        classes=classes,
        route_class=route_class,
        client_job=client_job,
        client_window=client_window,
        client_frame=client_frame,
        class_frame=[f if mode == "frames" else None for f in class_frame],
        job_clients=job_clients,
        prize_factor=factor,
        offset=offset,
        mode=mode,
        native_groups=[jobs for jobs in groups_jobs if len(jobs) > 1],
    )


class _Collector(IteratedLocalSearchCallbacks):
    """Keeps every distinct feasible route seen: of each new best, and of every
    ``every``-th candidate. Routes are keyed by PyVRP's own text form (much
    cheaper than walking their activities) and decoded once at the end."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.count = 0
        self.last_best = 0  # the iteration of the last new best
        self.raw: set[tuple[int, str]] = set()
        self._solutions: set[int] = set()

    def take(self, solution: PyVRPSolution) -> None:
        key = hash(solution)
        if key in self._solutions:
            return
        self._solutions.add(key)
        for route in solution.routes():
            if route.is_feasible():
                self.raw.add((route.vehicle_type(), str(route)))

    def on_iteration(self, current, candidate, best, cost_evaluator) -> None:  # noqa: ANN001
        self.count += 1
        if self.every and self.count % self.every == 0:
            self.take(candidate)

    def on_best(self, best: PyVRPSolution) -> None:
        self.last_best = self.count + 1  # on_iteration of this iteration comes next
        self.take(best)

    def routes(self) -> set[tuple[int, tuple[int, ...]]]:
        """``(vehicle type, client indices)`` of the routes kept."""
        return {(k, tuple(int(t[1:]) for t in text.split() if t[0] == "C")) for k, text in self.raw}


@dataclass
class RunResult:
    """One PyVRP run: best routes as ``(class, jobs)`` and the routes seen."""

    best: list[tuple[int, tuple[int, ...]]]
    seen: set[tuple[int, tuple[int, ...]]]
    iterations: int
    feasible: bool
    last_best: int = 0  # the iteration that found the run's best (0: the start)

    @property
    def stalled(self) -> bool:
        """Whether the run found nothing better in the second half of its iterations."""
        return 2 * self.last_best < self.iterations


def to_pyvrp(
    tr: Translation, routes: Sequence[tuple[int, Sequence[int], Sequence[tuple[int, int]]]]
) -> PyVRPSolution:
    """A PyVRP solution from ``(class, jobs, windows used)`` routes."""
    out = []
    for k, jobs, windows in routes:
        if not jobs:
            continue
        frame = tr.class_frame[k]
        visits = []
        for j, w in zip(jobs, windows, strict=True):
            cands = [c for c in tr.job_clients[j] if tr.client_frame[c] == frame]
            if not cands:
                raise ValueError(f"job {j} has no client for vehicle class {k}")
            visits.append(next((c for c in cands if tr.client_window[c] == w), cands[0]))
        out.append(Route(tr.data, visits, k))
    return PyVRPSolution(tr.data, out)


def run(
    tr: Translation,
    *,
    seed: int,
    seconds: float | None = None,
    iterations: int | None = None,
    initial: PyVRPSolution | None = None,
    collect_every: int = 0,
    num_neighbours: int = 50,
    history_length: int = 300,
    max_perturbations: int = 25,
) -> RunResult:
    """One run of PyVRP's iterated local search, stopped by time and/or iterations."""
    stops = []
    if seconds is not None:
        stops.append(MaxRuntime(max(0.0, seconds)))
    if iterations is not None:
        stops.append(MaxIterations(max(0, iterations)))
    stop = stops[0] if len(stops) == 1 else MultipleCriteria(stops)
    collector = _Collector(collect_every)
    params = SolveParams(
        ils=IteratedLocalSearchParams(callbacks=collector, history_length=history_length),
        penalty=PenaltyParams(),
        neighbourhood=NeighbourhoodParams(num_neighbours=num_neighbours),
        perturbation=PerturbationParams(min_perturbations=1, max_perturbations=max_perturbations),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = pyvrp_solve(
            tr.data,
            stop,
            seed=seed,
            collect_stats=False,
            display=False,
            params=params,
            initial_solution=initial,
        )
    best = res.best
    if best.is_feasible():
        collector.take(best)
    best_routes = [
        (route.vehicle_type(), tuple(a.idx for a in route if a.is_client())) for route in best.routes()
    ]
    jobs = [(k, tuple(tr.client_job[c] for c in cs)) for k, cs in best_routes]
    seen = {(k, tuple(tr.client_job[c] for c in cs)) for k, cs in collector.routes()}
    return RunResult(
        best=jobs,
        seen=seen,
        iterations=res.num_iterations,
        feasible=best.is_feasible(),
        last_best=collector.last_best,
    )
