"""The reference for bench_pages.py: Flask's "Hello, World!" and nothing else (no hooks, no
session, no extensions), served by gunicorn with the same settings as the app."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
