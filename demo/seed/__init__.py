"""The demo ``seed_demo`` loads, one module per business area; what it says comes from
``content`` in the installation's language."""

from random import Random

from . import assets, calls, catalog, conversations, documents, leads, messages, money, people
from .content import Content


def load(rng: Random, content: Content) -> None:
    """Write the whole demo (in one transaction, the caller's)."""
    employees = people.load_employees(content)
    people.load_clients(rng, content, employees)
    money.load(rng, content, employees)
    catalog.load(content, employees[0])
    documents.load(rng, content, employees)
    leads.load(rng, content, employees)
    assets.load(rng, content, employees)
    messages.load(rng, content, employees)
    calls.load(rng, content, employees)
    conversations.load(content, employees)
