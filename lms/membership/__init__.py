"""Centre membership, part of the core: who belongs to which centre, decided by the centre.

- :mod:`.services` asks, confirms, declines, places, moves and removes (the only writer of
  ``User.centre_id``), audits each change and sends ``membership_changed``;
- :mod:`.domains` holds the centres' e-mail domains and the proof of an address;
- :mod:`.views` the pages: ``/centre/members`` for centre and site admins, the person's
  requests from ``/auth/profile``, ``/auth/verify-email/<token>``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("membership", __name__, template_folder="templates")

from lms.membership import person_views, views  # noqa: E402, F401  (routes on bp)
