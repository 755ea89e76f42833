"""Every change to clients goes through these functions (views, API, commands, tests)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Client, ClientPhone, Tag

EDITABLE_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "name",
    "tax_id",
    "email",
    "address",
    "birthday",
    "notes",
    "marketing_source",
    "discount_goods",
    "discount_services",
    "custom_fields",
    "manager",
    "supplier",
    "conflicted",
)


@dataclass(frozen=True)
class PhoneInput:
    number: str  # already normalized to E.164
    label: str = ""
    notify: bool = True


# Apps that keep history about a client (the ledger, documents) register a guard that
# returns a reason when the client must not be deleted. Clients knows none of them.
DeleteGuard = Callable[[Client], str | None]
_delete_guards: list[DeleteGuard] = []


def register_delete_guard(guard: DeleteGuard) -> None:
    if guard not in _delete_guards:
        _delete_guards.append(guard)


class ClientDeleteRefused(Exception):
    """The client has history that must be kept: archive it instead."""


def _check_names(client: Client) -> None:
    if client.kind == Client.Kind.PERSON and not client.first_name.strip():
        raise ValidationError({"first_name": [_("A person needs a first name.")]})
    if client.kind == Client.Kind.ORGANIZATION and not client.name.strip():
        raise ValidationError({"name": [_("An organization needs a name.")]})


def _set_phones(client: Client, phones: list[PhoneInput]) -> None:
    numbers = [p.number for p in phones]
    if len(numbers) != len(set(numbers)):
        raise ValidationError({"phones": [_("The same number is listed twice.")]})
    client.phones.all().delete()
    ClientPhone.objects.bulk_create(
        ClientPhone(client=client, number=p.number, label=p.label, notify=p.notify, position=i)
        for i, p in enumerate(phones)
    )


def _set_tags(client: Client, names: list[str]) -> None:
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())[:50]
        if name:
            wanted.setdefault(Tag.key_for(name), name)
    tags = []
    for key, name in wanted.items():
        tag = Tag.objects.filter(key=key).first() or Tag.objects.create(name=name)
        tags.append(tag)
    client.tags.set(tags)


@transaction.atomic
def client_create(
    *,
    actor,
    data: dict,
    phones: list[PhoneInput] | None = None,
    tags: list[str] | None = None,
) -> Client:
    """Create a client from validated field values, its phones and its tags.

    Without a ``manager`` in ``data`` the employee who creates the client manages it (an
    explicit ``None`` leaves it without one).
    """
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    if "manager" not in values and actor is not None and getattr(actor, "is_active", False):
        values["manager"] = actor
    client = Client(created_by=actor, **values)
    _check_names(client)
    client.save()
    _set_phones(client, phones or [])
    _set_tags(client, tags or [])
    return client


@transaction.atomic
def client_update(
    *,
    actor,
    client: Client,
    data: dict,
    phones: list[PhoneInput] | None = None,
    tags: list[str] | None = None,
) -> Client:
    """Change the given fields; phones and tags are replaced when given (None keeps them)."""
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(client, field, value)
    _check_names(client)
    # Only the form's fields: the balance is the ledger's, and may have moved since this
    # client was read.
    client.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    if phones is not None:
        _set_phones(client, phones)
    if tags is not None:
        _set_tags(client, tags)
    return client


def client_delete_refusal(client: Client) -> str | None:
    """Why ``client`` cannot be deleted, or None when it can."""
    for guard in _delete_guards:
        reason = guard(client)
        if reason:
            return reason
    return None


@transaction.atomic
def client_delete(*, actor, client: Client) -> None:
    """Delete a client without history; one with money history can only be archived."""
    reason = client_delete_refusal(client)
    if reason:
        raise ClientDeleteRefused(reason)
    client.delete()


@transaction.atomic
def client_set_archived(*, actor, client: Client, archived: bool) -> Client:
    """Archive (hide from the list, keep every record) or bring a client back."""
    client.archived = archived
    client.save(update_fields=["archived", "updated_at"])
    return client
