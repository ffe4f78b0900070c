"""Access rules, denying by default.

Every view declares who may call it: :func:`public`, :func:`login_required` or
:func:`roles_required`. A request for a view that declares nothing is refused with 403 for
everyone, so a forgotten decorator fails closed instead of leaking a page. The check runs
in ``before_request`` (see :func:`enforce`), before the view itself.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user

from lms.extensions import login_manager
from lms.models import Role

ANY_USER = "any"


def public(view: Callable) -> Callable:
    view._lms_access = None  # type: ignore[attr-defined]
    return view


def login_required(view: Callable) -> Callable:
    view._lms_access = ANY_USER  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view._lms_access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def access_rule(view: Callable | None):
    """The declared rule of a view, or ``...`` (Ellipsis) when it declares none."""
    target = view
    while target is not None:
        if hasattr(target, "_lms_access"):
            return target._lms_access
        target = getattr(target, "__wrapped__", None) or getattr(target, "view_class", None)
    return ...


def enforce():
    """``before_request`` hook: apply the view's declared rule."""
    if request.endpoint is None:
        return None  # 404 / 405 follow
    if request.endpoint == "static" or request.endpoint.endswith(".static"):
        return None
    rule = access_rule(current_app.view_functions.get(request.endpoint))
    if rule is ...:
        current_app.logger.error("view %s declares no access rule: refused", request.endpoint)
        abort(403)
    if rule is None:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule != ANY_USER and not current_user.has_role(*rule):
        abort(403)
    return None
