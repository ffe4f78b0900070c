"""The records plugin's blueprint (its views register on it)."""

from flask import Blueprint

bp = Blueprint("records", __name__, template_folder="templates")
