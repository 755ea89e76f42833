"""Demo work orders in every stage, estimates (one converted) and sales (one returned)."""

from decimal import Decimal
from random import Random

from clients.models import Client
from documents import estimates as estimate_services
from documents import orders as order_services
from documents import sales as sale_services
from documents.models import OrderStatus, Product, Service
from ledger.models import Cashbox

from .content import Content


def load(rng: Random, content: Content, employees) -> None:
    admin, manager, tech = employees[:3]
    services = {service.title: service for service in Service.objects.all()}
    products = {product.sku: product for product in Product.objects.all()}
    till, bank = Cashbox.objects.order_by("pk")[:2]
    statuses = {s.group: s for s in OrderStatus.objects.filter(active=True).order_by("-pk")}
    clients = list(Client.objects.order_by("pk")[:24])

    def repair() -> tuple[str, list[dict]]:
        """A fault and the lines of one repair that fits it."""
        fault, repairs = rng.choice(content.faults)
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
                note=content.prepay_note,
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
            estimate_services.estimate_status_set(actor=manager, estimate=estimate, status="sent")
    for i, client in enumerate(clients[20:24]):
        sale = sale_services.sale_create(
            actor=admin,
            client=client,
            items=[
                {"kind": "product", "product": rng.choice(list(products.values())), "quantity": 2}
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
                reason=content.return_reason,
            )
