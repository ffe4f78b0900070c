"""ATMP Learn. ``create_app`` is the application factory and does nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def _config_object(config):
    import os

    from config import CONFIGS

    if config is None:
        return CONFIGS[os.environ.get("LMS_CONFIG", "production")]
    if isinstance(config, str):
        return CONFIGS[config]
    return config


def create_app(config: object | str | Mapping | None = None) -> Flask:
    """Build an app. ``config``: a config class, its name, or a mapping of overrides on top
    of the testing config (for tests)."""
    from config import TestingConfig
    from lms import cli, core, favicon, fragments, health, i18n, mail, params, records, security
    from lms.auth import bp as auth_bp
    from lms.auth import panels as auth_panels
    from lms.auth.admin import bp as admin_bp
    from lms.content import models as content_models  # noqa: F401  (tables for Alembic)
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
    from lms.i18n import select_locale
    from lms.mail import models as mail_models  # noqa: F401  (tables for Alembic)
    from lms.membership import bp as membership_bp
    from lms.plugins import load_plugins
    from lms.templating import init_templating

    app = Flask(__name__, instance_relative_config=False)
    if isinstance(config, Mapping):
        app.config.from_object(TestingConfig)
        app.config.update(config)
    else:
        app.config.from_object(_config_object(config))
    if app.config.get("ENV_NAME") == "production":
        from lms.deploy import assert_production_ready

        assert_production_ready(app.config)
    if app.config["LMS_TRUSTED_PROXIES"]:
        n = app.config["LMS_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore
    health.install(app)
    favicon.install(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    records.install(db.session)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    i18n.init_app(app, babel)
    login_manager.init_app(app)
    login_manager.user_loader(security.load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    security.init_app(app)
    mail.init_app(app)
    params.init_app(app)  # before any route: it sets the ``int`` converter

    app.register_blueprint(core.bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(membership_bp)
    core.register_error_handlers(app)
    auth_panels.init_app(app)
    load_plugins(app)
    init_templating(app)
    fragments.init_app(app)
    cli.init_app(app)

    from lms.access import enforce

    app.before_request(enforce)
    return app
