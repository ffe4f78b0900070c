"""The WSGI app the gunicorn benchmarks serve (bench_module_page, bench_quiz_submit).

The real app, built from the environment like ``wsgi.py``, plus a bare route that answers
"ok". Both run in the same process behind the same hooks (access check, session, security
headers), so a page's ratio to it measures what the page itself costs.
"""

from lms import create_app
from lms.access import public

app = create_app()


@app.route("/__bench/bare")
@public
def bench_bare():
    return "ok"
