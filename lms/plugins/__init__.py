"""The plugin contract and registry; the built-in plugins are the sub-packages.

(The design names this ``lms/plugins.py``; a module cannot share its name with the
``lms/plugins/`` package, so the contract lives in the package's ``__init__``.)

Built-in plugins are listed by name in ``LMS_PLUGINS`` and live in ``lms/plugins/<name>/``.
Installed packages add their own through the entry-point group ``lms.plugins``, so a
centre can ship single sign-on or an HR export without touching this repository. Any
plugin named in ``LMS_DISABLED_PLUGINS`` is skipped and the rest keeps working.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from flask import Blueprint, Flask

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "lms.plugins"
"""The entry-point group third-party plugins declare themselves in."""


@dataclass(frozen=True)
class NavEntry:
    """A link in the main navigation: a label (translatable), an endpoint, and an order."""

    label: Any
    endpoint: str
    order: int = 50
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Plugin:
    """What a plugin declares about itself.

    ``nav`` is a function of the current user returning the nav entries that user may see.
    ``init_app`` is called once per app after the blueprint is registered; it connects the
    plugin's receivers with :func:`lms.events.connect`.
    """

    name: str
    blueprint: Blueprint | None = None
    url_prefix: str | None = None
    nav: Callable[[Any], Iterable[NavEntry]] | None = None
    init_app: Callable[[Flask], None] | None = None
    description: str = ""


class PluginError(RuntimeError):
    pass


def _builtin(name: str) -> Plugin:
    try:
        module = importlib.import_module(f"lms.plugins.{name}")
    except ModuleNotFoundError as exc:
        raise PluginError(f"built-in plugin {name!r} not found") from exc
    plugin = getattr(module, "plugin", None)
    if not isinstance(plugin, Plugin):
        raise PluginError(f"lms.plugins.{name} has no `plugin = Plugin(...)`")
    return plugin


def _from_entry_points() -> list[Plugin]:
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        plugin = ep.load()
        if not isinstance(plugin, Plugin):
            raise PluginError(f"entry point {ep.name!r} does not point at a Plugin")
        found.append(plugin)
    return found


def load_plugins(app: Flask) -> dict[str, Plugin]:
    """Register every enabled plugin's blueprint and call its ``init_app``."""
    disabled = set(app.config.get("LMS_DISABLED_PLUGINS", []))
    candidates = [_builtin(name) for name in app.config.get("LMS_PLUGINS", [])]
    if app.config.get("LMS_ENTRY_POINT_PLUGINS", True):
        candidates += _from_entry_points()
    registry: dict[str, Plugin] = {}
    for plugin in candidates:
        if plugin.name in disabled:
            log.info("plugin %s disabled by config", plugin.name)
            continue
        if plugin.name in registry:
            raise PluginError(f"two plugins are named {plugin.name!r}")
        if plugin.blueprint is not None:
            if plugin.blueprint.name != plugin.name:
                raise PluginError(f"plugin {plugin.name!r}: blueprint name must match")
            app.register_blueprint(plugin.blueprint, url_prefix=plugin.url_prefix)
        if plugin.init_app is not None:
            plugin.init_app(app)
        registry[plugin.name] = plugin
    app.extensions["lms.plugins"] = registry
    return registry


def enabled_plugins(app: Flask) -> dict[str, Plugin]:
    return app.extensions.get("lms.plugins", {})


def nav_entries(app: Flask, user) -> list[NavEntry]:
    entries: list[NavEntry] = []
    for plugin in enabled_plugins(app).values():
        if plugin.nav is not None:
            entries.extend(plugin.nav(user))
    return sorted(entries, key=lambda entry: entry.order)
