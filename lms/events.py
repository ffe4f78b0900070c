"""The named signals plugins talk through.

Plugins never import each other. A plugin sends one of these signals with a frozen
dataclass payload (never a database row, so no receiver reaches into another plugin's
tables), and other plugins connect receivers in their ``init_app``. Signals are sent with
the application as sender and receivers connect for that sender only, so two apps in one
process (tests, a worker) never see each other's events.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from blinker import Namespace
from flask import Flask, current_app

signals = Namespace()

user_registered = signals.signal(
    "user-registered",
    doc="Sent by auth after a new account is stored. Payload: UserRegistered.",
)
module_completed = signals.signal(
    "module-completed",
    doc="Sent by enrolment when a learner has finished a module. Payload: ModuleCompleted.",
)
quiz_passed = signals.signal(
    "quiz-passed",
    doc="Sent by quizzes when a finished attempt reaches the pass mark. Payload: QuizPassed.",
)
course_completed = signals.signal(
    "course-completed",
    doc=(
        "Sent by enrolment exactly once per enrolment and course version when nothing blocks "
        "completion any more. Payload: CourseCompleted."
    ),
)
certificate_issued = signals.signal(
    "certificate-issued",
    doc="Sent by certificates after a certificate is stored. Payload: CertificateIssued.",
)
certificate_revoked = signals.signal(
    "certificate-revoked",
    doc=(
        "Sent by certificates when a site admin revokes a certificate. Payload: "
        "CertificateRevoked. Sent inside the revoking transaction, before it commits: "
        "receivers write in that same transaction and must not commit, so the revocation "
        "and what follows from it (enrolment asks the learner to take the course again) "
        "are stored together or not at all."
    ),
)
ensure_enrolment = signals.signal(
    "ensure-enrolment",
    doc=(
        "Sent by a plugin that needs the learner enrolled, e.g. quizzes when a learner starts "
        "a quiz. Payload: EnrolmentRequest. The enrolment plugin returns the enrolment id, "
        "enrolling the learner first when ``enrol_if_open`` is set (only ever from a POST) and "
        "the course is open; without it nothing is written. It returns None when the learner "
        "is not (and may not become) enrolled. No receiver (enrolment switched off) means the "
        "caller decides alone."
    ),
)
version_published = signals.signal(
    "version-published",
    doc=(
        "Sent by the content sync (``flask lms sync-courses``, outside any request) after a "
        "new course version is stored as the published one. Payload: VersionPublished. The "
        "enrolment plugin moves unfinished enrolments of the same major version onto it "
        "then, so no page a learner opens has to write."
    ),
)
course_page_panels = signals.signal(
    "course-page-panels",
    doc=(
        "Sent by catalog while rendering a course page. Payload: CoursePage. Receivers return "
        "a Markup snippet (their own template, e.g. progress and the enrol button) or None."
    ),
)
module_page_panels = signals.signal(
    "module-page-panels",
    doc=(
        "Sent by catalog while rendering a module page. Payload: ModulePage. Receivers return "
        "a Markup snippet (e.g. the mark-as-done button, the quiz link) or None."
    ),
)
module_page_query = signals.signal(
    "module-page-query",
    doc=(
        "Sent by catalog before it asks for a module page's panels. Payload: ModulePage. "
        "A receiver returns a list of SELECTs over its own plugin's tables (and content's), "
        "each giving at most one row (aggregates, or a unique key), parameterised from the "
        "payload, with every column labelled ``<plugin>_<name>``; better, a PagePart each "
        "(its shape, a builder with bind parameters, their values), so the statement is "
        "built once per shape and process rather than on every request. Catalog runs them all as "
        "one statement (each outer-joined onto one row: NULLs where a SELECT finds nothing) "
        "and sends ``module_page_panels`` with the values in ``ModulePage.facts``; a panel "
        "without its facts (a caller that did not ask) reads them itself."
    ),
)
dashboard_panels = signals.signal(
    "dashboard-panels",
    doc=(
        "Sent by enrolment while rendering the learner dashboard /me/. Payload: Dashboard. "
        "Receivers return a Markup snippet (e.g. certificates) or None."
    ),
)
centre_dashboard_panels = signals.signal(
    "centre-dashboard-panels",
    doc=(
        "Sent by reports while rendering a centre's dashboard (/centre/) for a centre admin or "
        "a site admin who chose the centre. Payload: CentreDashboard. Receivers return a "
        "Markup snippet (e.g. compliance: this week's digest of the centre) or None."
    ),
)
person_admin_panels = signals.signal(
    "person-admin-panels",
    doc=(
        "Sent by the core while rendering a site admin's page of a person "
        "(/admin/users/<id>). Payload: PersonPage. Receivers return a Markup snippet (e.g. "
        "the person's certificates with the revoke action) or None."
    ),
)
personal_data = signals.signal(
    "personal-data",
    doc=(
        "Sent by the core when a person downloads their own data (GDPR art. 15). Payload: "
        "PersonalDataRequest. Each receiver returns (section name, JSON-serialisable data)."
    ),
)
user_anonymised = signals.signal(
    "user-anonymised",
    doc=(
        "Sent by the core after a person's account is anonymised at the end of the retention "
        "period. Payload: UserAnonymised. Receivers replace personal data they hold in copies "
        "(e.g. names on certificates) and keep the records themselves."
    ),
)
records_changed = signals.signal(
    "records-changed",
    doc=(
        "Sent by the core just before a transaction commits, when it changed rows belonging "
        "to people. Payload: RecordsChanged. Receivers keep derived data current in the same "
        "transaction (they may read and write; they must not commit)."
    ),
)
completion_blockers = signals.signal(
    "completion-blockers",
    doc=(
        "Sent by enrolment to ask what still blocks completion of an enrolment. Payload: "
        "CompletionQuery. Each receiver returns a list of human-readable reasons (empty: "
        "nothing blocks)."
    ),
)
password_login_allowed = signals.signal(
    "password-login-allowed",
    doc=(
        "Sent by auth after a password was verified, before the session starts. Payload: "
        "PasswordLogin. A receiver returns False to refuse password login for this person "
        "(e.g. sso: their centre signs in through its identity provider only); None or True "
        "lets it go on."
    ),
)
login_page_panels = signals.signal(
    "login-page-panels",
    doc=(
        "Sent by auth while rendering the login page. Payload: LoginPage. Receivers return a "
        "Markup snippet shown above the password form (e.g. sso: one button per identity "
        "provider) or None."
    ),
)
logout_redirect = signals.signal(
    "logout-redirect",
    doc=(
        "Sent by auth when a person logs out, before the session is ended (receivers may read "
        "the Flask session). Payload: LogoutRequest. A receiver returns a URL to send the "
        "browser to afterwards (e.g. sso: its page that goes on to the identity provider's "
        "logout) or None."
    ),
)
deploy_check = signals.signal(
    "deploy-check",
    doc=(
        "Sent by `flask lms check-deploy`. Payload: DeployCheck. Receivers return a list of "
        "problems (strings) their plugin's configuration has for production."
    ),
)

membership_changed = signals.signal(
    "membership-changed",
    doc=(
        "Sent by the core (lms.membership) when a person's confirmed centre changes: joined, "
        "moved or removed. Payload: MembershipChanged. Sent inside the transaction that "
        "makes the change, after it is flushed and before it commits: receivers (e.g. "
        "requirements that assign training to people new at a centre) write in that same "
        "transaction and must not commit; an exception rolls the change back."
    ),
)


person_changed = signals.signal(
    "person-changed",
    doc=(
        "Sent by the core (lms.people) when a person's profession or unit changes. Payload: "
        "PersonChanged. Sent inside the changing transaction, before it commits: receivers "
        "(e.g. requirements that target a profession or a unit) write in that transaction "
        "and must not commit."
    ),
)

enrolment_progress = signals.signal(
    "enrolment-progress",
    doc=(
        "Sent by a plugin that needs to know where a learner stands in a course without "
        "reading the enrolment plugin's tables (records: whether to offer the signature). "
        "Payload: ProgressQuery. The enrolment plugin returns an EnrolmentProgress for the "
        "learner's active enrolment, or None. Reads only."
    ),
)
completion_recheck = signals.signal(
    "completion-recheck",
    doc=(
        "Sent by a plugin after it committed what removed its own completion blocker "
        "(records: a signature). Payload: CompletionRecheck. The enrolment plugin checks "
        "completion of that enrolment again (in its own transaction, which commits) and "
        "sends course_completed when nothing blocks any more; it returns the completion id "
        "or None."
    ),
)
certificate_page_panels = signals.signal(
    "certificate-page-panels",
    doc=(
        "Sent by certificates while rendering a certificate's page for its holder or an "
        "admin (not the public). Payload: CertificatePage. Receivers return a Markup snippet "
        "(records: the signature the completion rests on) or None."
    ),
)
certificate_documents = signals.signal(
    "certificate-documents",
    doc=(
        "Sent by a plugin that gathers certificates for people (records: the inspection "
        "pack). Payload: CertificateDocumentsRequest. The certificates plugin returns a "
        "list of CertificateDocument (the PDF bytes built one certificate at a time by "
        "calling ``render``), so the caller never imports it."
    ),
)
platform_signer = signals.signal(
    "platform-signer",
    doc=(
        "Sent by a plugin that signs a document with the platform's Ed25519 key (records: "
        "the inspection pack's manifest). Payload: SignRequest. The certificates plugin, "
        "which holds the key, returns a PlatformSignature."
    ),
)

training_records = signals.signal(
    "training-records",
    doc=(
        "Sent by a plugin that exports people's training records (records: the inspection "
        "pack). Payload: TrainingRecordsRequest. The enrolment plugin returns a list of "
        "TrainingRecord: one per completion, and one per enrolment not completed. Reads only."
    ),
)

inspection_pack_files = signals.signal(
    "inspection-pack-files",
    doc=(
        "Sent by records while building an inspection pack. Payload: PackFilesRequest. "
        "Receivers return a list of (path inside the ZIP, iterable of byte chunks) to add "
        "(e.g. outside training's evidence files); each is hashed into the manifest."
    ),
)


@dataclass(frozen=True)
class PackFilesRequest:
    """``since``: naive UTC, when set."""

    centre_id: int
    user_ids: tuple[int, ...]
    course_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class TrainingRecordsRequest:
    """Records of ``user_ids`` (of ``course_id`` when set; enrolled or completed on or
    after ``since``, naive UTC, when set)."""

    user_ids: tuple[int, ...]
    course_id: int | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class TrainingRecord:
    """Times are naive UTC; ``status``: the enrolment's (active, withdrawn)."""

    user_id: int
    course_id: int
    version_id: int
    enrolment_id: int
    cycle: int
    status: str
    enrolled_at: datetime
    completed_at: datetime | None
    score_percent: float | None


