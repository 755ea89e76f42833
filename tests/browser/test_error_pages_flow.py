"""Every error page as a browser sees it, in English and Brazilian Portuguese: the page
says what happened and its way back leads somewhere useful (the sign-in page, the page the
employee came from, the client list, the start page). Debug is off, as under `make run`."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory

pytestmark = [pytest.mark.slow, pytest.mark.urls("core.tests.error_urls")]


@dataclass(frozen=True)
class Words:
    code: str
    not_found: str
    denied: str
    expired: str
    failed: str
    sign_in: str
    back: str
    client_list: str
    start_page: str
    log_out: str


ENGLISH = Words(
    code="en",
    not_found="Page not found",
    denied="Access denied",
    expired="The form has expired",
    failed="Something went wrong",
    sign_in="Sign in",
    back="Back to the previous page",
    client_list="Go to the client list",
    start_page="Go to the start page",
    log_out="Log out",
)
PORTUGUESE = Words(
    code="pt-br",
    not_found="Página não encontrada",
    denied="Acesso negado",
    expired="O formulário expirou",
    failed="Algo deu errado",
    sign_in="Entrar",
    back="Voltar à página anterior",
    client_list="Ir para a lista de clientes",
    start_page="Ir para a página inicial",
    log_out="Sair",
)


@pytest.fixture(autouse=True)
def builtin_roles(transactional_db):
    restore_builtin_roles()


def speak(page: Page, base: str, words: Words) -> None:
    page.context.add_cookies([{"name": "django_language", "value": words.code, "url": base}])


def sign_in(page: Page, base: str, login: str) -> None:
    page.goto(base + "/login/")
    page.locator("input[name=username]").fill(login)
    page.locator("input[name=password]").fill(login)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/clients/")


@pytest.mark.parametrize("words", [ENGLISH, PORTUGUESE], ids=["en", "pt-br"])
def test_every_error_page_explains_itself_and_leads_back(
    page: Page, live_server, specialist, words
):
    base = live_server.url
    shop_client = ClientFactory(first_name="Beatriz", last_name="Nogueira")
    speak(page, base, words)

    # Signed out, an unknown address: the way back is the sign-in page.
    response = page.goto(base + "/no-such-page/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", words.code)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.not_found)
    expect(page.locator("body")).not_to_contain_text("URLconf")
    page.get_by_role("link", name=words.sign_in, exact=True).click()
    expect(page).to_have_url(base + "/login/?next=/no-such-page/")

    sign_in(page, base, specialist.login)

    # A Specialist follows a link to the Balance tab, which is not theirs: Oficina's 404,
    # and the way back is the client's page they came from.
    profile = f"{base}/clients/{shop_client.pk}/"
    page.goto(profile)
    page.evaluate("url => { window.location.href = url; }", f"{profile}balance/")
    expect(page.get_by_role("heading", level=1)).to_have_text(words.not_found)
    expect(page.locator("body")).not_to_contain_text("DEBUG")
    page.get_by_role("link", name=words.back).click()
    expect(page).to_have_url(profile)

    # A settings page their role does not allow: 403, back to the client list.
    response = page.goto(base + "/settings/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(words.denied)
    page.get_by_role("link", name=words.client_list).click()
    expect(page).to_have_url(base + "/clients/")

    # A form whose security token no longer matches: the CSRF page, nothing done.
    page.locator("form[action='/logout/'] input[name=csrfmiddlewaretoken]").evaluate(
        "input => { input.value = 'x'.repeat(64); }"
    )
    page.get_by_role("button", name=words.log_out).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words.expired)
    page.get_by_role("link", name=words.client_list).click()
    expect(page).to_have_url(base + "/clients/")  # still signed in: the log-out was refused

    # A bug: the 500 page, standalone, with a way to the start page.
    response = page.goto(base + "/broken/")
    assert response.status == 500
    expect(page.locator("html")).to_have_attribute("lang", words.code)
    expect(page.get_by_role("heading", level=1)).to_have_text(words.failed)
    page.get_by_role("link", name=words.start_page).click()
    expect(page).to_have_url(base + "/clients/")
