"""Print where Oficina is running and how to sign in (used by `make run`)."""

from django.core.management.base import BaseCommand

from demo.seed.content import content_for


class Command(BaseCommand):
    help = "Print the URL and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        lines = [
            "",
            f"  Oficina is starting at  http://{host}:{port}/",
            "",
            "  Demo logins (password = login):",
        ]
        for login, name, _email, role in content_for().employees:
            lines.append(f"    {login:<8} {name} ({role.replace('_', ' ')})")
        lines += ["", f"  API docs: http://{host}:{port}/api/docs/", ""]
        self.stdout.write("\n".join(lines))
