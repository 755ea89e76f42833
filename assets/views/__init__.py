"""The assets app's pages: the assets page, the asset profile, the client's Assets tab, the
order dialog's asset panel and the asset settings."""

from .orders import order_asset_link, order_panel
from .pages import asset_create, asset_list, asset_photo
from .profile import asset_move, asset_order_create, asset_profile, asset_write_off
from .tab import assets_tab, client_asset_create

__all__ = [
    "asset_create",
    "asset_list",
    "asset_move",
    "asset_order_create",
    "asset_photo",
    "asset_profile",
    "asset_write_off",
    "assets_tab",
    "client_asset_create",
    "order_asset_link",
    "order_panel",
]
