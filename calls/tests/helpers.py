"""What the calls tests share: signing webhooks the way each provider does, a snapshot of
what a refused delivery must leave as it was, employees with a custom role, and a local HTTP
server that plays a recording host."""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from accounts.models import Role
from accounts.tests.factories import EmployeeFactory
from calls.models import Call
from core.webhooks import twilio_signature
from leads.models import Lead

SECRET = "test-calls-secret"
TWILIO_TOKEN = "12345678901234567890123456789012"
TWILIO_SID = "AC" + "a" * 32
HOOK = "/hooks/calls/{provider}/"


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_generic(http, payload, *, provider="generic", signature=None, **headers):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if signature is None:
        signature = sign(body)
    if signature:
        headers["HTTP_X_SIGNATURE"] = signature
    return http.post(
        HOOK.format(provider=provider),
        data=body,
        content_type=headers.pop("content_type", "application/json"),
        **headers,
    )


def post_twilio(http, params: dict, *, signature=None, url="http://testserver/hooks/calls/twilio/"):
    if signature is None:
        signature = twilio_signature(TWILIO_TOKEN, url, params)
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature else {}
    return http.post(
        HOOK.format(provider="twilio"),
        data=urlencode(params),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def snapshot() -> dict:
    return {
        "calls": list(Call.objects.order_by("pk").values()),
        "leads": list(Lead.objects.order_by("pk").values()),
    }


def employee_with(*permissions: str, **fields):
    """An employee whose (custom) role grants exactly ``permissions``."""
    role = Role.objects.create(name=f"Custom {Role.objects.count()}", permissions=list(permissions))
    return EmployeeFactory(role=role, **fields)


class FakeHost:
    """A recording host on 127.0.0.1: ``routes[path]`` is a list of (status, headers, body)
    answered in turn (the last one repeats); every request is kept in ``requests``."""

    def __init__(self) -> None:
        self.routes: dict[str, list[tuple[int, dict, bytes]]] = {}
        self.requests: list[dict] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host.requests.append({"path": self.path, "headers": dict(self.headers)})
                answers = host.routes.get(self.path) or [(404, {}, b"not found")]
                status, headers, body = answers.pop(0) if len(answers) > 1 else answers[0]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, path: str, *answers: tuple[int, dict, bytes]) -> str:
        self.routes[path] = list(answers)
        return self.url + path


@contextmanager
def fake_host():
    host = FakeHost()
    thread = threading.Thread(target=host.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        host.server.shutdown()
        host.server.server_close()
