from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(value):
    """{{ amount|money }}: the amount in the installation currency and active language."""
    return format_money(value)


@register.filter
def signed_money(value):
    """{{ amount|signed_money }}: with an explicit plus or minus sign."""
    return format_money(value, signed=True)