@dataclass(frozen=True)
class ProgressQuery:
    user_id: int
    course_id: int


@dataclass(frozen=True)
class EnrolmentProgress:
    """``since``: when the current cycle began (naive UTC), None in the first."""

    enrolment_id: int
    version_id: int
    cycle: int
    modules_done: int
    modules_total: int
    completed: bool
    since: datetime | None = None


@dataclass(frozen=True)
class CompletionRecheck:
    enrolment_id: int


@dataclass(frozen=True)
class CertificatePage:
    """``issued_at``: naive UTC; ids are the enrolment plugin's and content's."""

    certificate_id: int
    user_id: int
    course_id: int
    version_id: int
    enrolment_id: int
    issued_at: datetime


@dataclass(frozen=True)
class CertificateDocumentsRequest:
    """Certificates held by ``user_ids`` (of ``course_id`` when set, issued on or after
    ``issued_from``, naive UTC, when set)."""

    user_ids: tuple[int, ...]
    course_id: int | None = None
    issued_from: datetime | None = None


@dataclass(frozen=True)
class CertificateDocument:
    """``render()`` returns the PDF bytes; ``revoked``: revoked since."""

    certificate_id: int
    code: str
    user_id: int
    course_id: int
    version_id: int
    issued_at: datetime
    expires_on: date | None
    revoked: bool
    render: Callable[[], bytes]


