"""Leads for tests. Writes in tests go through ``leads.services``; these factories set up the
rows a test starts from (``LeadFactory`` writes a lead directly, numbered apart from the
sequence, for bulk and query-count tests)."""

import factory

from leads.models import Lead, LeadStatus, LeadType, LostReason


def builtin_type(code: str = "lead") -> LeadType:
    return LeadType.objects.get(system_code=code)


def status_named(name: str) -> LeadStatus:
    return LeadStatus.objects.get(name=name)


class LeadTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadType

    name = factory.Sequence(lambda n: f"Type {n}")
    position = 10


class LeadStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadStatus

    name = factory.Sequence(lambda n: f"Status {n}")
    group = LeadStatus.Group.OPEN
    color = "#123456"
    position = 10


class LostReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LostReason

    name = factory.Sequence(lambda n: f"Reason {n}")
    position = 10


class LeadFactory(factory.django.DjangoModelFactory):
    """An open lead of the built-in type "Lead" for a contact, written directly."""

    class Meta:
        model = Lead

    number = factory.Sequence(lambda n: f"T-{n:06d}")
    contact_name = factory.Faker("name")
    contact_phone = factory.Sequence(lambda n: f"+55119{n % 4 + 6}{n:07d}")
    lead_type = factory.LazyFunction(builtin_type)
    status = factory.LazyFunction(lambda: status_named("New"))
