"""Load the demo: three employees and about sixty clients. Runs once; later runs do nothing.

Only allowed where settings.OFICINA_DEMO_ALLOWED is true (the embedded default), so a
production database never receives demo logins.
"""

import random
import unicodedata
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import services as account_services
from accounts.models import Employee, Role
from clients import services as client_services
from clients.models import AdCampaign, Client, CustomField
from documents import services as catalog
from ledger import services as money
from ledger.models import Cashbox

EMPLOYEES = [
    ("admin", "Ana Administradora", "admin@oficina.example", "full_access"),
    ("manager", "Marcos Gerente", "manager@oficina.example", "manager"),
    ("tech", "Tiago Técnico", "tech@oficina.example", "specialist"),
]
BR_FIRST = [
    "João",
    "Maria",
    "José",
    "Ana",
    "Francisco",
    "Antônia",
    "Carlos",
    "Juliana",
    "Paulo",
    "Fernanda",
    "Lucas",
    "Patrícia",
    "Rafael",
    "Camila",
    "Gabriel",
    "Beatriz",
    "Thiago",
    "Larissa",
    "Matheus",
    "Letícia",
    "Pedro",
    "Aline",
    "Bruno",
    "Vanessa",
    "Diego",
    "Mariana",
    "Felipe",
    "Renata",
    "Gustavo",
    "Luíza",
]
BR_LAST = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Araújo",
    "Melo",
    "Barbosa",
    "Rocha",
    "Dias",
    "Nascimento",
    "Conceição",
    "Moreira",
]
EN_FIRST = [
    "James",
    "Emily",
    "Oliver",
    "Sophie",
    "William",
    "Charlotte",
    "Henry",
    "Grace",
    "Thomas",
    "Hannah",
    "Daniel",
    "Olivia",
]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Clarke", "Hughes"]
ORGANIZATIONS = [
    ("Auto Peças Paulista Ltda", "12.345.678/0001-90"),
    ("Clínica Sorriso Feliz", "23.456.789/0001-01"),
    ("Restaurante Sabor Mineiro", "34.567.890/0001-12"),
    ("TechFix Distribuidora", "45.678.901/0001-23"),
    ("Escola Pequeno Príncipe", "56.789.012/0001-34"),
    ("Northwind Traders", ""),
    ("Bright Office Supplies", ""),
    ("Padaria Pão Quente", "67.890.123/0001-45"),
]
TAGS = ["VIP", "Corporate", "Recorrente", "Garantia", "Atacado", "Indicação"]
SERVICES = [
    ("Diagnóstico", "80.00", 0),
    ("Troca de tela de smartphone", "250.00", 90),
    ("Troca de bateria", "150.00", 90),
    ("Limpeza interna e troca de pasta térmica", "120.00", 30),
    ("Reparo de placa-mãe", "400.00", 90),
    ("Formatação e instalação de sistema", "100.00", 30),
]
PRODUCTS = [
    ("TEL-IP13", "Tela iPhone 13 (compatível)", "420.00", "260.00"),
    ("TEL-A54", "Tela Samsung Galaxy A54", "380.00", "230.00"),
    ("BAT-IP11", "Bateria iPhone 11", "180.00", "95.00"),
    ("CAB-USBC", "Cabo USB-C 1 m", "35.00", "12.00"),
    ("PAS-TERM", "Pasta térmica 4 g", "25.00", "9.00"),
    ("SSD-480", "SSD 480 GB SATA", "260.00", "190.00"),
]
SOURCES = ["Google", "Instagram", "Facebook", "Indicação de cliente", "Passou na frente"]
STREETS = ["Rua Augusta", "Av. Paulista", "Rua da Consolação", "Rua das Flores", "Av. Brasil"]
DDDS = ["11", "21", "31", "41", "51", "61", "71", "81"]
US_AREAS = ["201", "212", "415", "617"]
N_PEOPLE = 52


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == ".")


