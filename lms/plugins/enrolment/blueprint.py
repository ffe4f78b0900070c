"""The plugin's one blueprint, shared by the learner and the centre views."""

from flask import Blueprint

bp = Blueprint("enrolment", __name__, template_folder="templates")
