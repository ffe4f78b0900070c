"""What the authoring services raise when a change is not made; views show ``str()``."""

from __future__ import annotations


class Refused(Exception):
    """A change that was not made; ``str()`` is the reason in the user's language."""


class Conflict(Refused):
    """The file changed (or went) since the educator opened it: ``theirs`` is the stored file
    now (None: deleted or renamed), their own text stays with the form."""

    def __init__(self, message: str, theirs=None):
        super().__init__(message)
        self.theirs = theirs
