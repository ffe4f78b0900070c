"""Fixtures for authoring: educators, a course made in the app, ZIP and picture builders."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest
from sqlalchemy import select

from lms.content.models import Course
from lms.extensions import db
from lms.models import AuditEvent, Role
from lms.plugins.authoring.models import DraftFile, Workspace
from tests.conftest import PASSWORD, CSRFClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
SLUG = "cell-handling"

MODULE = """---
title: Receiving a cell product
minutes: 10
---
## At the door

Check the **dry shipper** before you sign.
"""

QUIZ = """---
title: Receiving quiz
---
## Who signs for the shipment?
- [ ] The courier
- [x] The receiving nurse or pharmacist
> Only trained staff may accept a cell product.

## Which temperatures are right?
- [x] Below -150 °C in the vapour phase
- [x] As the product's SmPC says
- [ ] Room temperature
> The SmPC and local procedures decide.
"""

QUIZ_SV = """---
title: Mottagningstest
---
## Vem signerar för försändelsen?
- [ ] Kuriren
- [x] Den mottagande sjuksköterskan eller farmaceuten
> Bara utbildad personal får ta emot en cellprodukt.

## Vilka temperaturer är rätt?
- [x] Under -150 °C i gasfas
- [x] Som produktens produktresumé säger
- [ ] Rumstemperatur
> Produktresumén och lokala rutiner avgör.
"""


@pytest.fixture
def educator(make_user):
    return make_user(email="eva@example.com", name="Eva Educator", role=Role.educator)


@pytest.fixture
def other_educator(make_user):
    return make_user(email="olle@example.com", name="Olle Other", role=Role.educator)


@pytest.fixture
def site_admin(make_user):
    return make_user(email="sam@example.com", name="Sam Admin", role=Role.site_admin)


@pytest.fixture
def as_educator(client, auth, educator):
    auth.login(educator)
    return client


def second_client(app, user) -> CSRFClient:
    """Another browser, logged in as ``user``."""
    other = app.test_client()
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    other.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    return other


def create_course(client, slug: str = SLUG, **fields):
    data = {
        "slug": slug,
        "title": "Cell handling",
        "summary": "Receiving and storing cell products.",
        "language": "en",
        "audiences": ["nurse", "pharmacist"],
        "estimated_minutes": "30",
        **fields,
    }
    return client.post("/educator/courses/new", data=data)


def save(client, path: str, text: str, slug: str = SLUG, revision=None):
    """Save ``text`` as ``path``: a new file, or an edit from ``revision`` (default: the
    stored one, as if the page had just been opened)."""
    row = draft_file(slug, path)
    if row is None:
        return client.post(f"/educator/courses/{slug}/new-file", data={"name": path, "text": text})
    if revision is None:
        revision = row.revision
    return client.post(
        f"/educator/courses/{slug}/files/{path}", data={"text": text, "revision": str(revision)}
    )


@pytest.fixture
def new_course(as_educator):
    """A course just made in the app: its draft holds course.md only."""
    assert create_course(as_educator).status_code == 302
    return workspace(SLUG)


@pytest.fixture
def app_course(as_educator):
    """A course made in the app with a module and its quiz (English and Swedish)."""
    assert create_course(as_educator).status_code == 302
    for path, text in (
        ("01-receiving.md", MODULE),
        ("01-receiving.quiz.md", QUIZ),
        ("01-receiving.quiz.sv.md", QUIZ_SV),
    ):
        assert save(as_educator, path, text).status_code == 302
    return workspace(SLUG)


def workspace(slug: str = SLUG) -> Workspace | None:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return None
    return db.session.scalar(select(Workspace).where(Workspace.course_id == course.id))


def draft_file(slug: str, path: str) -> DraftFile | None:
    found = workspace(slug)
    if found is None:
        return None
    return db.session.scalar(
        select(DraftFile).where(DraftFile.workspace_id == found.id, DraftFile.path == path)
    )


def draft_files(slug: str = SLUG) -> dict[str, bytes]:
    found = workspace(slug)
    rows = db.session.scalars(select(DraftFile).where(DraftFile.workspace_id == found.id))
    return {row.path: row.data for row in rows}


def audit_actions(action_prefix: str = "authoring.") -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.startswith(action_prefix))
            .order_by(AuditEvent.id)
        )
    )


def make_zip(entries, *, top: str | None = None) -> bytes:
    """A ZIP of ``entries``: (name, bytes) pairs or ZipInfo/bytes pairs, in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                archive.writestr(name, data)
            else:
                archive.writestr(f"{top}/{name}" if top else name, data)
    return buffer.getvalue()


def upload_zip(client, data: bytes, slug: str = SLUG, replace: bool = True):
    form = {"file": (io.BytesIO(data), "course.zip")}
    if replace:
        form["replace"] = "y"
    return client.post(
        f"/educator/courses/{slug}/upload-zip", data=form, content_type="multipart/form-data"
    )


def upload_picture(client, data: bytes, filename: str, slug: str = SLUG, name: str = ""):
    return client.post(
        f"/educator/courses/{slug}/upload-picture",
        data={"file": (io.BytesIO(data), filename), "name": name},
        content_type="multipart/form-data",
    )


def text_of(response) -> str:
    """The visible text of a page, whitespace folded (for asserting on what people read)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
