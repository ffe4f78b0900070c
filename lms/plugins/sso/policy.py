"""Per centre: "staff sign in through SSO only", and the receivers that enforce it."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from lms import audit, events
from lms.extensions import db
from lms.models import Centre, Role, User, utcnow
from lms.plugins.sso.models import CentrePolicy


def sso_only_centres() -> set[int]:
    return set(db.session.scalars(select(CentrePolicy.centre_id).where(CentrePolicy.sso_only)))


def set_sso_only(centre: Centre, sso_only: bool, *, actor: User) -> None:
    """Switch password login off (or on again) for a centre's people. Commits; audited."""
    policy = db.session.get(CentrePolicy, centre.id)
    if policy is None:
        policy = CentrePolicy(centre_id=centre.id, sso_only=False)
        db.session.add(policy)
    if policy.sso_only == sso_only:
        db.session.rollback()
        return
    policy.sso_only = sso_only
    policy.updated_at = utcnow()
    policy.updated_by_id = actor.id
    audit.record("sso.centre_policy", actor=actor, centre=centre.slug, sso_only=sso_only)
    db.session.commit()


def password_login_allowed(app: Flask, payload: events.PasswordLogin) -> bool:
    """Receiver of ``password_login_allowed``: False for a person of an SSO-only centre.

    Site admins keep their password (the way back in when an identity provider is down or
    misconfigured: without it nobody could switch the policy off again).
    """
    if payload.centre_id is None or Role.site_admin.value in payload.roles:
        return True
    policy = db.session.get(CentrePolicy, payload.centre_id)
    return not (policy is not None and policy.sso_only)
