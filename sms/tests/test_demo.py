import pytest
from django.core.management import call_command

from sms.models import SmsMessage, SmsTemplate


@pytest.mark.django_db
def test_demo_has_sms_in_several_statuses_and_two_templates(settings):
    settings.OFICINA_DEMO_ALLOWED = True
    call_command("seed_demo", verbosity=0)
    assert SmsTemplate.objects.count() == 2
    assert SmsMessage.objects.values("status").distinct().count() >= 4
