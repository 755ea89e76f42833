"""The demo has leads in every state: open (one urgent and overdue), won by converting (a
contact matched to an existing client by phone), and lost with a reason."""

from io import StringIO

import pytest
from django.core.management import call_command

from leads.models import Lead

pytestmark = pytest.mark.django_db


def test_the_demo_has_open_won_and_lost_leads():
    call_command("seed_demo", stdout=StringIO())
    groups = set(Lead.objects.values_list("status__group", flat=True))
    assert groups == {"open", "won", "lost"}
    assert Lead.objects.filter(order__isnull=False, contact_phone__startswith="+").exists()
    assert Lead.objects.filter(estimate__isnull=False).exists()
    assert Lead.objects.filter(lost_reason__isnull=False).exists()
    assert Lead.objects.filter(lead_type__system_code="missed_call").exists()
    assert Lead.objects.filter(urgent=True, deadline__isnull=False).exists()
    converted = Lead.objects.get(order__isnull=False)
    assert converted.client.phones.filter(number=converted.contact_phone).exists()
