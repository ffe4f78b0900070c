"""Destructive actions confirm first, also without JavaScript: one shared pattern.

A form for a destructive action (deactivate, leave a course, anonymise ...) posts as usual.
The view asks :func:`confirmed`; when the POST does not carry ``confirm=yes`` it answers
with :func:`confirmation_page`: a page that says exactly what will happen, with a button
that posts the same fields again (and its CSRF token) with ``confirm=yes``, and a link back.
Nothing changes until that second POST. (A script may add the field itself after a
``window.confirm``; the server-side page is what always works.)
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template, request

from lms.forms import Form


class ConfirmationForm(Form):
    """CSRF only: the fields to post again are written by the template."""


def confirmed() -> bool:
    """True when the POST carries ``confirm=yes`` (the confirmation page's button)."""
    return request.form.get("confirm") == "yes"


def confirmation_page(
    *,
    title: str,
    consequences: Iterable[str],
    action: str,
    button: str,
    back: str,
    fields: dict[str, str] | None = None,
):
    """The confirmation page (status 200): ``title`` as the heading, each of
    ``consequences`` as a sentence of what will happen, a form posting ``fields`` and
    ``confirm=yes`` to ``action`` with ``button`` as its label, and a "Cancel" link to
    ``back`` (a local URL the caller built)."""
    return render_template(
        "confirm.html",
        title=title,
        consequences=list(consequences),
        action=action,
        button=button,
        back=back,
        fields=fields or {},
        form=ConfirmationForm(),
    )
