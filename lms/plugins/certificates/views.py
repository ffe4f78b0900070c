"""Certificate pages. Thin: services decide and write, templates show.

Rule order matters: ``/<code>.pdf`` and the fixed paths are declared before ``/<code>``
and Werkzeug prefers the rule with more static text, so ``X.pdf`` is never read as a code.
The Open Badges documents (credential, status list, DID document) are public JSON-LD that
verifiers fetch from anywhere, so they allow any origin (no cookies are involved).
"""

from __future__ import annotations

import base64
import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms import events
from lms.access import login_required, public, roles_required
from lms.auth.redirects import safe_next
from lms.extensions import limiter
from lms.models import Role
from lms.plugins.certificates import (
    codes,
    credentials,
    did,
    documents,
    fonts,
    pdf,
    services,
    signing,
    status_list,
)
from lms.plugins.certificates.forms import RevokeForm
from lms.urls import BaseUrlMissing, absolute_url

bp = Blueprint("certificates", __name__, template_folder="templates")
bp.add_app_template_filter(codes.display, "cert_code")


def _prefers(*types: str) -> str | None:
    return request.accept_mimetypes.best_match(types)


def _verify_limit() -> str:
    return current_app.config.get("LMS_VERIFY_LIMIT", "30 per minute")


def _canonical(certificate, code: str, endpoint: str):
    """Redirect a code typed in another form (lower case, no hyphens) to the canonical URL."""
    shown = codes.display(certificate.code)
    if code != shown:
        return redirect(url_for(endpoint, code=shown), 301)
    return None


@bp.get("/public-key")
@public
def public_key():
    key = signing.current_key()
    if _prefers("text/plain", "application/json") == "application/json":
        response = jsonify(
            algorithm=signing.ALGORITHM,
            public_key=base64.b64encode(key.public_raw).decode("ascii"),
            key_id=key.key_id,
        )
    else:
        response = Response(key.public_pem(), mimetype="text/plain")
    response.vary.add("Accept")
    return response


@bp.get("/<code>.pdf", endpoint="pdf")
@login_required
def pdf_file(code: str):
    certificate = services.find(code)
    # Someone else's certificate is "not found", so the URL leaks nothing.
    if certificate is None or not services.may_download(current_user, certificate):
        abort(404)
    moved = _canonical(certificate, code, "certificates.pdf")
    if moved:
        return moved
    try:
        lang = str(get_locale())
        title = None
        if lang != certificate.language:  # the course's title in the page's language
            title = services.titles_in({certificate.version_id}, lang).get(certificate.version_id)
        body = pdf.render(certificate, services.verification_url(certificate), lang, title)
    except fonts.MissingGlyphs as missing:
        # A blank where a name should be is a false certificate: refuse, and tell the
        # operators which characters need a font (LMS_CERT_FONT_DIRS).
        current_app.logger.error(
            "certificate %s: no font has %s; the PDF was refused",
            codes.display(certificate.code),
            fonts.code_points(missing.characters),
        )
        return render_template(
            "certificates/unprintable.html",
            code=codes.display(certificate.code),
            characters=fonts.code_points(missing.characters),
        ), 422
    response = Response(body, mimetype="application/pdf")
    filename = f"certificate-{codes.display(certificate.code)}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _linked_data(body: bytes, mimetype: str = "application/ld+json") -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.app_template_global()
def open_badge_url(code: str) -> str | None:
    """The credential's link for pages, or None while LMS_BASE_URL is unset."""
    try:
        did.base_url()
    except did.NotConfigured:
        return None
    return url_for("certificates.credential", code=code)


@bp.get("/<code>/credential.json", endpoint="credential")
@public
@limiter.limit(_verify_limit)
def credential(code: str):
    certificate = services.find(code)
    if certificate is None:
        return jsonify(error="not_found"), 404
    moved = _canonical(certificate, code, "certificates.credential")
    if moved:
        return moved
    try:
        body = credentials.served(certificate)
    except did.NotConfigured:
        body = None
    if body is None:
        return jsonify(error="not_available"), 404
    response = _linked_data(body)
    filename = f"open-badge-{codes.display(certificate.code)}.json"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/status/<int:number>", endpoint="status_list")
