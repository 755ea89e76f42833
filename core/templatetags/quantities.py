from django import template

from core.numbers import format_quantity

register = template.Library()


@register.filter
def quantity(value):
    """{{ line.quantity|quantity }}: with the places it has, in the active language."""
    return format_quantity(value)
