"""Demo employees (three logins that work) and about sixty clients: people and
organizations, with phones, tags, marketing sources and custom fields."""

import unicodedata
from datetime import date
from decimal import Decimal
from random import Random

from accounts import services as account_services
from accounts.models import Role
from clients import services as client_services
from clients.models import AdCampaign, CustomField

from .content import Content

N_PEOPLE = 52


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == ".")


def load_employees(content: Content) -> list:
    """The admin, the manager and the technician; each one's password is their login."""
    return [
        account_services.employee_create(
            actor=None,
            data={
                "login": login,
                "full_name": name,
                "email": email,
                "role": Role.objects.get(system_code=role_code),
            },
            password=login,
        )
        for login, name, email, role_code in content.employees
    ]


def _phone(rng: Random, content: Content, used: set[str]) -> str:
    while True:
        number = content.phone(rng)
        if number not in used:
            used.add(number)
            return number


def load_clients(rng: Random, content: Content, employees) -> None:
    sources = [AdCampaign.objects.create(name=name) for name in content.sources]
    contact_label, contact_choices = content.contact_field
    CustomField.objects.create(
        key="preferred_contact",
        label=contact_label,
        kind=CustomField.Kind.CHOICE,
        choices=contact_choices,
        position=1,
    )
    CustomField.objects.create(key="vehicle_plate", label=content.plate_label, position=2)
    admin = employees[0]
    used: set[str] = set()
    for i in range(N_PEOPLE):
        first = rng.choice(content.first_names)
        last = rng.choice(content.last_names)
        if rng.random() < content.double_surname:
            last = f"{last} {rng.choice(content.last_names)}"
        data = {
            "kind": "person",
            "first_name": first,
            "last_name": last,
            "email": f"{slug(first)}.{slug(last.split()[0])}{i}@example.com",
            "address": content.address(rng),
            "birthday": date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            "marketing_source": rng.choice(sources),
            "manager": rng.choice(employees[:2]),
            "conflicted": i % 13 == 7,
            "discount_services": Decimal("5") if i % 9 == 0 else Decimal("0"),
            "custom_fields": {
                "preferred_contact": rng.choice(contact_choices),
                "vehicle_plate": None,
            },
        }
        phones = [
            client_services.PhoneInput(_phone(rng, content, used), content.mobile_label, True)
        ]
        if rng.random() < 0.25:
            phones.append(
                client_services.PhoneInput(_phone(rng, content, used), content.work_label, False)
            )
        tags = rng.sample(content.tags, k=rng.choice([0, 0, 1, 1, 2]))
        client_services.client_create(actor=admin, data=data, phones=phones, tags=tags)
    for j, (name, tax_id) in enumerate(content.organizations):
        client_services.client_create(
            actor=admin,
            data={
                "kind": "organization",
                "name": name,
                "tax_id": tax_id,
                "email": f"{slug(name.split()[0])}{j}@example.com",
                "address": content.address(rng),
                "supplier": j in (0, 3),
                "discount_goods": Decimal("10") if j % 3 == 0 else Decimal("0"),
                "manager": employees[1],
                "custom_fields": {"preferred_contact": contact_choices[-1], "vehicle_plate": None},
            },
            phones=[client_services.PhoneInput(_phone(rng, content, used), content.work_label)],
            tags=[content.organization_tag],
        )