@dataclass(frozen=True)
class SignRequest:
    data: bytes


@dataclass(frozen=True)
class PlatformSignature:
    """``signature``: base64 Ed25519 over the request's bytes; ``public_key``: base64 of the
    raw 32-byte public key; ``key_id``: as on certificates."""

    algorithm: str
    signature: str
    public_key: str
    key_id: str


quiz_result_panels = signals.signal(
    "quiz-result-panels",
    doc=(
        "Sent by quizzes while rendering the result page of a learner's own finished "
        "attempt. Payload: QuizResultPage. Receivers return a Markup snippet shown above "
        "the result (enrolment: the course is complete and what is next; certificates: "
        "the certificate with its PDF and verification links) or None."
    ),
)
catalogue_states = signals.signal(
    "catalogue-states",
    doc=(
        "Sent by catalog while rendering the course list for a signed-in person. Payload: "
        "CatalogueStates. Each receiver returns a dict course id -> list of CourseBadge "
        "(enrolment: enrolled, assigned with its due date, completed; certificates: "
        "expiring, expired); the catalogue shows them on the course cards."
    ),
)
quiz_activity = signals.signal(
    "quiz-activity",
    doc=(
        "Sent by enrolment for the course page's main action, to learn what the learner did "
        "in quizzes of the enrolment's version (enrolment records a module only once its "
        "quiz is passed). Payload: CompletionQuery (only attempts started since ``since`` "
        "count). quizzes returns a QuizActivity. Reads only."
    ),
)
landing_page = signals.signal(
    "landing-page",
    doc=(
        "Sent by auth (and sso) after a person signs in without a ``next`` address. "
        "Payload: Landing. A receiver returns the path the person should land on (e.g. "
        "enrolment: /me/ when an assigned course is not complete) or None; without an "
        "answer the person lands on the home page (the catalogue)."
    ),
)


