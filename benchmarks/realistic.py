"""``load_learners.py --realistic``: 2,000 learners thinking 5-20 s between pages.

Set-up outside the timing: the learners and their enrolments go straight into the database
(one argon2 hash for all, each enrolment as if the learner had pressed "Enrol"). gunicorn
runs as deployed: ``-c deploy/gunicorn.conf.py`` (its workers, threads, keep-alive, worker
recycling and access log). The client is one Python process on the same machine
(learner_journey.py, aiohttp); before the run it drives pure hello (``pure_hello.py``, same
gunicorn settings) as fast as it can, next to wrk, to show it is not the limit.

Then the learners start evenly over ``--ramp`` seconds (each logs in first) and browse for
``--seconds`` more. Latencies are reported for the requests sent once every learner had
logged in (the steady window), per page kind, and logins on their own (argon2 is slow on
purpose, so a login costs what it costs). Then every acknowledged submission is looked up
in the database (records.verify).
"""

from __future__ import annotations

import os
import subprocess
import time
from argparse import Namespace
from collections import Counter, defaultdict
from pathlib import Path

from learner_journey import client_ceiling, drive, run

from tests.faults.harness import PASSWORD, Gunicorn, new_ledger, prepare, verify

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy" / "gunicorn.conf.py"
COURSE = "car-t-nursing"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def argon2_cost() -> tuple[float, float]:
    """(wall ms, CPU ms) of one password check with the app's hasher, in this process."""
    from lms.auth.passwords import hash_password, verify_password

    stored = hash_password(PASSWORD)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(5):
        verify_password(stored, PASSWORD)
    return (time.perf_counter() - wall) * 200, (time.process_time() - cpu) * 200


def deployed_settings() -> str:
    values: dict = {}
    exec(DEPLOY.read_text(), values)  # the file gunicorn reads: workers, threads, ...
    return (
        f"{values['workers']} {values['worker_class']} workers x {values['threads']} threads, "
        f"keep-alive {values['keepalive']} s, recycled after ~{values['max_requests']} requests"
    )


def offered(course: dict, learners: int, think: tuple[float, float]) -> tuple[float, float]:
    """(pages/s, requests/s) the learners ask for when every answer takes no time: one
    think per page asked for; a redirect followed adds a request but no think."""
    quizzes = sum(len(urls) for urls in course["module_quizzes"].values())
    pages = 2 + len(course["modules"]) + 3 * quizzes + 1  # catalogue, course, ..., /me/
    requests = pages + 2 * quizzes  # the quiz form after start, the result after submit
    per_page = learners / ((think[0] + think[1]) / 2)
    return per_page, per_page * requests / pages


def table(samples: list[tuple[str, float, float]]) -> None:
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, _at, seconds in samples:
        by_kind[kind].append(seconds)
    print(f"{'kind':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    everything = [s for _k, _a, s in samples]
    for kind, values in [("all", everything), *sorted(by_kind.items())]:
        p = [percentile(values, q) * 1000 for q in (50, 95, 99, 100)]
        print(f"{kind:<12} {len(values):>7} {p[0]:>8.0f} {p[1]:>8.0f} {p[2]:>8.0f} {p[3]:>8.0f}")


def run_realistic(args: Namespace, env: dict[str, str], tmp: Path, database: str) -> int:
    think = tuple(args.think)
    print(f"client and servers on one machine: {os.cpu_count()} CPUs, shared; {uptime()}")
    wall, cpu = argon2_cost()
    print(f"one password check (argon2id, the app's parameters): {wall:.0f} ms, {cpu:.0f} ms CPU")
    start = time.monotonic()
    returning = args.learners - args.logins if args.logins is not None else 0
    described = prepare(env, args.learners, enrol=COURSE, sessions=returning)
    course = described["courses"][COURSE]
    print(f"set-up: {args.learners} learners enrolled in {time.monotonic() - start:.1f} s")
    print(f"gunicorn as deploy/gunicorn.conf.py: {deployed_settings()}")

    hello = Gunicorn(
        env, tmp / "hello.log", workers=0, threads=0, app="benchmarks.pure_hello:app", config=DEPLOY
    )
    try:
        hello.wait_ready(120, path="/")
        wrk, ours = client_ceiling(hello.port)
    finally:
        hello.stop()
    print(
        f"pure hello, 32 connections, 5 s: wrk {wrk or 0:.0f} requests/s, this client "
        f"{ours:.0f} requests/s ({ours / wrk if wrk else 0:.2f} of wrk)"
    )

    server = Gunicorn(env, tmp / "gunicorn.log", workers=0, threads=0, config=DEPLOY)
    try:
        server.wait_ready(120)
        per_page, per_request = offered(course, args.learners, think)
        print(
            f"{args.learners} learners, ramp {args.ramp:.0f} s, then {args.seconds:.0f} s after "
            f"the last login; {args.learners - returning} log in with their password, "
            f"{returning} come back with a session; "
            f"think {think[0]:g}-{think[1]:g} s, seed {args.seed}, {database}"
        )
        print(f"offered: {per_page:.0f} pages/s = {per_request:.0f} requests/s")
        ledger = new_ledger()
        before = uptime()
        tally, last_login, stopped = run(
            drive(
                server.port,
                described["learners"],
                course,
                COURSE,
                ramp=args.ramp,
                seconds=args.seconds,
                think=think,
                seed=args.seed,
                ledger=ledger,
                sessions=described["sessions"],
            )
        )
        after = uptime()
    finally:
        server.stop()
    window_start = max(args.ramp, last_login)
    window_end = window_start + args.seconds
    logins = [s for s in tally.samples if s[0] in ("login page", "login", "landing")]
    steady = [s for s in tally.samples if window_start <= s[1] < window_end and s not in logins]
    length = max(window_end - window_start, 1e-9)
    print(f"\nmachine load: before {before}; after {after}")
    print(f"every learner logged in {last_login:.1f} s after the start (ramp {args.ramp:.0f} s)")
    print("logins (the whole run):")
    table(logins)
    print(
        f"\nsteady window {window_start:.0f}-{window_end:.0f} s: offered {per_request:.0f} "
        f"requests/s, achieved {len(steady) / length:.1f} requests/s"
    )
    table(steady)
    errors: Counter = tally.errors
    print("errors: " + (", ".join(f"{k}: {v}" for k, v in errors.most_common()) or "none"))
    checked = verify(env, ledger)
    stored = checked["facts"]
    print(
        f"nothing lost: {len(ledger['acknowledged'])} submissions acknowledged, "
        f"{stored['submitted']} stored; {stored['completions']} completions, "
        f"{stored['certificates']} certificates"
        + (f"; integrity_check {stored['integrity_check']}" if "integrity_check" in stored else "")
    )
    problems = ledger["problems"] + checked["problems"] + checked["gaps"]
    for problem, count in Counter(problems).most_common(20):
        print(f"PROBLEM: {problem} (x{count})")
    print(f"run ended {stopped - window_end:.1f} s after the window (requests in flight)")
    return 1 if errors or problems else 0
