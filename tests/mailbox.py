"""Reading what the app wrote for delivery (the outbox), for tests."""

from __future__ import annotations


def bodies_to(app, address: str) -> list[str]:
    """The text bodies of the messages to ``address``, oldest first."""
    return [m.get_content() for m in app.extensions.get("lms.outbox", []) if m["To"] == address]
