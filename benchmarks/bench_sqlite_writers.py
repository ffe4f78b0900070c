"""SQLite writers with and without the writers' queue (lms/sqlite_queue.py), interleaved.

4 processes x 4 threads (as gunicorn workers and their threads), each thread 100 short
write transactions (an INSERT, then COMMIT, one in three rolled back, one in ten left
open and handed back to the pool) on one SQLite file with the app's pragmas (WAL,
synchronous=FULL, busy timeout) and BEGIN IMMEDIATE. Prints, per round, the wall time of
all of them and p50/p99/max of one transaction (BEGIN to its end), with the queue and
with SQLite's busy handler alone. Checks the rows committed. `--rounds 2`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402

import lms.extensions  # noqa: E402, F401  (the engine events: pragmas, BEGIN IMMEDIATE, queue)
from lms import sqlite_queue  # noqa: E402

PROCESSES, THREADS, EACH = 4, 4, 100


def worker(path: str, queued: bool, out: str) -> None:
    if not queued:
        sqlite_queue.take = lambda info, path: None  # SQLite's busy handler alone
    engine = create_engine(f"sqlite:///{path}", pool_size=THREADS)
    seconds: list[float] = []

    def loop() -> None:
        for i in range(EACH):
            start = time.perf_counter()
            with engine.connect() as conn:
                conn.execute(text("INSERT INTO t (v) VALUES (1)"))
                if i % 10 == 5:
                    pass  # closed unfinished: rolled back on the way back to the pool
                elif i % 3 == 0:
                    conn.rollback()
                else:
                    conn.commit()
            seconds.append(time.perf_counter() - start)

    threads = [threading.Thread(target=loop) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    Path(out).write_text("\n".join(map(str, seconds)))


def one_round(folder: Path, queued: bool) -> tuple[float, list[float], int]:
    path = folder / f"w-{queued}.sqlite"
    for suffix in ("", "-wal", "-shm", "-writers"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)"))
        conn.commit()
    outs = [str(folder / f"out-{n}") for n in range(PROCESSES)]
    start = time.perf_counter()
    context = mp.get_context("fork")
    processes = [context.Process(target=worker, args=(str(path), queued, o)) for o in outs]
    for process in processes:
        process.start()
    for process in processes:
        process.join(300)
    wall = time.perf_counter() - start
    latencies = [float(x) for o in outs for x in Path(o).read_text().split()]
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT count(*) FROM t")).scalar()
    engine.dispose()
    return wall, sorted(latencies), rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    committed = sum(1 for i in range(EACH) if i % 10 != 5 and i % 3 != 0)
    expected = PROCESSES * THREADS * committed
    print(f"load: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    bad = 0
    with tempfile.TemporaryDirectory(prefix="lms-writers-") as tmp:
        for n in range(args.rounds):
            for queued in (False, True):
                wall, lat, rows = one_round(Path(tmp), queued)
                p = [lat[min(len(lat) - 1, round(q * (len(lat) - 1)))] * 1000 for q in (0.5, 0.99)]
                label = "queue      " if queued else "busy waits "
                print(
                    f"round {n + 1} {label} {wall:5.1f} s for {len(lat)} transactions; "
                    f"p50 {p[0]:.1f} ms, p99 {p[1]:.1f} ms, max {lat[-1] * 1000:.0f} ms; "
                    f"{rows} rows (expected {expected})"
                )
                bad += rows != expected
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
