"""Every change to the catalog goes through these functions (pages, API, commands, tests).

Each checks its input itself, whoever calls it, and writes in one transaction; a refused
change raises ``CatalogError`` (field → messages) and writes nothing.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.money import MAX_AMOUNT, format_money, places, quantize

from .models import SKU_MAX, TITLE_MAX, Product, Service
from .totals import places_error

MAX_WARRANTY_DAYS = 3650  # ten years


class CatalogError(ValidationError):
    """A catalog change was refused; nothing was written. The messages say why, per field."""


def _clean_title(value: str) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise CatalogError({"title": [_("This field is required.")]})
    if len(title) > TITLE_MAX:
        raise CatalogError(
            {
                "title": [
                    _("Ensure this value has at most %(limit)d characters.") % {"limit": TITLE_MAX}
                ]
            }
        )
    return title


def _clean_sku(value: str) -> str:
    # Kept as typed, only the surrounding spaces dropped: the SKU is printed on labels.
    sku = (value or "").strip()
    if not sku:
        raise CatalogError({"sku": [_("This field is required.")]})
    if len(sku) > SKU_MAX:
        raise CatalogError(
            {"sku": [_("Ensure this value has at most %(limit)d characters.") % {"limit": SKU_MAX}]}
        )
    return sku


def _clean_money(value, field: str) -> Decimal:
    """A price or cost: zero or more, at most ``MAX_AMOUNT``, in the currency's places."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
        rounded = quantize(amount)
    except (ValueError, ArithmeticError):
        raise CatalogError({field: [_("Enter a number.")]}) from None
    if amount < 0:
        raise CatalogError({field: [_("Enter an amount of zero or more.")]})
    if amount > MAX_AMOUNT:
        raise CatalogError(
            {field: [_("The amount may be at most %(max)s.") % {"max": format_money(MAX_AMOUNT)}]}
        )
    if rounded != amount:
        raise CatalogError({field: [places_error(places())]})
    return rounded


def _clean_warranty(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogError({"warranty_days": [_("Enter a whole number.")]})
    if not 0 <= value <= MAX_WARRANTY_DAYS:
        raise CatalogError(
            {
                "warranty_days": [
                    _("Enter a number of days from 0 to %(max)d.") % {"max": MAX_WARRANTY_DAYS}
                ]
            }
        )
    return value


def _check_sku_free(sku: str, *, exclude_pk: int | None = None) -> None:
    if Product.objects.filter(sku__iexact=sku).exclude(pk=exclude_pk).exists():
        raise CatalogError({"sku": [_("A product with this SKU already exists.")]})


def _save_product(product: Product, **kwargs) -> Product:
    try:
        # A savepoint: a product saved with the same SKU since the check (the unique index
        # refuses it) fails here, not the caller's whole transaction, and reads the same.
        with transaction.atomic():
            product.save(**kwargs)
    except IntegrityError:
        raise CatalogError({"sku": [_("A product with this SKU already exists.")]}) from None
    return product


@transaction.atomic
def service_create(
    *, actor, title: str, price: Decimal, warranty_days: int = 0, active: bool = True
) -> Service:
    """Add a service to the catalog."""
    service = Service(
        title=_clean_title(title),
        price=_clean_money(price, "price"),
        warranty_days=_clean_warranty(warranty_days),
        active=active,
    )
    service.save()
    return service


@transaction.atomic
def service_update(
    *,
    actor,
    service: Service,
    title: str | None = None,
    price: Decimal | None = None,
    warranty_days: int | None = None,
    active: bool | None = None,
) -> Service:
    """Change the given fields of a service (None keeps a field as it is).

    Documents copy the price when a line is added, so a new price applies to new lines only.
    """
    # Every value is checked before any is set: a refused change leaves the object as read.
    changes = {
        "title": None if title is None else _clean_title(title),
        "price": None if price is None else _clean_money(price, "price"),
        "warranty_days": None if warranty_days is None else _clean_warranty(warranty_days),
        "active": active,
    }
    for field, value in changes.items():
        if value is not None:
            setattr(service, field, value)
    service.save(update_fields=["title", "price", "warranty_days", "active", "updated_at"])
    return service


@transaction.atomic
def product_create(
    *,
    actor,
    sku: str,
    title: str,
    price: Decimal,
    cost: Decimal = Decimal("0"),
    active: bool = True,
) -> Product:
    """Add a product to the catalog; its SKU must be new, whatever its case."""
    product = Product(
        sku=_clean_sku(sku),
        title=_clean_title(title),
        price=_clean_money(price, "price"),
        cost=_clean_money(cost, "cost"),
        active=active,
    )
    _check_sku_free(product.sku)
    return _save_product(product)


@transaction.atomic
def product_update(
    *,
    actor,
    product: Product,
    sku: str | None = None,
    title: str | None = None,
    price: Decimal | None = None,
    cost: Decimal | None = None,
    active: bool | None = None,
) -> Product:
    """Change the given fields of a product (None keeps a field as it is)."""
    # Every value is checked before any is set: a refused change leaves the object as read.
    changes = {
        "sku": None if sku is None else _clean_sku(sku),
        "title": None if title is None else _clean_title(title),
        "price": None if price is None else _clean_money(price, "price"),
        "cost": None if cost is None else _clean_money(cost, "cost"),
        "active": active,
    }
    if changes["sku"] is not None:
        _check_sku_free(changes["sku"], exclude_pk=product.pk)
    for field, value in changes.items():
        if value is not None:
            setattr(product, field, value)
    return _save_product(
        product, update_fields=["sku", "title", "price", "cost", "active", "updated_at"]
    )
