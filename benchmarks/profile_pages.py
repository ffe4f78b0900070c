"""Profile the pages issue 18 measures, in one process (cProfile, Flask's test client).

Not a benchmark (no reference, no ratio): it shows where a page's time goes.
``.venv/bin/python benchmarks/profile_pages.py [--requests 200] [--top 25] [--page /me/]``
builds the same throw-away site as ``bench_pages.py`` (SQLite, the real ``courses/``, one
learner enrolled in car-t-nursing) and prints, per page, milliseconds and SQL statements per
request and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_pages import COURSE, EMAIL, PAGES, in_process, prepare, site  # noqa: E402


def log_in(app) -> dict[str, str]:
    """The learner's cookies after logging in and enrolling through the app itself."""
    client = app.test_client()
    client.get("/auth/login")
    from lms.extensions import db
    from lms.models import User

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == EMAIL))
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    page = client.get(f"/courses/{COURSE}/").get_data(as_text=True)

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    if f"/courses/{COURSE}/enrol" in page:
        response = client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": token})
        assert response.status_code == 302, response.status_code
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25, help="0: timings only, no profile")
    parser.add_argument("--page", action="append", help="a URL (default: the five pages)")
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lms-profile-"))
    try:
        env, _ = site(tmp, None)
        app = prepare(env)
        jar = log_in(app)
        urls = args.page or [url for _label, url, *_ in PAGES]
        for url in urls:
            ms, sql = in_process(app, jar, url, args.requests)
            if args.top == 0:  # timings only
                print(f"===== {url}: {ms:.2f} ms/request, {sql:.1f} SQL statements/request")
                continue
            profile = cProfile.Profile()
            profile.enable()
            in_process(app, jar, url, args.requests)
            profile.disable()
            out = io.StringIO()
            stats = pstats.Stats(profile, stream=out)
            stats.sort_stats(args.sort).print_stats(args.top)
            print(f"\n===== {url}: {ms:.2f} ms/request, {sql:.1f} SQL statements/request")
            print(out.getvalue())
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
