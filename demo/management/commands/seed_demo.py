"""Load the demo: three employees and about sixty clients. Runs once; later runs do nothing.

Only allowed where settings.OFICINA_DEMO_ALLOWED is true (the embedded default), so a
production database never receives demo logins.
"""

import random
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Employee, Role
from assets import services as asset_services
from assets.models import Warehouse
from calls import services as call_services
from calls.audio import tone_wav
from calls.reports import CallReport
from clients import services as client_services
from clients.models import AdCampaign, Client, ClientPhone, CustomField
from conversations import services as conversation_services
from conversations.models import Channel, Conversation, Message
from documents import estimates as estimate_services
from documents import orders as order_services
from documents import sales as sale_services
from documents import services as catalog
from documents.models import Order, OrderStatus, Product, Service
from leads import services as lead_services
from leads.models import LeadType, LostReason
from ledger import services as money
from ledger.models import Cashbox
from sms import services as sms_services
from sms.encoding import segment_info
from sms.models import OutboxMessage, SmsMessage, SmsStatus

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
    ("Troca de conector de carga", "140.00", 90),
    ("Troca de alto-falante", "130.00", 90),
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


# A fault and the repairs that fit it: each a list of lines, ("service", title) or
# ("product", sku), so a demo order's lines match what was wrong and none repeats.
FAULTS = [
    (
        "Tela trincada",
        [
            [("service", "Troca de tela de smartphone"), ("product", "TEL-IP13")],
            [("service", "Troca de tela de smartphone"), ("product", "TEL-A54")],
        ],
    ),
    (
        "Não liga",
        [
            [("service", "Diagnóstico")],
            [("service", "Diagnóstico"), ("service", "Reparo de placa-mãe")],
        ],
    ),
    (
        "Bateria descarregando rápido",
        [
            [("service", "Troca de bateria"), ("product", "BAT-IP11")],
            [("service", "Diagnóstico"), ("service", "Troca de bateria")],
        ],
    ),
    (
        "Sem áudio nas chamadas",
        [[("service", "Diagnóstico"), ("service", "Troca de alto-falante")]],
    ),
    (
        "Conector de carga solto",
        [
            [("service", "Troca de conector de carga")],
            [("service", "Troca de conector de carga"), ("product", "CAB-USBC")],
        ],
    ),
    (
        "Notebook esquentando e desligando",
        [[("service", "Limpeza interna e troca de pasta térmica"), ("product", "PAS-TERM")]],
    ),
    (
        "Sistema lento",
        [
            [("service", "Formatação e instalação de sistema")],
            [("service", "Formatação e instalação de sistema"), ("product", "SSD-480")],
        ],
    ),
    ("Screen flickers", [[("service", "Diagnóstico"), ("service", "Troca de tela de smartphone")]]),
]
MALFUNCTIONS = [fault for fault, _repairs in FAULTS]

