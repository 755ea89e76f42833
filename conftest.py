"""Fixtures every app's tests share: employees per role, API clients, and the browser."""

import os

import pytest
from rest_framework.test import APIClient

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _english_by_default():
    """Each test starts in the installation's language and leaves no other one behind.

    A request served in pt-BR (LocaleMiddleware) or an ``activate()`` leaves that language on
    the worker thread; the next test on the same xdist worker would then read Portuguese.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def make_employee(db):
    from accounts.tests.factories import EmployeeFactory

    def make(role_code: str = "manager", **fields):
        return EmployeeFactory(role_code=role_code, **fields)

    return make


@pytest.fixture
def admin(make_employee):
    return make_employee("admin", login="boss")


@pytest.fixture
def manager(make_employee):
    return make_employee("manager", login="mgr")


@pytest.fixture
def specialist(make_employee):
    return make_employee("specialist", login="techie")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """An API client authenticated with the employee's token."""
    from rest_framework.authtoken.models import Token

    def login(employee) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=employee)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return login


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
