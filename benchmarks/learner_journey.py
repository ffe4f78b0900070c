"""The realistic mode of load_learners.py: thousands of learners as asyncio tasks in one
client process (aiohttp), each logging in and then moving through the pages a learner
opens, thinking between them; and the check that this client is not the bottleneck.

A learner's round: catalogue, course page, each module page (the reading module marked
done once), each module's quiz (its page, start, the form, the answers, the result), then
My courses; and round again. A think time (uniform, seeded per learner) comes before every
page the person asks for; a redirect (after login, start, submit, "mark as done") is
followed at once, as a browser does. No retries: every failed request counts.
"""

from __future__ import annotations

import asyncio
import random
import re
import shutil
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from tests.faults.harness import CHOICE_RE, HIDDEN_RE, HOST, PASSWORD, TOKEN_RE

LOCATION_PATH = re.compile(r"^https?://[^/]+")


@dataclass
class Tally:
    """What the client saw: (kind, start offset s, latency s) per answered request."""

    started: float = field(default_factory=time.monotonic)
    samples: list[tuple[str, float, float]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    failed_at: list[float] = field(default_factory=list)


class Stop(Exception):
    """The run is over; a learner stops before its next page."""


class Learner:
    """One person: own cookies, the shared connection pool, a seeded think time."""

    def __init__(self, http, email, rng, think, tally, ledger, course, slug, stop):
        self.http, self.email, self.rng, self.think = http, email, rng, think
        self.tally, self.ledger, self.course, self.slug = tally, ledger, course, slug
        self.stop = stop

    async def pause(self) -> None:
        """Think before the next page; Stop when the run ends meanwhile (nothing in flight)."""
        low, high = self.think
        try:
            await asyncio.wait_for(self.stop.wait(), self.rng.uniform(low, high))
        except TimeoutError:
            return
        raise Stop

    async def get(self, url: str, kind: str, *, think: bool = True):
        if think:
            await self.pause()
        return await self.send("GET", url, kind)

    async def send(self, method: str, url: str, kind: str, form=None):
        """(status, location, text); a failure is counted and ends the learner's round."""
        start = time.monotonic()
        try:
            async with self.http.request(
                method, url, data=form, allow_redirects=False, headers={"Accept-Language": "en"}
            ) as response:
                text = await response.text()
                status, location = response.status, response.headers.get("Location", "")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.tally.errors[f"{kind}: {type(exc).__name__}"] += 1
            self.tally.failed_at.append(start - self.tally.started)
            raise Failed from exc
        self.tally.samples.append((kind, start - self.tally.started, time.monotonic() - start))
        if status >= 500:
            locked = " database is locked" if "database is locked" in text else ""
            self.tally.errors[f"{kind}: HTTP {status}{locked}"] += 1
            self.tally.failed_at.append(start - self.tally.started)
            raise Failed
        return status, LOCATION_PATH.sub("", location), text

    async def post(self, url: str, kind: str, form: dict, *, think: bool = True):
        if think:
            await self.pause()
        return await self.send("POST", url, kind, form)

    async def log_in(self) -> None:
        page = (await self.send("GET", "/auth/login", "login page"))[2]
        form = {"csrf_token": TOKEN_RE.search(page).group(1), "email": self.email}
        status, where, _text = await self.post(
            "/auth/login", "login", {**form, "password": PASSWORD}, think=False
        )
        if status != 302:
            raise Problem(f"login: HTTP {status}")
        await self.send("GET", where or "/", "landing")

    async def journey(self) -> None:
        """Rounds through the course until the run stops."""
        reading_done = False
        slug = self.slug
        while True:
            await self.get("/courses/", "catalogue")
            await self.get(f"/courses/{slug}/", "course")
            for module in self.course["modules"]:
                status, _w, page = await self.get(f"/courses/{slug}/{module}/", "module")
                if status != 200:
                    raise Problem(f"module page: HTTP {status}")
                if module in self.course["reading"] and not reading_done:
                    await self.complete(module, page)
                    reading_done = True
                for url in self.course["module_quizzes"].get(module, []):
                    await self.take_quiz(url)
            await self.get("/me/", "me")

    async def complete(self, module: str, page: str) -> None:
        token = TOKEN_RE.search(page)
        if token is None or f"/{module}/complete" not in page:
            return  # done already
        url = f"/courses/{self.slug}/{module}/"
        status, where, _t = await self.post(
            url + "complete", "complete", {"csrf_token": token.group(1)}
        )
        if status != 302:
            raise Problem(f"complete {module}: HTTP {status}")
        self.ledger["completed"].append([self.email, self.slug, module])
        await self.send("GET", where or url, "module")

    async def take_quiz(self, url: str) -> None:
        status, _w, page = await self.get(url, "quiz page")
        if status != 200 or TOKEN_RE.search(page) is None:
            raise Problem(f"quiz page: HTTP {status}")
        if "attempt_id" not in page:
            form = {"csrf_token": TOKEN_RE.search(page).group(1)}
            status, where, _t = await self.post(url + "start", "quiz start", form)
            if status != 303:
                raise Problem(f"quiz start: HTTP {status}")
            status, _w, page = await self.send("GET", where or url, "quiz form")
        if status != 200 or "attempt_id" not in page:
            raise Problem(f"quiz form: HTTP {status}")
        fields = dict(HIDDEN_RE.findall(page))
        key = self.course["quizzes"][url]
        right = self.rng.random() < 0.6
        answers = {}
        for name in sorted({name for name, _v in CHOICE_RE.findall(page)}):
            picks = key[name] if right else [next(i for i in range(3) if i not in key[name])]
            answers[name] = [str(i) for i in picks]
        form = [("csrf_token", TOKEN_RE.search(page).group(1)), *fields.items()]
        form += [(name, value) for name, values in answers.items() for value in values]
        status, where, _t = await self.post(url, "quiz submit", form)  # thinking: answering
        if status != 303 or "/attempts/" not in where:
            raise Problem(f"quiz submit: HTTP {status}")
        self.ledger["acknowledged"].append(
            {"attempt_id": int(fields["attempt_id"]), "answers": answers}
        )
        status, _w, _page = await self.send("GET", where, "result")
        if status != 200:
            raise Problem(f"result: HTTP {status}")


class Failed(Exception):
    """A request failed (counted in the tally's errors)."""


class Problem(Exception):
    """An answer the learner did not expect (not a server error)."""


async def drive(
    port: int,
    emails: list[str],
    course: dict,
    slug: str,
    *,
    ramp: float,
    seconds: float,
    think: tuple[float, float],
    seed: int,
    ledger: dict,
    sessions: dict[str, str],
) -> tuple[Tally, float, float]:
    """Start the learners evenly over ``ramp`` seconds (those in ``sessions``, e-mail ->
    session cookie, come back signed in; the others log in); stop them all ``seconds`` after the
    last of them has logged in (a learner finishes the request it is sending first).
    Returns the tally and the offsets (s) at which the last login ended and the run
    stopped."""
    tally = Tally()
    stop = asyncio.Event()
    # A connection idle for 2 s is closed by the client, well before the server's 5 s and
    # any think time (5 s or more): a page after thinking never meets a connection the
    # server is closing (a browser would resend then; this client counts an error).
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=2)
    timeout = aiohttp.ClientTimeout(total=120)
    logged_in: list[float] = []
    never_in: list[str] = []  # learners whose login failed

    async def one(n: int, email: str) -> None:
        await asyncio.sleep(ramp * n / len(emails))
        rng = random.Random(seed * 1_000_003 + n)
        async with aiohttp.ClientSession(
            f"http://{HOST}:{port}",
            connector=connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies from 127.0.0.1
            timeout=timeout,
        ) as http:
            learner = Learner(http, email, rng, think, tally, ledger, course, slug, stop)
            inside = False
            try:
                if email in sessions:  # back with the session of an earlier login
                    http.cookie_jar.update_cookies({"lms_session": sessions[email]})
                else:
                    await learner.log_in()
                inside = True
                logged_in.append(time.monotonic() - tally.started)
                await learner.journey()
            except Stop:
                pass
            except Failed:
                ledger["problems"].append("a request failed (see errors)")
            except Problem as exc:
                ledger["problems"].append(str(exc))
            finally:
                if not inside:
                    never_in.append(email)

    tasks = [asyncio.create_task(one(n, email)) for n, email in enumerate(emails)]
    await asyncio.sleep(ramp)
    while len(logged_in) + len(never_in) < len(emails) and not all_done(tasks):
        await asyncio.sleep(0.5)  # the steady window starts once everyone is in
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    stopped = time.monotonic() - tally.started
    await connector.close()
    return tally, max(logged_in, default=0.0), stopped


