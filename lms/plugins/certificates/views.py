"""Certificate pages. Thin: services decide and write, templates show.

Rule order matters: ``/<code>.pdf`` and the fixed paths are declared before ``/<code>``
and Werkzeug prefers the rule with more static text, so ``X.pdf`` is never read as a code.
"""

from __future__ import annotations

import base64

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
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.access import login_required, public, roles_required
from lms.extensions import limiter
from lms.models import Role
from lms.plugins.certificates import codes, documents, fonts, pdf, services, signing
from lms.plugins.certificates.forms import RevokeForm

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
        body = pdf.render(certificate, services.verification_url(certificate))
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
        response = Response(
            render_template(
                "certificates/verify.html",
                certificate=certificate,
                code=codes.display(certificate.code),
                status=services.status(certificate),
                is_site_admin=user is not None and user.role == Role.site_admin,
                may_download=user is not None and services.may_download(user, certificate),
            )
        )
    response.vary.add("Accept")
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


@bp.route("/<code>/revoke", methods=["GET", "POST"])
@roles_required(Role.site_admin)
def revoke(code: str):
    certificate = services.find(code)
    if certificate is None:
        abort(404)
    form = RevokeForm()
    if certificate.revoked_at is None and form.validate_on_submit():
        if services.revoke(certificate, current_user._get_current_object(), form.reason.data):
            flash(_("The certificate is revoked."), "success")
        else:
            flash(_("The certificate was already revoked."), "info")
        return redirect(url_for("certificates.verify", code=codes.display(certificate.code)))
    status = 422 if form.errors else 200
    return render_template(
        "certificates/revoke.html",
        certificate=certificate,
        code=codes.display(certificate.code),
        form=form,
    ), status


def dashboard_panel(sender, payload) -> Markup | None:
    """The learner's certificates on /me/ (sent by enrolment through ``dashboard_panels``)."""
    rows = services.rows(services.for_user(payload.user_id))
    if not rows:
        return None
    return Markup(
        render_template(
            "certificates/_panel.html",
            rows=rows,
            warning_days=current_app.config.get("LMS_EXPIRY_WARNING_DAYS", 60),
        )
    )
