"""Job titles as HR systems write them, mapped to professions.

The common Swedish titles are built in (:data:`BUILT_IN`); a site admin adds or overrides
titles in the app (:class:`~lms.plugins.enrolment.models.JobTitle`, ``/centre/job-titles``).
A title is matched on its key: lower case, NFC, runs of spaces as one, a space after each
full stop ("Leg.sjuksköterska" and "leg. sjuksköterska" are one title). The profession
words themselves (English values, also with spaces; Swedish names) always match too.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from lms import audit
from lms.extensions import db
from lms.models import Profession, User
from lms.plugins.enrolment.models import JobTitle
from lms.text import one_line

P = Profession
BUILT_IN: dict[str, Profession] = {
    # Profession words and their Swedish names.
    "sjuksköterska": P.nurse,
    "farmaceut": P.pharmacist,
    "apotekare": P.pharmacist,
    "forskare": P.researcher,
    "läkare": P.physician,
    "undersköterska": P.assistant_nurse,
    "biomedicinsk analytiker": P.biomedical_scientist,
    "apotekstekniker": P.pharmacy_technician,
    "receptarie": P.prescriptionist,
    "annan": P.other,
    "övrig": P.other,
    # Titles as written in Swedish HR systems.
    "leg. sjuksköterska": P.nurse,
    "legitimerad sjuksköterska": P.nurse,
    "specialistsjuksköterska": P.nurse,
    "barnsjuksköterska": P.nurse,
    "forskningssjuksköterska": P.nurse,
    "operationssjuksköterska": P.nurse,
    "anestesisjuksköterska": P.nurse,
    "intensivvårdssjuksköterska": P.nurse,
    "överläkare": P.physician,
    "biträdande överläkare": P.physician,
    "specialistläkare": P.physician,
    "st-läkare": P.physician,
    "at-läkare": P.physician,
    "underläkare": P.physician,
    "leg. läkare": P.physician,
    "leg. apotekare": P.pharmacist,
    "sjukhusapotekare": P.pharmacist,
    "klinisk apotekare": P.pharmacist,
    "leg. receptarie": P.prescriptionist,
    "skötare": P.assistant_nurse,
    "leg. biomedicinsk analytiker": P.biomedical_scientist,
    "doktorand": P.researcher,
    "postdoktor": P.researcher,
    "forskningsingenjör": P.researcher,
}
_DOTS = re.compile(r"\.\s*")
_SPACES = re.compile(r"\s+")


def key(title: str | None) -> str:
    """The key a title is matched on (see the module doc); '' for an empty cell."""
    text = one_line(title or "").lower()
    text = _DOTS.sub(". ", text).strip()
    return _SPACES.sub(" ", text)[:120]


def _words() -> dict[str, Profession]:
    """The profession values, also with spaces ("assistant nurse")."""
    words = {p.value: p for p in Profession}
    words.update({p.value.replace("_", " "): p for p in Profession})
    return words


def table(extra: dict[str, str] | None = None) -> dict[str, Profession]:
    """Every title key -> profession: built-in, then the site's table, then ``extra`` (the
    choices made for one file), later ones winning. Unknown profession values are skipped."""
    mapping = {**_words(), **BUILT_IN}
    rows = db.session.execute(select(JobTitle.title, JobTitle.profession))
    for title, value in [*rows, *(extra or {}).items()]:
        if value in Profession.__members__:
            mapping[title] = Profession(value)
    return mapping


def site_titles() -> list[JobTitle]:
    """The titles site admins added, by title."""
    return list(db.session.scalars(select(JobTitle).order_by(JobTitle.title)))


def save(title: str, profession: Profession, *, actor: User) -> JobTitle:
    """Map ``title`` to ``profession`` for the whole site (adds or replaces the site's row;
    audited ``job_title.mapped`` with the old and new profession). Adds to the caller's
    transaction. Raises ValueError for an empty title."""
    title_key = key(title)
    if not title_key:
        raise ValueError("empty title")
    row = db.session.scalar(select(JobTitle).where(JobTitle.title == title_key))
    old = row.profession if row is not None else None
    if row is None:
        row = JobTitle(title=title_key, profession=profession.value, created_by_id=actor.id)
        db.session.add(row)
    row.profession = profession.value
    audit.record("job_title.mapped", actor=actor, title=title_key, old=old, new=profession.value)
    return row
