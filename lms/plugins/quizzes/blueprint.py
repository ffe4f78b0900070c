"""The quizzes blueprint, shared by the view modules (learners, preview, educators, grants)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quizzes", __name__, template_folder="templates")