class Command(BaseCommand):
    help = "Load demo employees and clients (once; only where demo data is allowed)."

    def handle(self, *args, **options):
        if not settings.OFICINA_DEMO_ALLOWED:
            raise CommandError("Demo data is not allowed with these settings.")
        if Employee.objects.filter(login="admin").exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            self._load(random.Random(2026))  # noqa: S311  demo names, not secrets
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def _load(self, rng: random.Random) -> None:
        employees = []
        for login, name, email, role_code in EMPLOYEES:
            employees.append(
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
            )
        sources = [AdCampaign.objects.create(name=name) for name in SOURCES]
        CustomField.objects.create(
            key="preferred_contact",
            label="Preferred contact",
            kind=CustomField.Kind.CHOICE,
            choices=["Phone", "WhatsApp", "Email"],
            position=1,
        )
        CustomField.objects.create(key="vehicle_plate", label="Vehicle plate", position=2)
        admin = employees[0]
        used: set[str] = set()
        for i in range(N_PEOPLE):
            brazilian = i % 5 != 4
            first = rng.choice(BR_FIRST if brazilian else EN_FIRST)
            last = rng.choice(BR_LAST if brazilian else EN_LAST)
            if brazilian and rng.random() < 0.4:
                last = f"{last} {rng.choice(BR_LAST)}"
            phone = self._phone(rng, brazilian, used)
            data = {
                "kind": "person",
                "first_name": first,
                "last_name": last,
                "email": f"{slug(first)}.{slug(last.split()[0])}{i}@example.com",
                "address": f"{rng.choice(STREETS)}, {rng.randint(10, 2000)}",
                "birthday": date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                "marketing_source": rng.choice(sources),
                "manager": rng.choice(employees[:2]),
                "conflicted": i % 13 == 7,
                "discount_services": Decimal("5") if i % 9 == 0 else Decimal("0"),
                "custom_fields": {
                    "preferred_contact": rng.choice(["Phone", "WhatsApp", "Email"]),
                    "vehicle_plate": None,
                },
            }
            phones = [client_services.PhoneInput(phone, "Mobile", True)]
            if rng.random() < 0.25:
                phones.append(
                    client_services.PhoneInput(self._phone(rng, brazilian, used), "Work", False)
                )
            tags = rng.sample(TAGS, k=rng.choice([0, 0, 1, 1, 2]))
            client_services.client_create(actor=admin, data=data, phones=phones, tags=tags)
        for j, (name, tax_id) in enumerate(ORGANIZATIONS):
            brazilian = bool(tax_id)
            client_services.client_create(
                actor=admin,
                data={
                    "kind": "organization",
                    "name": name,
                    "tax_id": tax_id,
                    "email": f"contato@{slug(name.split()[0])}{j}.example.com",
                    "address": f"{rng.choice(STREETS)}, {rng.randint(10, 2000)}",
                    "supplier": j in (0, 3),
                    "discount_goods": Decimal("10") if j % 3 == 0 else Decimal("0"),
                    "manager": employees[1],
                    "custom_fields": {"preferred_contact": "Email", "vehicle_plate": None},
                },
                phones=[client_services.PhoneInput(self._phone(rng, brazilian, used), "Work")],
                tags=["Corporate"],
            )
        self._money(rng, employees)
        self._catalog(employees[0])

    def _catalog(self, admin) -> None:
        for title, price, warranty in SERVICES:
            catalog.service_create(
                actor=admin, title=title, price=Decimal(price), warranty_days=warranty
            )
        for sku, title, price, cost in PRODUCTS:
            catalog.product_create(
                actor=admin, sku=sku, title=title, price=Decimal(price), cost=Decimal(cost)
            )

    def _money(self, rng: random.Random, employees) -> None:
        """Cashboxes and a few months of advances, refunds and corrections."""
        till = Cashbox.objects.create(title="Caixa principal", kind=Cashbox.Kind.CASH)
        bank = Cashbox.objects.create(title="Cartão / PIX", kind=Cashbox.Kind.CASHLESS)
        manager = employees[1]
        money.cash_move(
            actor=manager,
            cashbox=till,
            direction="income",
            amount=Decimal("300.00"),
            category="other_income",
            note="Troco inicial",
        )
        for client in Client.objects.order_by("pk")[:30]:
            for _ in range(rng.randint(1, 4)):
                amount = Decimal(rng.randrange(2000, 60000)) / 100
                roll = rng.random()
                if roll < 0.55:
                    money.advance_accept(
                        actor=manager,
                        client=client,
                        cashbox=rng.choice([till, bank]),
                        amount=amount,
                        note=rng.choice(["Sinal do conserto", "Adiantamento", "Advance"]),
                    )
                elif roll < 0.85:
                    money.balance_correct(
                        actor=employees[0],
                        client=client,
                        amount=amount,
                        reason=rng.choice(["Serviço avulso", "Peça encomendada", "Old debt"]),
                    )
                else:
                    client.refresh_from_db()
                    owed = -client.balance
                    if owed > 0:
                        money.refund_pay(
                            actor=manager,
                            client=client,
                            cashbox=bank,
                            amount=min(owed, amount),
                            note="Devolução",
                        )

    def _phone(self, rng: random.Random, brazilian: bool, used: set[str]) -> str:
        while True:
            if brazilian:
                number = f"+55{rng.choice(DDDS)}9{rng.randint(6, 9)}{rng.randint(0, 9999999):07d}"
            else:
                number = f"+1{rng.choice(US_AREAS)}555{rng.randint(100, 9999):04d}"
            if number not in used:
                used.add(number)
                return number
