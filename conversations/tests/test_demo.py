import pytest
from django.core.management import call_command

from accounts.models import Employee
from conversations.models import Conversation


@pytest.mark.django_db
def test_demo_conversations_follow_channel_access(settings):
    settings.OFICINA_DEMO_ALLOWED = True
    call_command("seed_demo", verbosity=0)
    admin = Employee.objects.get(login="admin")
    manager = Employee.objects.get(login="manager")
    tech = Employee.objects.get(login="tech")
    assert Conversation.objects.visible_to(admin).count() == 4
    seen = Conversation.objects.visible_to(manager)
    assert seen.count() == 3  # the owner-only line is the admin's
    assert seen.filter(client__isnull=False).count() == 1
    assert seen.filter(unread_count=2, client__isnull=True).exists()
    assert seen.filter(status="closed").count() == 1
    assert not Conversation.objects.visible_to(tech).exists()  # no conversation access
