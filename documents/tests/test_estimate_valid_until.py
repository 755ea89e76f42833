"""An estimate's "valid until" cannot be a day already gone — on the page, in the API and in
the service — while an old estimate whose date has since passed can still be edited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from documents.estimates import EstimateError, estimate_create, estimate_update
from documents.models import Estimate

from .api_helpers import ESTIMATES, url

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def client_():
    return ClientFactory(first_name="Beatriz", last_name="Nogueira")


@pytest.fixture
def stale(manager, client_, today):
    """An estimate written a month ago, valid for a week then."""
    estimate = estimate_create(actor=manager, client=client_)
    Estimate.objects.filter(pk=estimate.pk).update(valid_until=today - datetime.timedelta(days=23))
    estimate.refresh_from_db()
    return estimate


def test_the_service_refuses_a_past_date_and_takes_today(manager, client_, today):
    with pytest.raises(EstimateError) as refused:
        estimate_create(
            actor=manager, client=client_, valid_until=today - datetime.timedelta(days=1)
        )
    assert "cannot be in the past" in str(refused.value.message_dict["valid_until"])
    assert not Estimate.objects.exists()
    assert estimate_create(actor=manager, client=client_, valid_until=today).valid_until == today


def test_an_old_estimate_keeps_its_passed_date_but_cannot_be_given_another(manager, stale, today):
    passed = stale.valid_until
    estimate_update(actor=manager, estimate=stale, description="Called back", valid_until=passed)
    assert Estimate.objects.get(pk=stale.pk).description == "Called back"
    with pytest.raises(EstimateError):
        estimate_update(
            actor=manager, estimate=stale, valid_until=passed + datetime.timedelta(days=1)
        )
    assert Estimate.objects.get(pk=stale.pk).valid_until == passed
    estimate_update(actor=manager, estimate=stale, valid_until=None)
    assert Estimate.objects.get(pk=stale.pk).valid_until is None


def test_the_api_refuses_a_past_date_with_a_clear_message(api_as, manager, client_, today):
    api = api_as(manager)
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    response = api.post(ESTIMATES, {"client": client_.pk, "valid_until": yesterday}, format="json")
    assert response.status_code == 400, response.content
    assert "cannot be in the past" in str(response.json()["valid_until"])
    assert not Estimate.objects.exists()


def test_the_api_saves_an_old_estimate_sent_back_unchanged(api_as, manager, stale):
    api = api_as(manager)
    response = api.patch(
        url(ESTIMATES, stale.pk),
        {"description": "Still interested", "valid_until": stale.valid_until.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "Still interested"


def test_the_dialog_refuses_a_past_date_and_saves_an_unchanged_old_one(
    client, manager, client_, stale, today
):
    client.force_login(manager)
    yesterday = today - datetime.timedelta(days=1)
    response = client.post(
        reverse("documents:estimate_create", args=[client_.pk]),
        {"manager": manager.pk, "valid_until": yesterday.isoformat(), "description": ""},
        **HX,
    )
    assert "cannot be in the past" in response.content.decode()
    assert Estimate.objects.count() == 1
    response = client.post(
        reverse("documents:estimate_edit", args=[stale.pk]),
        {
            "manager": manager.pk,
            "valid_until": stale.valid_until.isoformat(),
            "description": "Kept",
        },
        **HX,
    )
    assert response.status_code == 200
    assert "cannot be in the past" not in response.content.decode()
    assert Estimate.objects.get(pk=stale.pk).description == "Kept"
