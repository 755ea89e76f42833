"""Reads about conversations that the inbox, the client's section and the conversation view
share. Every list starts from ``Conversation.objects.visible_to``; what a row or a message
shows is read here, once, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import Employee
from clients.models import Client, ClientPhone
from clients.selectors import client_search
from core.phones import phone_search_key
from core.text import fold

from .access import has_conversation_access
from .models import Channel, Conversation, Message

PAGE_SIZE = 25
MESSAGES_PAGE = 30
# A reconnecting browser catches up at most this many messages at once; it asks again for more.
MESSAGES_CATCH_UP = 200
MAX_QUERY = 100
CLIENT_MATCHES = 10

STATUSES = ("open", "closed", "all")
SCOPES = ("all", "mine", "unassigned")


def conversation_rows(employee) -> QuerySet[Conversation]:
    """The conversations ``employee`` may see, with what a row shows, newest activity first."""
    return Conversation.objects.visible_to(employee).with_row().order_by("-last_activity_at", "-id")


def conversation_search(queryset: QuerySet[Conversation], query: str) -> QuerySet[Conversation]:
    """By the client's or the contact's name (every word, accents and case ignored for
    clients) or a phone number in any format."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    e164, digits = phone_search_key(query)
    if e164:
        phones = ClientPhone.objects.filter(number=e164).values("client_id")
        return queryset.filter(Q(contact_phone=e164) | Q(client__in=phones))
    if len(digits) >= 4 and not any(ch.isalpha() for ch in query):
        phones = ClientPhone.objects.filter(number__contains=digits).values("client_id")
        return queryset.filter(Q(contact_phone__contains=digits) | Q(client__in=phones))
    by_client, by_contact = Q(), Q()
    for word in fold(query).split():
        by_client &= Q(client__search_name__contains=word)
    for word in query.split():
        by_contact &= Q(contact_name__icontains=word)
    return queryset.filter(by_client | by_contact)


def inbox_filter(
    queryset: QuerySet[Conversation],
    *,
    employee,
    status: str = "open",
    scope: str = "all",
    channel: Channel | None = None,
    search: str = "",
) -> QuerySet[Conversation]:
    """The inbox's filters: open / closed / all, mine / unassigned / all, one channel, and a
    name or phone."""
    if status in ("open", "closed"):
        queryset = queryset.filter(status=status)
    if scope == "mine":
        queryset = queryset.filter(assignee=employee)
    elif scope == "unassigned":
        queryset = queryset.filter(assignee__isnull=True)
    if channel is not None:
        queryset = queryset.filter(channel=channel)
    return conversation_search(queryset, search)


def inbox_channels(employee) -> QuerySet[Channel]:
    """The channels the inbox filter offers: those ``employee`` may access (deleted ones
    too, their history stays readable)."""
    return Channel.objects.accessible_to(employee).order_by("deleted_at", "name", "id")


def start_channels(employee) -> QuerySet[Channel]:
    """The channels ``employee`` may start a conversation on."""
    return Channel.objects.accessible_to(employee).live().order_by("name", "id")


def start_channel_proposal(channels: list[Channel], client: Client) -> Channel | None:
    """The channel "+ Conversation" proposes for ``client`` among ``channels`` (those the
    employee may start on): a shared one (every employee's) where the client is reachable —
    their latest conversation with a known address there —, else one where they have any
    conversation (an invitation waiting), else the first shared channel. Never a private
    channel ("owner only" or selected employees): choosing one is left to the employee, who
    sees it marked as private in the list. None when no shared channel is offered."""
    shared = {c.pk: c for c in channels if c.access == Channel.Access.ALL}
    if not shared:
        return None
    theirs = (
        Conversation.objects.filter(client=client, channel_id__in=list(shared))
        .order_by("-last_activity_at", "-pk")
        .values_list("channel_id", "external_id")
    )
    waiting = None
    for channel_id, external_id in theirs:
        if external_id:
            return shared[channel_id]
        waiting = waiting or shared[channel_id]
    return waiting or next(iter(shared.values()))


def _messages(conversation: Conversation) -> QuerySet[Message]:
    return Message.objects.filter(conversation=conversation).select_related("author")


def _with_attachments(messages: list[Message]) -> list[Message]:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(messages, "attachments")
    return messages


def messages_before(
    conversation: Conversation, before: int | None = None, limit: int = MESSAGES_PAGE
) -> tuple[list[Message], bool]:
    """The ``limit`` messages before the message ``before`` (the newest ones without it),
    oldest first, and whether there are earlier ones."""
    queryset = _messages(conversation)
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    newest_first = list(queryset.order_by("-id")[: limit + 1])
    more = len(newest_first) > limit
    return _with_attachments(newest_first[:limit][::-1]), more


def messages_after(
    conversation: Conversation, after: int, limit: int = MESSAGES_CATCH_UP
) -> list[Message]:
    """The messages after the message ``after``, oldest first, at most ``limit``."""
    return _with_attachments(list(_messages(conversation).filter(pk__gt=after)[:limit]))


def messages_by_ids(conversation: Conversation, ids: list[int]) -> list[Message]:
    """These messages of ``conversation`` (others are skipped), oldest first: what an open
    page asks for again when they changed, or to see whether they are still sending."""
    return _with_attachments(list(_messages(conversation).filter(pk__in=ids).order_by("id")))


def assignable_employees(conversation: Conversation) -> list[Employee]:
    """The active employees who may see ``conversation`` (its assignee candidates), by name.
    A shop has tens of employees: their roles are read once and checked here."""
    channel = conversation.channel
    employees = Employee.objects.filter(is_active=True).select_related("role")
    if channel.access == Channel.Access.OWNER:
        employees = employees.filter(pk=channel.owner_id)
    elif channel.access == Channel.Access.SELECTED:
        members = Channel.members.through.objects.filter(channel=channel).values("employee_id")
        employees = employees.filter(Q(pk__in=members) | Q(pk=channel.owner_id))
    return [e for e in employees.order_by("full_name", "id") if has_conversation_access(e)]


def client_matches(employee, query: str) -> list[Client]:
    """Clients to link a conversation to: name, phone or email, at most a handful."""
    # A NUL byte cannot reach PostgreSQL (it would be a 500); nobody types one on purpose.
    query = (query or "").replace("\x00", "").strip()[:MAX_QUERY]
    if not query:
        return []
    queryset = client_search(Client.objects.visible_to(employee), query)
    ordered = queryset.prefetch_related("phones").order_by("archived", "display_name", "id")
    return list(ordered[:CLIENT_MATCHES])


@dataclass
class ClientPanel:
    """What the panel beside a conversation shows about its client."""

    client: Client
    phones: list = field(default_factory=list)
    balance_state: object = None
    orders: list = field(default_factory=list)
    can_see_orders: bool = False


def client_panel(client: Client | None, employee) -> ClientPanel | None:
    """The client's name, phones, balance (for those who may see balances) and open work
    orders in the employee's document scope; None when the employee may not see clients."""
    if client is None or not employee.has_perm("clients.view"):
        return None
    from documents.permissions import can_view_documents
    from documents.selectors import client_open_orders
    from ledger.selectors import balance_state

    panel = ClientPanel(client=client, phones=list(client.phones.all()))
    if employee.has_perm("ledger.view_balance"):
        panel.balance_state = balance_state(client.balance)
    if can_view_documents(employee):
        panel.can_see_orders = True
        panel.orders = client_open_orders(client, employee)
    return panel
