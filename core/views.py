from django.shortcuts import redirect


def home(request):
    """The start page is the client list: the client is the centre of Oficina."""
    return redirect("clients:list")
