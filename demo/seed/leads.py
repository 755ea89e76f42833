"""Demo leads in every state: open (one urgent and overdue, one missed call), won by
converting (a contact matched to a client by phone, a client's lead into an estimate) and
lost with a reason."""

from datetime import timedelta
from random import Random

from django.utils import timezone

from clients.models import Client, ClientPhone
from leads import services as lead_services
from leads.models import LeadType, LostReason

from .content import Content


def load(rng: Random, content: Content, employees) -> None:
    admin, manager, tech = employees[:3]
    now = timezone.now()
    clients = list(Client.objects.order_by("pk")[24:30])
    missed_call = LeadType.objects.get(system_code=LeadType.SystemCode.MISSED_CALL)
    (name, phone, description), (urgent_name, urgent_phone, urgent_description) = (
        content.contact_leads
    )
    lead_services.lead_create(
        actor=manager,
        contact_name=name,
        contact_phone=phone,
        description=description,
        deadline=now + timedelta(days=1),
    )
    lead_services.lead_create(
        actor=manager,
        contact_name=urgent_name,
        contact_phone=urgent_phone,
        description=urgent_description,
        urgent=True,
        deadline=now - timedelta(hours=3),
        manager=tech,
    )
    lead_services.lead_create(
        actor=admin, client=clients[0], lead_type=missed_call, manager=manager
    )
    # A contact who is already a client, typed in another format: converting finds them.
    known = ClientPhone.objects.filter(client=clients[1]).first()
    if known is not None:
        matched = lead_services.lead_create(
            actor=manager,
            contact_name=str(clients[1]),
            contact_phone=content.phone_typed(known.number),
            description=rng.choice(content.malfunctions),
        )
        lead_services.lead_convert(actor=manager, lead=matched, to="order")
    quote = lead_services.lead_create(
        actor=manager, client=clients[2], description=content.quote_description
    )
    lead_services.lead_convert(actor=manager, lead=quote, to="estimate")
    lost_name, lost_phone = content.lost_contact
    lost = lead_services.lead_create(actor=tech, contact_name=lost_name, contact_phone=lost_phone)
    lead_services.lead_mark_lost(
        actor=tech,
        lead=lost,
        reason=LostReason.objects.filter(active=True).first(),
        comment=content.lost_comment,
    )
