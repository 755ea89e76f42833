"""A local HTTP server that answers as Twilio's Messages API does, for tests."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SID, TOKEN = "AC" + "1" * 32, "t0ken"


class FakeTwilio:
    """Answers queued one by one: (status, body dict, headers); then 201 queued."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = self.headers.get("Authorization", "")
                expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
                fake.requests.append({"path": self.path, "form": form, "auth": auth})
                if auth != expected:
                    return self.answer(401, {"code": 20003, "message": "Authenticate"}, {})
                if self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                    return self.answer(404, {"code": 20404, "message": "Not found"}, {})
                if fake.answers:
                    status, body, headers = fake.answers.pop(0)
                    if status == "drop":
                        self.connection.close()  # a network error
                        return None
                    return self.answer(status, body, headers)
                n = len(fake.requests)
                return self.answer(
                    201,
                    {
                        "sid": f"SM{n:032d}",
                        "status": "queued",
                        "error_code": None,
                        "error_message": None,
                    },
                    {},
                )

            def answer(self, status, body, headers):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
