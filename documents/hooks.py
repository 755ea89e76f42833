"""Where apps that build on documents (assets, leads) plug in, without documents importing
them (dependencies point one way: documents ← assets / leads).

- Status listeners run inside the transaction that moves an order to another status
  (creation, status change, close, reopen): an app can act on it (assets move the order's
  device between warehouses) and a refusal it raises rolls the whole change back.
- Order panels add a block of HTML to the order dialog (the order's asset, the lead it came
  from).
"""

from collections.abc import Callable

StatusListener = Callable[..., None]  # (*, actor, order, from_status, to_status) -> None
OrderPanel = Callable[..., str]  # (*, request, order) -> safe HTML

_status_listeners: list[StatusListener] = []
_order_panels: list[OrderPanel] = []


def register_status_listener(listener: StatusListener) -> None:
    if listener not in _status_listeners:
        _status_listeners.append(listener)


def register_order_panel(panel: OrderPanel) -> None:
    if panel not in _order_panels:
        _order_panels.append(panel)


def status_changed(*, actor, order, from_status, to_status) -> None:
    for listener in _status_listeners:
        listener(actor=actor, order=order, from_status=from_status, to_status=to_status)


def order_panels(*, request, order) -> list[str]:
    return [html for panel in _order_panels if (html := panel(request=request, order=order))]
