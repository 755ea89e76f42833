"""The assets app's models: the directory, warehouses, assets and their transfers, and the
link to work orders."""

from .assets import (
    COMMENT_MAX,
    NAME_MAX,
    SERIAL_MAX,
    Asset,
    AssetCustomField,
    Transfer,
    serial_key,
)
from .directory import AssetGroup, AssetModel, Brand, DirectoryEntry, Modification
from .orders import OrderAsset, StatusMove
from .warehouses import Warehouse

__all__ = [
    "COMMENT_MAX",
    "NAME_MAX",
    "SERIAL_MAX",
    "Asset",
    "AssetCustomField",
    "AssetGroup",
    "AssetModel",
    "Brand",
    "DirectoryEntry",
    "Modification",
    "OrderAsset",
    "StatusMove",
    "Transfer",
    "Warehouse",
    "serial_key",
]
