"""The authoring blueprint, shared by its view modules; its script is a bundled static file."""

from flask import Blueprint

bp = Blueprint(
    "authoring",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/_static",  # "_" cannot start a course address
)
