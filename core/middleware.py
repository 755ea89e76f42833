"""Cross-cutting request handling."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

# The API authenticates inside DRF (token or session) and answers 401 itself; inbound
# webhooks authenticate by signature. Neither may be redirected to the login page.
OPEN_PREFIXES = ("/api/", "/hooks/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page requires a signed-in employee, except views marked login_not_required."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
