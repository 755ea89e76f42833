"""Moves are immutable transfer records: the history only grows, moving back is a new row,
and a refused move changes nothing."""

import pytest
from django.db import IntegrityError, transaction

from assets import services
from assets.models import Asset, Transfer
from assets.tests.factories import WarehouseFactory
from clients.tests.factories import ClientFactory
from ledger.models import ImmutableRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(manager):
    return services.asset_create(
        actor=manager, serial="IMEI-1", name="Galaxy A54", owner=ClientFactory()
    )


def history(asset) -> list[tuple]:
    return list(
        Transfer.objects.filter(asset=asset)
        .order_by("id")
        .values_list("from_warehouse__name", "to_warehouse__name", "comment")
    )


def test_a_new_asset_is_received_where_it_is(phone, places, manager):
    assert phone.warehouse == places["client"]
    first = Transfer.objects.get(asset=phone)
    assert (first.from_warehouse, first.to_warehouse, first.employee) == (
        None,
        places["client"],
        manager,
    )
    assert first.owner_id == phone.owner_id


def test_moving_there_and_back_adds_a_transfer_each_time(phone, places, manager, specialist):
    services.asset_move(actor=manager, asset=phone, warehouse=places["pending"], comment="In")
    services.asset_move(actor=specialist, asset=phone, warehouse=places["client"], comment="Back")
    services.asset_move(actor=manager, asset=phone, warehouse=places["pending"], comment="Again")

    assert Asset.objects.get(pk=phone.pk).warehouse == places["pending"]
    assert history(phone) == [
        (None, "At client", ""),
        ("At client", "Pending repair", "In"),
        ("Pending repair", "At client", "Back"),
        ("At client", "Pending repair", "Again"),
    ]
    back = Transfer.objects.filter(asset=phone).order_by("id")[2]
    assert back.employee == specialist


def test_transfers_cannot_be_changed_or_deleted(phone, places, manager):
    transfer = services.asset_move(actor=manager, asset=phone, warehouse=places["pending"])
    before = history(phone)
    transfer.comment = "rewritten"
    with pytest.raises(ImmutableRecord):
        transfer.save()
    with pytest.raises(ImmutableRecord):
        transfer.delete()
    assert history(phone) == before


def test_the_database_refuses_a_transfer_to_where_it_came_from(phone, places):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            asset=phone, from_warehouse=places["pending"], to_warehouse=places["pending"]
        )


@pytest.mark.parametrize(
    "case",
    ["same place", "written off", "inactive", "company at client", "long comment", "no place"],
)
def test_a_refused_move_changes_nothing(case, phone, places, manager):
    asset, target, comment = phone, places["pending"], ""
    if case == "same place":
        target = places["client"]
    elif case == "written off":
        services.asset_write_off(actor=manager, asset=phone, reason="Lost in transit")
    elif case == "inactive":
        target = WarehouseFactory(active=False)
    elif case == "company at client":
        asset = services.asset_create(
            actor=manager, serial="LOAN-1", name="Loaner", warehouse=places["pending"]
        )
        target = places["client"]
    elif case == "long comment":
        comment = "x" * 501
    elif case == "no place":
        target = None
    before = (history(asset), Asset.objects.get(pk=asset.pk).warehouse_id)

    with pytest.raises(services.AssetError) as refused:
        services.asset_move(actor=manager, asset=asset, warehouse=target, comment=comment)

    assert refused.value.messages  # says why
    assert (history(asset), Asset.objects.get(pk=asset.pk).warehouse_id) == before


def test_a_written_off_asset_says_why_it_cannot_move(phone, places, manager):
    services.asset_write_off(actor=manager, asset=phone, reason="Scrapped")
    with pytest.raises(services.AssetError, match="written off"):
        services.asset_move(actor=manager, asset=phone, warehouse=places["pending"])
    with pytest.raises(services.AssetError, match="already written off"):
        services.asset_write_off(actor=manager, asset=phone, reason="Again")
    phone.refresh_from_db()
    assert (phone.status, phone.write_off_reason, phone.written_off_by) == (
        "written_off",
        "Scrapped",
        manager,
    )


def test_a_write_off_needs_a_reason(phone, manager):
    with pytest.raises(services.AssetError) as refused:
        services.asset_write_off(actor=manager, asset=phone, reason="  ")
    assert "reason" in refused.value.message_dict
    assert Asset.objects.get(pk=phone.pk).status == "active"


def test_an_update_can_move_in_the_same_transaction(phone, places, manager):
    updated = services.asset_update(
        actor=manager,
        asset=phone,
        comment="Cracked screen",
        warehouse=places["ready"],
        move_comment="Fixed",
    )
    assert (updated.comment, updated.warehouse) == ("Cracked screen", places["ready"])
    assert history(phone)[-1] == ("At client", "Ready for pick-up", "Fixed")


def test_an_owner_change_that_would_leave_a_company_asset_at_client_is_refused(
    phone, places, manager
):
    with pytest.raises(services.AssetError) as refused:
        services.asset_update(actor=manager, asset=phone, owner=None)
    assert "owner" in refused.value.message_dict
    assert Asset.objects.get(pk=phone.pk).owner_id == phone.owner_id
    # With a move to a company warehouse in the same call it is fine.
    updated = services.asset_update(
        actor=manager, asset=phone, owner=None, warehouse=places["pending"]
    )
    assert (updated.owner, updated.warehouse) == (None, places["pending"])
