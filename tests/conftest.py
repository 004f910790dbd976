"""Personas and switches shared by the whole suite."""

import functools
import os
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from fulfilment.roles import Role
from tests.factories import UserFactory


def _postgres() -> bool:
    return connection.vendor == "postgresql"


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@functools.cache
def _chromium() -> bool:
    """Debian's Chromium, installed here when it is missing and the machine allows it
    (root and apt-get, as in CI and the Docker image); otherwise the browser tests skip."""
    if os.access(CHROMIUM, os.X_OK):
        return True
    if CHROMIUM != "/usr/bin/chromium" or os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "chromium"],
    ):
        try:
            done = subprocess.run(command, env=environment, capture_output=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired):
            return False
        if done.returncode != 0:
            return False
    return os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Skip service-bound tests where the service is not configured, with the reason.

    CI sets REQUIRE_SERVICES=1 for its PostgreSQL + Redis run (Chromium it installs here):
    there a missing service is an error, so those tests can never be skipped silently.
    """
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    checks = {
        "postgres": (_postgres, "needs PostgreSQL: set DATABASE_URL=postgres://..."),
        "browser": (
            _chromium,
            f"needs Chromium at {CHROMIUM}: not there, and apt-get could not install it",
        ),
    }
    for item in items:
        for marker, (available, reason) in checks.items():
            if marker in item.keywords and not available():
                if required:
                    raise pytest.UsageError(f"REQUIRE_SERVICES=1 but {item.nodeid} {reason}")
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english(settings):
    """Assertions read English; tests of the Russian translation switch explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _celery_inline():
    """Tasks queued after commit run in-process; the Redis test turns this off."""
    from fulfilment.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def departments(db):
    """The departments the data migration made, by code."""
    from fulfilment.handover.models import Department

    return {department.code: department for department in Department.objects.all()}


def clerk(username: str, role: str, department, *, head: bool = False, **fields):
    user = UserFactory(username=username, roles=[role], **fields)
    department.members.add(user)
    if head:
        department.head = user
        department.save()
    return user


@pytest.fixture
def finance_head(departments):
    return clerk("fin-head", Role.FINANCE, departments["finance"], head=True)


@pytest.fixture
def customs_clerk(departments):
    return clerk("dmitry", Role.FOREIGN_TRADE, departments["foreign_trade"], head=True)


@pytest.fixture
def legal_clerk(departments):
    return clerk("elena", Role.LEGAL, departments["legal"], head=True)


@pytest.fixture
def buyer(departments):
    return clerk("sergey", Role.PROCUREMENT, departments["procurement"], head=True)


@pytest.fixture
def manager(db):
    return UserFactory(
        username="anna", first_name="Анна", last_name="Петрова", roles=[Role.SALES_MANAGER]
    )


@pytest.fixture
def other_manager(db):
    return UserFactory(
        username="oleg", first_name="Олег", last_name="Смирнов", roles=[Role.SALES_MANAGER]
    )


@pytest.fixture
def director(db):
    return UserFactory(username="andrey", roles=[Role.OPERATIONS_DIRECTOR])


@pytest.fixture
def accountant(departments):
    return clerk("maria", Role.ACCOUNTING, departments["accounting"])


@pytest.fixture
def finance_clerk(departments):
    return clerk("irina", Role.FINANCE, departments["finance"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def client_of():
    """A logged-in test client for a user: ``client_of(manager).get(...)``."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
