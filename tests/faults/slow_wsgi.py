"""The real app plus a public route that takes two seconds: a request surely in flight
when the graceful-stop test sends SIGTERM."""

import time

from lms import create_app
from lms.access import public

app = create_app()


@app.route("/__faults/slow")
@public
def faults_slow():
    time.sleep(2)
    return "slow ok"