@dataclass(frozen=True)
class QuizResultPage:
    """The result page of attempt ``attempt_id`` (of ``user_id``); ``passed``: this
    attempt reached the pass mark."""

    user_id: int
    course_id: int
    version_id: int
    course_slug: str
    quiz_id: int
    attempt_id: int
    passed: bool


@dataclass(frozen=True)
class CatalogueStates:
    user_id: int
    course_ids: tuple[int, ...]


@dataclass(frozen=True)
class CourseBadge:
    """One fact about a person and a course, as a catalogue card shows it. ``kind``:
    enrolled, assigned, completed, expiring or expired; ``on``: the Stockholm date that
    goes with it (due date, completion date, expiry date) or None."""

    kind: str
    on: date | None = None


@dataclass(frozen=True)
class QuizActivity:
    """Quiz ids of the version the learner has attempted (started or submitted, passed or
    not) and passed, in the current cycle."""

    attempted: frozenset[int] = frozenset()
    passed: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Landing:
    user_id: int


assignment_requested = signals.signal(
    "assignment-requested",
    doc=(
        "Sent by compliance when a training requirement (or a certificate about to expire: "
        "recertification) asks that a person be assigned a course. Payload: "
        "AssignmentRequest. The enrolment plugin stores the assignment (and enrols the "
        "person) and returns its id, or None when the person already has an open, not "
        "withdrawn assignment of the course from the same requirement (nothing written). "
        "Sent inside the caller's transaction: the receiver writes in it and must not commit."
    ),
)
assignment_withdrawn = signals.signal(
    "assignment-withdrawn",
    doc=(
        "Sent by compliance when a person no longer matches a requirement, or the "
        "requirement is withdrawn. Payload: AssignmentWithdrawal. The enrolment plugin marks "
        "that requirement's open assignments of the person withdrawn (who, when, why; the "
        "rows and every other record stay) and returns how many. Sent inside the caller's "
        "transaction: the receiver writes in it and must not commit."
    ),
)


@dataclass(frozen=True)
class AssignmentRequest:
    """Assign ``course_id`` to ``user_id`` due on ``due_on`` (a Europe/Stockholm date, or
    None). ``requirement_id``: the compliance requirement asking; ``reason``: its name,
    shown to the person; ``recertify``: the person holds a certificate that runs out, so the
    enrolment starts a new cycle (they take the course again). ``actor_id``: who caused it
    (None for a rule); ``at``: naive UTC."""

    user_id: int
    course_id: int
    due_on: date | None
    requirement_id: int | None
    reason: str
    at: datetime
    actor_id: int | None = None
    recertify: bool = False


@dataclass(frozen=True)
class AssignmentWithdrawal:
    """Withdraw the open assignments of ``course_id`` made for ``requirement_id`` to
    ``user_id`` because of ``reason`` (shown to the person and the centre), at ``at``
    (naive UTC), by ``actor_id`` (None for a rule)."""

    user_id: int
    course_id: int
    requirement_id: int
    reason: str
    at: datetime
    actor_id: int | None = None


@dataclass(frozen=True)
class PersonChanged:
    """``fields``: which of ``profession`` and ``unit`` changed, at ``at`` (naive UTC).
    ``via``: profile, admin, import or ``sso:<provider>``; ``actor_id``: who made the
    change (None for a rule such as an identity provider)."""

    user_id: int
    fields: frozenset[str]
    at: datetime
    via: str
    actor_id: int | None = None


@dataclass(frozen=True)
class MembershipChanged:
    """``old_centre_id`` -> ``new_centre_id`` (either None: joined / removed) at ``at``
    (naive UTC). ``via``: admin, email_domain, identity_provider, import or migration.
    ``actor_id``: the admin who decided, None for a rule."""

    user_id: int
    old_centre_id: int | None
    new_centre_id: int | None
    at: datetime
    via: str
    actor_id: int | None = None


@dataclass(frozen=True)
class UserRegistered:
    user_id: int
    centre_id: int | None
    at: datetime


@dataclass(frozen=True)
class ModuleCompleted:
    user_id: int
    course_id: int
    version_id: int
    module_id: int
    at: datetime