# (brand, phone or notebook, [(model, [modifications])]) for the demo's asset directory.
ASSET_DIRECTORY = [
    ("Apple", "phone", [("iPhone 11", ["64 GB", "128 GB"]), ("iPhone 13", ["128 GB", "256 GB"])]),
    ("Samsung", "phone", [("Galaxy A54", ["128 GB"]), ("Galaxy S23", ["256 GB"])]),
    ("Motorola", "phone", [("Moto G84", [])]),
    ("Dell", "notebook", [("Inspiron 15", ["i5 / 8 GB", "i7 / 16 GB"])]),
    ("Lenovo", "notebook", [("IdeaPad 3", [])]),
]


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
        self._documents(rng, employees)
        self._leads(rng, employees)
        self._assets(rng, employees)
        self._sms(rng, employees)
        self._calls(rng, employees)
        self._conversations(employees)

    def _catalog(self, admin) -> None:
        for title, price, warranty in SERVICES:
            catalog.service_create(
                actor=admin, title=title, price=Decimal(price), warranty_days=warranty
            )
        for sku, title, price, cost in PRODUCTS:
            catalog.product_create(
                actor=admin, sku=sku, title=title, price=Decimal(price), cost=Decimal(cost)
            )

    def _documents(self, rng: random.Random, employees) -> None:
        """Work orders in every stage, estimates (one converted) and sales (one returned)."""
        admin, manager, tech = employees[:3]
        services = {service.title: service for service in Service.objects.all()}
        products = {product.sku: product for product in Product.objects.all()}
        till, bank = Cashbox.objects.order_by("pk")[:2]
        statuses = {s.group: s for s in OrderStatus.objects.filter(active=True).order_by("-pk")}
        clients = list(Client.objects.order_by("pk")[:24])

        def repair() -> tuple[str, list[dict]]:
            """A fault and the lines of one repair that fits it."""
            fault, repairs = rng.choice(FAULTS)
            lines = []
            for kind, key in rng.choice(repairs):
                if kind == "service":
                    lines.append({"kind": "service", "service": services[key]})
                else:
                    lines.append({"kind": "product", "product": products[key], "quantity": 1})
            return fault, lines

        for i, client in enumerate(clients[:16]):
            fault, lines = repair()
            order = order_services.order_create(
                actor=manager,
                client=client,
                assignee=tech if i % 2 == 0 else manager,
                malfunction=fault,
                items=lines,
            )
            stage = i % 4
            if stage >= 1:
                order_services.order_status_set(
                    actor=tech, order=order, status=statuses[OrderStatus.Group.IN_PROGRESS]
                )
            if stage >= 2 and order.total > 0:
                order_services.order_prepay(
                    actor=manager,
                    order=order,
                    cashbox=bank,
                    amount=(order.total / 2).quantize(Decimal("0.01")),
                    note="Sinal",
                )
            if stage == 3:
                order_services.order_close(
                    actor=manager,
                    order=order,
                    settlement=rng.choice(["cashbox", "balance"]),
                    cashbox=till,
                )
        for i, client in enumerate(clients[16:20]):
            fault, lines = repair()
            estimate = estimate_services.estimate_create(
                actor=manager, client=client, items=lines, description=fault, valid_until=None
            )
            if i == 0:
                estimate_services.estimate_convert(actor=manager, estimate=estimate)
            elif i == 1:
                estimate_services.estimate_status_set(
                    actor=manager, estimate=estimate, status="sent"
                )
        for i, client in enumerate(clients[20:24]):
            sale = sale_services.sale_create(
                actor=admin,
                client=client,
                items=[
                    {
                        "kind": "product",
                        "product": rng.choice(list(products.values())),
                        "quantity": 2,
                    }
                ],
                settlement="cashbox" if i % 2 == 0 else "balance",
                cashbox=till,
            )
            if i == 0:
                item = sale.items.get()
                sale_services.sale_return(
                    actor=admin,
                    sale=sale,
                    lines={item.pk: Decimal("1")},
                    cashbox=till,
                    reason="Defeito de fábrica",
                )

    def _leads(self, rng: random.Random, employees) -> None:
        """Leads in every state: open (one urgent and overdue, one missed call), won by
        converting (a contact matched to a client by phone, a client's lead into an
        estimate) and lost with a reason."""
        admin, manager, tech = employees[:3]
        now = timezone.now()
        clients = list(Client.objects.order_by("pk")[24:30])
        missed_call = LeadType.objects.get(system_code=LeadType.SystemCode.MISSED_CALL)
        lead_services.lead_create(
            actor=manager,
            contact_name="Renato Prado",
            contact_phone="(11) 99123-4567",
            description="iPhone 12 com tela quebrada, quer orçamento",
            deadline=now + timedelta(days=1),
        )
        lead_services.lead_create(
            actor=manager,
            contact_name="Sandra Vieira",
            contact_phone="+55 21 98888-1234",
            description="Notebook não liga",
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
            national = known.number.removeprefix("+55")
            matched = lead_services.lead_create(
                actor=manager,
                contact_name=str(clients[1]),
                contact_phone=f"({national[:2]}) {national[2:]}",
                description=rng.choice(MALFUNCTIONS),
            )
            lead_services.lead_convert(actor=manager, lead=matched, to="order")
        quote = lead_services.lead_create(
            actor=manager, client=clients[2], description="Troca de bateria"
        )
        lead_services.lead_convert(actor=manager, lead=quote, to="estimate")
        lost = lead_services.lead_create(
            actor=tech, contact_name="Otávio Lins", contact_phone="(31) 97777-0000"
        )
        lead_services.lead_mark_lost(
            actor=tech,
            lead=lost,
            reason=LostReason.objects.filter(active=True).first(),
            comment="Achou mais barato",
        )

    def _sms(self, rng: random.Random, employees) -> None:
        """Two SMS templates and a few messages in different statuses (the outbox backend's
        history: delivered, sent, declined by the carrier, not sent with the provider's
        error, still in process)."""
        admin, manager = employees[:2]
        ready = sms_services.sms_template_save(
            actor=admin,
            name="Pedido pronto",
            text="Olá, {client_name}! Seu pedido {last_order_number} está pronto. {company_name}",
            position=1,
        )
        sms_services.sms_template_save(
            actor=admin,
            name="Saldo",
            text="{client_name}, seu saldo na {company_name} é {balance}.",
            position=2,
        )
        now = timezone.now()
        plan = [
            (SmsStatus.DELIVERED, "", "", 3),
            (SmsStatus.DELIVERED, "", "", 2),
            (SmsStatus.SENT, "", "", 1),
            (SmsStatus.DECLINED, "30003", "Unreachable destination handset", 1),
            (SmsStatus.NOT_SENT, "21211", "The 'To' number is not a valid phone number.", 0),
            (SmsStatus.IN_PROCESS, "", "", 0),
        ]
        phones = ClientPhone.objects.filter(notify=True).select_related("client").order_by("pk")
        for (status, code, error, days), phone in zip(plan, phones[:6], strict=False):
            info = segment_info(f"Olá, {phone.client}! Seu aparelho está pronto para retirada.")
            sent = status not in (SmsStatus.IN_PROCESS, SmsStatus.NOT_SENT)
            provider_id = "OB" + uuid4().hex if sent else ""
            message = SmsMessage.objects.create(
                client=phone.client,
                phone=phone.number,
                text=info.text,
                encoding=info.encoding,
                segments=info.segments,
                status=status,
                provider="outbox",
                provider_id=provider_id,
                error_code=code,
                error=error,
                template=ready if days == 3 else None,
                created_by=manager,
                created_at=now - timedelta(days=days, hours=rng.randint(1, 8)),
                sent_at=now - timedelta(days=days) if sent else None,
            )
            if sent:
                OutboxMessage.objects.create(
                    message=message, provider_id=provider_id, to=phone.number, text=info.text
                )

    def _calls(self, rng: random.Random, employees) -> None:
        """A dozen calls of demo clients over the last days, as a PBX would report them
        through the generic webhook: incoming and outgoing, answered, missed (each missed
        incoming call opens its "Missed call" lead), busy; the latest answered one with a
        real (generated) recording, so the player works."""
        manager, tech = employees[1], employees[2]
        shop = "+551133334444"
        phones = list(ClientPhone.objects.order_by("pk").values_list("number", flat=True)[:10])
        plan = [
            ("incoming", "answered", 185),
            ("outgoing", "answered", 62),
            ("incoming", "missed", 0),
            ("incoming", "answered", 320),
            ("outgoing", "busy", 0),
            ("incoming", "answered", 45),
            ("outgoing", "missed", 0),
            ("incoming", "answered", 130),
            ("outgoing", "answered", 240),
            ("incoming", "failed", 0),
            ("incoming", "answered", 95),
            ("incoming", "missed", 0),
        ]
        now = timezone.now()
        recorded = None
        for i, (direction, status, duration) in enumerate(plan):
            # The last one comes from a number no client has.
            other = phones[i % len(phones)] if i < len(plan) - 1 else "+5521987650000"
            incoming = direction == "incoming"
            call, _created = call_services.call_record(
                provider="demo",
                report=CallReport(
                    provider_id=f"demo-{i + 1:04d}",
                    direction=direction,
                    status=status,
                    from_number=other if incoming else shop,
                    to_number=shop if incoming else other,
                    started_at=now - timedelta(days=i // 3, hours=rng.randint(1, 6) + i),
                    duration=duration,
                    employee=(manager if i % 2 else tech).login if status == "answered" else None,
                ),
            )
            if recorded is None and status == "answered" and incoming:
                recorded = call
        if recorded is not None:
            call_services.call_recording_attach(call=recorded, content=tone_wav(2.0))

    def _conversations(self, employees) -> None:
        """The shop's web chat with a few conversations (one with a client, one from a
        visitor not yet linked, waiting with unread messages, one closed), and a second chat
        only its owner (admin) sees, to show channel access."""
        admin, manager = employees[:2]
        site = conversation_services.channel_create(
            actor=admin, kind=Channel.Kind.WEBCHAT, name="Site chat"
        )
        private = conversation_services.channel_create(
            actor=admin, kind=Channel.Kind.WEBCHAT, name="Owner's line", access="owner"
        )
        client = Client.objects.filter(phones__notify=True).order_by("pk").first()
        now = timezone.now()
        threads = [
            (
                site,
                "demo-visitor-1",
                "",
                client,
                [
                    ("in", "Boa tarde! Meu notebook não liga depois de cair água no teclado."),
                    ("out", "Boa tarde! Traga hoje: fazemos o diagnóstico em até 24 h, sem custo."),
                    ("in", "Ótimo, passo aí às 17h."),
                ],
                False,
            ),
            (
                site,
                "demo-visitor-2",
                "Paula (site)",
                None,
                [
                    ("in", "Vocês trocam tela de iPhone 13? Quanto fica?"),
                    ("in", "E quanto tempo demora?"),
                ],
                False,
            ),
            (
                site,
                "demo-visitor-3",
                "Rafael",
                None,
                [
                    ("in", "Obrigado, o celular ficou perfeito!"),
                    ("out", "Que bom, Rafael! Qualquer coisa, estamos aqui."),
                ],
                True,
            ),
            (
                private,
                "demo-visitor-4",
                "Fornecedor Peças SP",
                None,
                [
                    ("in", "O lote de baterias chega na quinta."),
                ],
                False,
            ),
        ]
        for hours, (channel, visitor, name, linked, lines, closed) in enumerate(threads):
            conversation = conversation_services.conversation_for_contact(
                channel=channel, external_id=visitor, name=name
            )
            if linked is not None:
                conversation_services.conversation_link_client(
                    actor=admin, conversation=conversation, client=linked
                )
            for direction, text in lines:
                if direction == "in":
                    conversation_services.message_receive(conversation=conversation, text=text)
                else:
                    message = conversation_services.message_send(
                        actor=manager, conversation=conversation, text=text
                    )
                    conversation_services.message_delivery_set(
                        message_id=message.pk, delivery=Message.Delivery.DELIVERED
                    )
            if closed:
                conversation_services.conversation_close(actor=manager, conversation=conversation)
            # Spread the threads over the last hours, their messages a few minutes apart.
            start = now - timedelta(hours=2 * hours + 1)
            for minutes, message in enumerate(conversation.messages.order_by("pk")):
                Message.objects.filter(pk=message.pk).update(
                    created_at=start + timedelta(minutes=4 * minutes)
                )
            Conversation.objects.filter(pk=conversation.pk).update(
                created_at=start, last_activity_at=start + timedelta(minutes=4 * (len(lines) - 1))
            )

    def _assets(self, rng: random.Random, employees) -> None:
        """A small directory of phones and notebooks and about twenty assets of the first
        clients: some waiting in "Pending repair", some linked to the demo's open orders
        (which moves them as the order's status says)."""
        admin, manager = employees[:2]
        smartphone = asset_services.group_save(actor=admin, name="Smartphone")
        notebook = asset_services.group_save(actor=admin, name="Notebook")
        catalog_models = []
        for brand_name, group, models in ASSET_DIRECTORY:
            brand = asset_services.brand_save(actor=admin, name=brand_name)
            for model_name, modifications in models:
                model = asset_services.model_save(actor=admin, brand=brand, name=model_name)
                variants = [
                    asset_services.modification_save(actor=admin, model=model, name=name)
                    for name in modifications
                ] or [None]
                kind = smartphone if group == "phone" else notebook
                catalog_models += [(kind, model, variant) for variant in variants]
        pending = Warehouse.objects.filter(kind=Warehouse.Kind.COMPANY).order_by("position").first()
        for i, client in enumerate(Client.objects.order_by("pk")[:20]):
            group, model, modification = rng.choice(catalog_models)
            phone = group.name == "Smartphone"
            serial = (
                "".join(str(rng.randint(0, 9)) for _ in range(15))
                if phone
                else f"{model.brand.name[:2].upper()}{rng.randint(10**7, 10**8 - 1)}"
            )
            asset = asset_services.asset_create(
                actor=manager,
                serial=serial,
                owner=client,
                group=group,
                model=model,
                modification=modification,
                comment=rng.choice(["", "", "Riscos na tampa traseira", "Sem carregador"]),
            )
            order = Order.objects.filter(client=client).select_related("status").first()
            if order is not None and asset_services.order_is_open(order) and i % 3 != 2:
                asset_services.order_asset_link(actor=manager, order=order, asset=asset)
            elif i % 4 == 1 and pending is not None:
                asset_services.asset_move(
                    actor=manager, asset=asset, warehouse=pending, comment="Aguardando peça"
                )
        asset_services.asset_create(
            actor=admin,
            serial="LOAN-0001",
            name="Aparelho de empréstimo (Moto G84)",
            warehouse=pending,
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
