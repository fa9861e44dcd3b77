"""The disciplinary flow on django-viewflow 2 as a Django site: ``uvicorn --factory
bench.peers.viewflow_site:create`` serves it over ASGI, one worker, as drukflow is served.

Django is configured here, not by a settings module on disk, so the bench needs no project
layout: the database is the SQLite file of BENCH_DATABASE_URL, in WAL with every commit
synced (``synchronous=FULL``, as drukflow's), transactions begin IMMEDIATE, and the
connection persists between requests (what a production setting does). The migrations are
Django's and viewflow's own, run at start.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from django.conf import settings

from bench.app_factory import URL_VARIABLE


def configure(url: str) -> None:
    """Django set up on the SQLite file ``url`` names, and migrated; once per process."""
    if settings.configured:
        return
    path = url.split("sqlite:///", 1)[-1]
    settings.configure(
        DEBUG=False,
        SECRET_KEY="drukflow-bench-peer",  # noqa: S106 - a throwaway bench site
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="bench.peers.viewflow_views",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "viewflow",
            "viewflow.workflow",
            "bench.peers",  # the app holding the flow: viewflow refers to flows by app
        ],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": path,
                "CONN_MAX_AGE": None,
                "OPTIONS": {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 30,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                },
            }
        },
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # setup only
    )
    django.setup()
    from django.core.management import call_command

    from bench.peers import viewflow_flow  # noqa: F401 - its permissions exist after migrate

    call_command("migrate", verbosity=0, interactive=False)


def setup(url: str) -> None:
    """Django configured and migrated, the committee member made."""
    configure(url)
    from bench.peers import viewflow_views

    viewflow_views.committee()


def create() -> Any:
    # uvicorn calls the factory inside its event loop, where Django refuses to touch the
    # database: the migration and the member are made on a thread of their own.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(setup, os.environ[URL_VARIABLE]).result()
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def create_threaded() -> Any:
    """The same site as Django's WSGI application in uvicorn's thread pool (10 threads):
    views run concurrently, as under gunicorn's gthread workers, where ASGI runs every
    sync view on one thread."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(setup, os.environ[URL_VARIABLE]).result()
    from django.core.wsgi import get_wsgi_application
    from uvicorn.middleware.wsgi import WSGIMiddleware

    return WSGIMiddleware(get_wsgi_application())
