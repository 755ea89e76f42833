"""With debug off, every error is Oficina's own page: translated, with a way back, never
Django's debug page (which lists every URL) nor its bare "Not Found"."""

import pytest
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import restore_builtin_roles
from clients.tests.factories import ClientFactory
from core.views import server_error


@pytest.fixture(autouse=True)
def builtin_roles(db):
    restore_builtin_roles()


def html(response) -> str:
    return response.content.decode()


def test_a_specialist_opening_the_balance_tab_sees_the_products_404(client, specialist):
    """The Balance tab is not a Specialist's: the tab answers 404, shown as Oficina's page."""
    shop_client = ClientFactory()
    client.force_login(specialist)
    profile = reverse("clients:profile", args=[shop_client.pk])
    response = client.get(
        f"/clients/{shop_client.pk}/balance/", HTTP_REFERER=f"http://testserver{profile}"
    )
    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page
    assert "URLconf" not in page and "DEBUG" not in page
    assert f'id="error-back" href="http://testserver{profile}"' in page
    assert f'id="error-home" href="{reverse("clients:list")}"' in page
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_address_offers_sign_in_to_someone_signed_out(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page
    assert 'id="error-login" href="/login/?next=/no-such-page/"' in page
    assert 'id="error-back"' not in page


def test_a_link_back_is_offered_only_to_a_page_of_this_site(client):
    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/phish")
    assert 'id="error-back"' not in html(response)


def test_the_404_page_speaks_portuguese(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    page = html(response)
    assert 'lang="pt-br"' in page
    assert "Página não encontrada" in page
    assert "Entrar" in page


def test_a_denied_page_is_the_products_403_with_the_reason(client, specialist):
    client.force_login(specialist)
    response = client.get(reverse("settings"))
    assert response.status_code == 403
    page = html(response)
    assert "Access denied" in page
    assert "ask an administrator" in page
    assert 'id="error-home"' in page


def test_a_failed_csrf_check_is_explained_in_both_languages(specialist):
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(specialist)
    response = browser.post(reverse("accounts:logout"))
    assert response.status_code == 403
    assert "The form has expired" in html(response)
    assert "Nothing was saved" in html(response)
    response = browser.post(reverse("accounts:logout"), HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "O formulário expirou" in html(response)


def test_the_api_answers_its_errors_in_json(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.urls("core.tests.error_urls")
def test_a_server_error_is_the_products_500_page():
    browser = HttpClient(raise_request_exception=False)
    response = browser.get("/broken/?x=1")
    assert response.status_code == 500
    page = html(response)
    assert "Something went wrong" in page
    assert 'id="error-retry" href="/broken/?x=1"' in page
    assert 'id="error-home" href="/"' in page
    response = browser.get("/broken/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Algo deu errado" in html(response)


class Unreachable:
    """A session, user or database that fails as soon as it is touched."""

    def __getattr__(self, name):
        raise AssertionError(f"the 500 page touched {name}")


def test_the_500_page_needs_no_session_user_or_database(django_assert_num_queries):
    request = RequestFactory().post("/orders/1/close/")
    request.session = Unreachable()
    request.user = Unreachable()
    with translation.override("pt-br"), django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    page = html(response)
    assert "Algo deu errado" in page
    assert 'lang="pt-br"' in page
    assert 'id="error-retry"' not in page  # a POST is not repeated by a link
