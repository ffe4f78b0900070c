"""Who may call which endpoint, one module per part of the app.

Each module defines ``RULES`` (endpoint -> "public", "any" or a set of lms.models.Role) and
``SAMPLE_ARGS`` (URL argument name -> a value to build the URL with). tests/test_access.py
collects them all and checks every endpoint of the app is listed and behaves as declared.
"""

from __future__ import annotations

import importlib
import pkgutil

PUBLIC = "public"
ANY = "any"


def collect() -> tuple[dict, dict]:
    rules: dict = {}
    args: dict = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        overlap = set(rules) & set(module.RULES)
        assert not overlap, f"endpoints listed twice: {overlap}"
        rules.update(module.RULES)
        args.update(getattr(module, "SAMPLE_ARGS", {}))
    return rules, args