@public
def status_list_credential(number: int):
    try:
        body = status_list.served(number)
    except did.NotConfigured:
        body = None
    if body is None:
        return jsonify(error="not_found"), 404
    return _linked_data(body)


@public
def did_document():
    """Registered on the app at ``/.well-known/did.json`` and ``/did.json``; answers at the
    one did:web puts the document for ``LMS_BASE_URL`` (see did.py), 404 elsewhere."""
    try:
        base = did.base_url()
    except did.NotConfigured:
        return jsonify(error="not_configured"), 404
    if request.path != did.document_path(base):
        return jsonify(error="not_found"), 404
    body = json.dumps(did.document(), indent=2).encode("utf-8")
    return _linked_data(body, mimetype="application/did+ld+json")


@bp.get("/<code>")
@public
@limiter.limit(_verify_limit)
def verify(code: str):
    wants_json = _prefers("text/html", "application/json") == "application/json"
    certificate = services.find(code)
    if certificate is None:
        if wants_json:
            return jsonify(error="not_found"), 404
        abort(404)
    moved = _canonical(certificate, code, "certificates.verify")
    if moved:
        return moved
    if wants_json:
        response = jsonify(documents.document(certificate))
    else:
        user = current_user if current_user.is_authenticated else None
        may_download = user is not None and services.may_download(user, certificate)
        panels = (
            events.panels(
                events.certificate_page_panels,
                events.CertificatePage(
                    certificate_id=certificate.id,
                    user_id=certificate.user_id,
                    course_id=certificate.course_id,
                    version_id=certificate.version_id,
                    enrolment_id=certificate.enrolment_id,
                    issued_at=certificate.issued_at,
                ),
            )
            if may_download  # the holder and their admins, not the public
            else []
        )
        response = Response(
            render_template(
                "certificates/verify.html",
                certificate=certificate,
                code=codes.display(certificate.code),
                status=services.status(certificate),
                is_site_admin=user is not None and user.has_role(Role.site_admin),
                may_download=may_download,
                public_key_url=_public_key_url(),
                panels=panels,
            )
        )
    response.vary.add("Accept")
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


def _public_key_url() -> str:
    """The key's address as the page shows it: absolute from ``LMS_BASE_URL``, or (only
    where no base is configured: production refuses to start so) the path alone."""
    try:
        return absolute_url("certificates.public_key")
    except BaseUrlMissing:
        return url_for("certificates.public_key")


@bp.route("/<code>/revoke", methods=["GET", "POST"])
@roles_required(Role.site_admin)
def revoke(code: str):
    """The confirmation page with the reason field; ``?next=`` (a local path, e.g. the
    admin's page of the person) is where to go back to."""
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    shown = codes.display(certificate.code)
    back = safe_next(request.args.get("next"), url_for("certificates.verify", code=shown))
    form = RevokeForm()
    if certificate.revoked_at is None and form.validate_on_submit():
        if services.revoke(certificate, current_user._get_current_object(), form.reason.data):
            flash(_("The certificate is revoked."), "success")
        else:
            flash(_("The certificate was already revoked."), "info")
        return redirect(back)
    status = 422 if form.errors else 200
    return render_template(
        "certificates/revoke.html", certificate=certificate, code=shown, form=form, back=back
    ), status


def person_panel(sender, payload) -> Markup | None:
    """The person's certificates on a site admin's page of them, with the revoke action
    (sent by the core through ``person_admin_panels``)."""
    rows = services.rows(services.for_user(payload.user_id))
    return Markup(
        render_template(
            "certificates/_admin_panel.html",
            rows=rows,
            back=url_for("admin.user", user_id=payload.user_id),
            warning_days=current_app.config.get("LMS_EXPIRY_WARNING_DAYS", 60),
        )
    )


def dashboard_panel(sender, payload) -> Markup | None:
    """The learner's certificates on /me/ (sent by enrolment through ``dashboard_panels``)."""
    rows = services.rows(services.for_user(payload.user_id))
    if not rows:
        return None
    return Markup(
        render_template(
            "certificates/_panel.html",
            rows=rows,
            titles=services.titles_in({r.certificate.version_id for r in rows}, str(get_locale())),
            warning_days=current_app.config.get("LMS_EXPIRY_WARNING_DAYS", 60),
        )
    )