def all_done(tasks) -> bool:
    return all(task.done() for task in tasks)


async def hammer(port: int, seconds: float, connections: int) -> int:
    """Requests answered by pure hello with ``connections`` tasks sending back to back."""
    connector = aiohttp.TCPConnector(limit=0)
    done = 0
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(f"http://{HOST}:{port}", connector=connector) as http:

        async def loop() -> None:
            nonlocal done
            while time.monotonic() < deadline:
                async with http.get("/") as response:
                    await response.read()
                    if response.status == 200:
                        done += 1

        await asyncio.gather(*(loop() for _ in range(connections)))
    return done


def wrk_rate(port: int, seconds: float, connections: int) -> float | None:
    """wrk's requests/s against pure hello (one thread), or None without wrk."""
    if shutil.which("wrk") is None:
        return None
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", f"http://{HOST}:{port}/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def run(coroutine):
    """asyncio.run on uvloop's event loop (the bench extra), which sends about a third
    more requests per CPU second than the standard loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def client_ceiling(port: int, seconds: float = 5, connections: int = 32) -> tuple:
    """(wrk requests/s, this client's requests/s) against pure hello, same connections."""
    wrk = wrk_rate(port, seconds, connections)
    start = time.monotonic()
    done = run(hammer(port, seconds, connections))
    return wrk, done / (time.monotonic() - start)
