from flask import Blueprint

bp = Blueprint("compliance", __name__, template_folder="templates")
