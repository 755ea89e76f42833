from django.conf import settings


def oficina(request):
    """Installation-wide values every template may show."""
    return {"OFICINA_CURRENCY": settings.OFICINA_CURRENCY}