@dataclass(frozen=True)
class QuizPassed:
    user_id: int
    course_id: int
    version_id: int
    quiz_id: int
    module_id: int | None
    attempt_id: int
    score_percent: float
    at: datetime


@dataclass(frozen=True)
class CourseCompleted:
    user_id: int
    course_id: int
    version_id: int
    enrolment_id: int
    completion_id: int
    at: datetime
    score_percent: float | None = None  # of the closing quiz, when the course has one


@dataclass(frozen=True)
class CertificateIssued:
    user_id: int
    course_id: int
    version_id: int
    certificate_id: int
    code: str
    at: datetime


@dataclass(frozen=True)
class CertificateRevoked:
    """``completion_id`` and ``enrolment_id`` are the enrolment plugin's ids the certificate
    was issued for; ``at`` is naive UTC."""

    user_id: int
    course_id: int
    version_id: int
    certificate_id: int
    completion_id: int
    enrolment_id: int
    code: str
    at: datetime


@dataclass(frozen=True)
class EnrolmentRequest:
    user_id: int
    course_id: int
    version_id: int
    enrol_if_open: bool = False


@dataclass(frozen=True)
class VersionPublished:
    course_id: int
    version_id: int
    at: datetime


@dataclass(frozen=True)
class CoursePage:
    user_id: int | None
    course_id: int
    version_id: int
    course_slug: str


@dataclass(frozen=True)
class ModulePage:
    """``facts``: the values the receivers of ``module_page_query`` asked for, by label
    (empty before that query ran). ``previewing``: an educator reads a draft
    (``?preview=draft``): nothing is recorded and nobody can enrol in it."""

    user_id: int | None
    course_id: int
    version_id: int
    module_id: int
    course_slug: str
    module_slug: str
    facts: Mapping[str, Any] = field(default_factory=dict, compare=False)
    previewing: bool = False


@dataclass(frozen=True)
class Dashboard:
    user_id: int


@dataclass(frozen=True)
class CentreDashboard:
    user_id: int
    centre_id: int


@dataclass(frozen=True)
class PersonPage:
    user_id: int


@dataclass(frozen=True)
class PersonalDataRequest:
    user_id: int


@dataclass(frozen=True)
class UserAnonymised:
    user_id: int
    at: datetime


@dataclass(frozen=True)
class RecordsChanged:
    """(table, user id) pairs a transaction changed; sent just before it commits, and
    receivers write in that same transaction (see :mod:`lms.records`)."""

    changes: frozenset[tuple[str, int]]

    def users_in(self, tables) -> set[int]:
        return {user for table, user in self.changes if table in tables}


@dataclass(frozen=True)
class CompletionQuery:
    """``since`` (naive UTC), when set: the enrolment started a new cycle then (the learner
    takes the course again, e.g. after a revoked certificate); only what was done since
    counts, so a quiz passed before does not unblock it."""

    user_id: int
    course_id: int
    version_id: int
    enrolment_id: int
    since: datetime | None = None


@dataclass(frozen=True)
class PasswordLogin:
    user_id: int
    centre_id: int | None
    roles: tuple[str, ...]  # the roles beyond learner, as stored values (lms.models.role_values)


@dataclass(frozen=True)
class LoginPage:
    next_url: str | None


@dataclass(frozen=True)
class LogoutRequest:
    user_id: int


@dataclass(frozen=True)
class DeployCheck:
    base_url: str


def connect(app: Flask, signal, receiver: Callable[..., Any]) -> None:
    """Connect a module-level receiver for this app only (blinker keeps weak references)."""
    signal.connect(receiver, sender=app, weak=True)


def emit(signal, payload) -> list[Any]:
    """Send ``payload`` from the current app; returns the receivers' return values."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return [value for _receiver, value in signal.send(app, payload=payload)]


@dataclass(frozen=True)
class PagePart:
    """One SELECT of a page's one statement (``module_page_query``), kept per process by its
    shape. ``shape``: hashable, names the statement's form (equal shapes must build equal
    statements: put in it whatever the builder reads, such as the quiz ids it lists);
    ``build()``: the SELECT, with ``sqlalchemy.bindparam`` for every value that changes
    between requests; ``params``: those values, each name prefixed ``<plugin>_``."""

    shape: Hashable
    build: Callable[[], Any]
    params: Mapping[str, Any]


def with_facts(payload, facts: Mapping[str, Any]):
    """The same page payload carrying ``facts`` (see ``module_page_query``)."""
    return replace(payload, facts=facts)


def panels(signal, payload) -> list[Any]:
    """The non-empty snippets receivers return for a page, in a stable order."""
    return [value for value in emit(signal, payload) if value]
