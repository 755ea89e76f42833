"""What the demo says, in the installation's language: a Brazilian shop for ``pt-br``
(names, addresses, phones, catalog, notes, custom fields), an English-speaking one
otherwise. The seeding modules take everything they write from one ``Content``."""

from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from django.conf import settings


@dataclass(frozen=True)
class Content:
    """Everything the demo writes that a person reads."""

    employees: list[tuple[str, str, str, str]]  # login, full name, email, role code
    first_names: list[str]
    last_names: list[str]
    double_surname: float  # how often a person has two surnames
    organizations: list[tuple[str, str]]  # name, tax id
    tags: list[str]
    organization_tag: str
    sources: list[str]
    address: Callable[[Random], str]
    phone: Callable[[Random], str]
    # The same number as a person would type it in another format.
    phone_typed: Callable[[str], str]
    mobile_label: str
    work_label: str
    contact_field: tuple[str, list[str]]  # label, choices
    plate_label: str
    services: list[tuple[str, str, int]]  # title, price, warranty days
    products: list[tuple[str, str, str, str]]  # sku, title, price, cost
    # A fault and the repairs that fit it: each a list of lines, ("service", title) or
    # ("product", sku), so a demo order's lines match what was wrong and none repeats.
    faults: list[tuple[str, list[list[tuple[str, str]]]]]
    prepay_note: str
    return_reason: str
    contact_leads: list[tuple[str, str, str]]  # contact name, phone, description
    quote_description: str
    lost_contact: tuple[str, str]
    lost_comment: str
    cashboxes: tuple[str, str]  # till, cashless
    opening_note: str
    advance_notes: list[str]
    correction_reasons: list[str]
    refund_note: str
    sms_templates: list[tuple[str, str]]  # name, text
    sms_text: str  # with {client}
    shop_phone: str
    stranger_phone: str
    chat_names: tuple[str, str]  # the site's chat, the owner's private one
    # (visitor name, [(direction, text)], closed); the first is linked to a client.
    threads: list[tuple[str, list[tuple[str, str]], bool]]
    asset_groups: tuple[str, str]  # phones, notebooks
    asset_comments: list[str]
    move_comment: str
    loan_device: str

    @property
    def malfunctions(self) -> list[str]:
        return [fault for fault, _repairs in self.faults]


def content_for(language: str | None = None) -> Content:
    """The demo's content for ``language`` (by default the installation's)."""
    from . import content_en, content_pt_br

    code = (language or settings.LANGUAGE_CODE).lower()
    return content_pt_br.CONTENT if code.startswith("pt") else content_en.CONTENT
