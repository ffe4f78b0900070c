"""Helpers for the certificate tests: fire ``course_completed`` as enrolment would."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from datetime import datetime

import pytest

from lms import events
from lms.extensions import db
from lms.models import utcnow
from lms.plugins.certificates.models import Certificate

NAME = "Łukasz Åström-Ölander é"


def completed(user, version, completion_id: int, *, at: datetime | None = None, score=None):
    return events.CourseCompleted(
        user_id=user.id,
        course_id=version.course_id,
        version_id=version.id,
        enrolment_id=1000 + completion_id,
        completion_id=completion_id,
        at=at or utcnow(),
        score_percent=score,
    )


@pytest.fixture
def complete(app):
    """``complete(user, version, score=90.0)`` fires course_completed; returns the newest
    certificate of that completion (or None)."""
    ids = itertools.count(1)

    def fire(user, version, *, completion_id: int | None = None, at=None, score=None):
        completion_id = completion_id or next(ids)
        events.emit(
            events.course_completed, completed(user, version, completion_id, at=at, score=score)
        )
        return db.session.scalar(
            db.select(Certificate).where(Certificate.completion_id == completion_id)
        )

    return fire


@pytest.fixture
def certificate(make_user, make_course, complete):
    """A learner at Skåne with a certificate of a course valid for 24 months."""
    user = make_user(name=NAME, centre="skane", email="lukasz@example.com")
    version = make_course(
        "gene-therapy-basics",
        title="Gene Therapy Basics",
        course={"certificate_valid_months": 24},
    )
    return complete(user, version, score=92.5)


def tool(name: str) -> str:
    """The path of a command-line tool the tests need; fail (never skip) when missing."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not installed: `apt-get install -y poppler-utils zbar-tools` "
            "(pdftotext, pdftoppm, zbarimg)"
        )
    return path


def run(*args: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(args, input=stdin, capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")
