"""The demo `make run` loads: logins that work, realistic clients, consistent money."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Employee
from clients.models import Client
from demo.seed.content import content_for
from documents.models import Estimate, Order, Product, Sale, SaleReturn, Service
from ledger.models import Cashbox, LedgerEntry


@pytest.mark.django_db
def test_demo_loads_once_with_working_logins_and_consistent_money():
    call_command("seed_demo", stdout=StringIO())
    for login, role in [("admin", "full_access"), ("manager", "manager"), ("tech", "specialist")]:
        employee = authenticate(username=login, password=login)
        assert employee is not None, login
        assert employee.role.system_code == role
    assert 55 <= Client.objects.count() <= 65
    assert Client.objects.filter(kind="organization").exists()
    assert Client.objects.filter(conflicted=True).exists()
    assert Client.objects.filter(phones__number__startswith="+1").exists()
    assert Cashbox.objects.count() == 2 and LedgerEntry.objects.exists()
    assert Service.objects.exists() and Product.objects.exists()
    groups = set(Order.objects.values_list("status__group", flat=True))
    assert {"new", "in_progress", "closed"} <= groups
    assert Estimate.objects.filter(status="converted", order__isnull=False).exists()
    assert Sale.objects.filter(settlement="cashbox").exists() and SaleReturn.objects.exists()
    call_command("check_ledger", stdout=StringIO())  # raises on any mismatch
    assert_orders_fit_their_fault()

    counts = (Employee.objects.count(), Client.objects.count(), LedgerEntry.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert (Employee.objects.count(), Client.objects.count(), LedgerEntry.objects.count()) == counts


def assert_orders_fit_their_fault():
    """Every demo order's lines are a repair of its fault ("Conector de carga solto" gets a
    new charging port, not a system reinstall), and no line appears twice on one order."""
    fitting = {
        fault: {key for lines in repairs for _kind, key in lines}
        for fault, repairs in content_for().faults
    }
    orders = Order.objects.exclude(malfunction="").prefetch_related(
        "items__service", "items__product"
    )
    assert orders.count() >= 16
    for order in orders:
        lines = [
            item.service.title if item.service_id else item.product.sku
            for item in order.items.all()
        ]
        assert lines, order.number
        assert len(lines) == len(set(lines)), (order.number, lines)
        assert set(lines) <= fitting[order.malfunction], (order.number, order.malfunction, lines)
