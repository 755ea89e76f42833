"""Asset custom field values, checked against the asset definitions in settings with the
same rules as the clients' (``clients.custom_fields``)."""

from clients.custom_fields import clean_custom_fields, clean_value

from .models import AssetCustomField

__all__ = ["active_definitions", "clean_value", "merge_custom_fields"]


def active_definitions() -> list[AssetCustomField]:
    return list(AssetCustomField.objects.filter(active=True))


def merge_custom_fields(stored: dict, sent: dict) -> dict:
    """Apply ``sent`` (a partial update) to an asset's ``stored`` values and validate them.

    Values of fields no longer active are kept untouched and never block saving the rest.
    Raises ValidationError with a message per key.
    """
    definitions = active_definitions()
    active = {d.key for d in definitions}
    current = {k: v for k, v in (stored or {}).items() if k in active}
    current.update(sent)
    cleaned = clean_custom_fields(current, definitions=definitions)
    kept = {k: v for k, v in (stored or {}).items() if k not in active}
    return {**kept, **cleaned}
