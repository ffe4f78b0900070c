"""Accounts: register, log in and out, profile, passwords. Part of the core, not a plugin."""

from lms.auth.views import bp

__all__ = ["bp"]
