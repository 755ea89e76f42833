"""A local HTTP server that answers as Telegram's Bot API does, for tests.

``POST /bot<token>/<method>`` (JSON or multipart/form-data) and ``GET /file/bot<token>/<path>``
answer with Telegram's shapes: ``{"ok": true, "result": …}`` or ``{"ok": false,
"error_code": …, "description": …, "parameters": {"retry_after": …}}``. It knows the bots in
``bots`` (an unknown token is 401 Unauthorized, as Telegram answers), the chats in ``chats``
(sending anywhere else is 400 "chat not found"; a chat marked blocked is 403) and the files
in ``files``. ``fail(method, …)`` queues a refusal (or ``drop=True``, a cut connection) for
the next call of a method. Every call is kept in ``requests``.
"""

import itertools
import json
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
BOT = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Oficina Test",
    "username": "oficina_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
BLOCKED = "blocked"


class FakeTelegram:
    def __init__(self):
        self.bots: dict[str, dict] = {TOKEN: dict(BOT)}
        self.chats: dict[int, str] = {}  # chat id → "ok" or BLOCKED
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id → (file_path, content)
        self.gone: set[str] = set()  # file paths getFile names but the download answers 404
        self.requests: list[dict] = []
        self.webhooks: dict[str, dict] = {}  # token → the last setWebhook parameters
        self._failures: dict[str, list[dict]] = {}
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                fake._post(self)

            def do_GET(self):
                fake._get(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- What tests set up ---------------------------------------------------------------------

    def add_chat(self, chat_id: int, state: str = "ok") -> None:
        self.chats[int(chat_id)] = state

    def add_file(self, file_id: str, content: bytes, path: str = "documents/file_1.bin") -> None:
        self.files[file_id] = (path, content)

    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        drop: bool = False,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` are refused (or their connection cut)."""
        body = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        self._failures.setdefault(method, []).extend(
            [{"status": status, "body": body, "drop": drop}] * times
        )

    def calls(self, method: str) -> list[dict]:
        return [r for r in self.requests if r["method"] == method]

    # --- Serving -------------------------------------------------------------------------------

    def _answer(self, handler, status: int, body: dict | bytes, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _refuse(self, handler, status: int, description: str, **parameters):
        body = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        self._answer(handler, status, body)

    def _read(self, handler) -> tuple[dict, dict]:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        content_type = handler.headers.get("Content-Type", "")
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
            )
            params, files = {}, {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                content = part.get_payload(decode=True)
                if filename is not None:
                    files[name] = {
                        "name": filename,
                        "content_type": part.get_content_type(),
                        "content": content,
                    }
                else:
                    params[name] = content.decode()
            return params, files
        if not raw:
            return {}, {}
        return json.loads(raw), {}

    def _post(self, handler):
        parts = handler.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return self._refuse(handler, 404, "Not Found")
        token, method = unquote(parts[0][3:]), parts[1]
        params, files = self._read(handler)
        with self._lock:
            self.requests.append(
                {
                    "method": method,
                    "token": token,
                    "params": params,
                    "files": files,
                    "at": time.monotonic(),
                }
            )
            failures = self._failures.get(method) or []
            failure = failures.pop(0) if failures else None
        if failure is not None:
            if failure["drop"]:
                handler.close_connection = True
                handler.connection.shutdown(2)
                return None
            return self._answer(handler, failure["status"], failure["body"])
        bot = self.bots.get(token)
        if bot is None:
            return self._refuse(handler, 401, "Unauthorized")
        answer = getattr(self, f"_m_{method}", None)
        if answer is None:
            return self._refuse(handler, 404, "Not Found: method not found")
        return answer(handler, bot, token, params, files)

    def _get(self, handler):
        parts = handler.path.strip("/").split("/", 2)
        if len(parts) != 3 or parts[0] != "file" or not parts[1].startswith("bot"):
            return self._refuse(handler, 404, "Not Found")
        if unquote(parts[1][3:]) not in self.bots:
            return self._refuse(handler, 401, "Unauthorized")
        path = unquote(parts[2])
        with self._lock:
            self.requests.append({"method": "file", "path": path, "at": time.monotonic()})
        for file_path, content in self.files.values():
            if file_path == path and path not in self.gone:
                return self._answer(handler, 200, content, "application/octet-stream")
        return self._refuse(handler, 404, "Not Found")

    # --- Methods -------------------------------------------------------------------------------

    def _m_getMe(self, handler, bot, token, params, files):
        return self._answer(handler, 200, {"ok": True, "result": bot})

    def _m_setWebhook(self, handler, bot, token, params, files):
        url = params.get("url", "")
        if not url.startswith("https://"):
            return self._refuse(
                handler, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        self.webhooks[token] = params
        return self._answer(
            handler, 200, {"ok": True, "result": True, "description": "Webhook was set"}
        )

    def _m_deleteWebhook(self, handler, bot, token, params, files):
        self.webhooks.pop(token, None)
        return self._answer(
            handler, 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
        )

    def _m_getFile(self, handler, bot, token, params, files):
        stored = self.files.get(params.get("file_id", ""))
        if stored is None:
            return self._refuse(handler, 400, "Bad Request: invalid file_id")
        path, content = stored
        return self._answer(
            handler,
            200,
            {
                "ok": True,
                "result": {
                    "file_id": params["file_id"],
                    "file_unique_id": "AgAD" + params["file_id"][-6:],
                    "file_size": len(content),
                    "file_path": path,
                },
            },
        )

    def _chat_refusal(self, handler, params) -> bool:
        try:
            chat = int(params.get("chat_id"))
        except (TypeError, ValueError):
            self._refuse(handler, 400, "Bad Request: chat not found")
            return True
        state = self.chats.get(chat)
        if state is None:
            self._refuse(handler, 400, "Bad Request: chat not found")
            return True
        if state == BLOCKED:
            self._refuse(handler, 403, "Forbidden: bot was blocked by the user")
            return True
        return False

    def _sent(self, handler, bot, params, **content):
        message = {
            "message_id": next(self._ids),
            "from": {k: bot[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "date": int(time.time()),
            **content,
        }
        return self._answer(handler, 200, {"ok": True, "result": message})

    def _m_sendMessage(self, handler, bot, token, params, files):
        if self._chat_refusal(handler, params):
            return None
        text = params.get("text") or ""
        if not text.strip():
            return self._refuse(handler, 400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return self._refuse(handler, 400, "Bad Request: message is too long")
        return self._sent(handler, bot, params, text=text)

    def _m_sendPhoto(self, handler, bot, token, params, files):
        if self._chat_refusal(handler, params):
            return None
        if "photo" not in files:
            return self._refuse(handler, 400, "Bad Request: there is no photo in the request")
        content = {"photo": [{"file_id": "AgACsent", "width": 1, "height": 1}]}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._sent(handler, bot, params, **content)

    def _m_sendDocument(self, handler, bot, token, params, files):
        if self._chat_refusal(handler, params):
            return None
        if "document" not in files:
            return self._refuse(handler, 400, "Bad Request: there is no document in the request")
        document = files["document"]
        content = {"document": {"file_id": "BQACsent", "file_name": document["name"]}}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._sent(handler, bot, params, **content)


def serve(settings, public_url: str = "https://shop.example.com"):
    """A fixture body: a running fake with Oficina pointed at it."""
    with FakeTelegram() as fake:
        settings.OFICINA_TELEGRAM_API_BASE_URL = fake.url
        settings.OFICINA_PUBLIC_URL = public_url
        settings.OFICINA_TELEGRAM_TIMEOUT = 5
        yield fake


# --- Updates as Telegram sends them (https://core.telegram.org/bots/api#update) ---------------

MARIA = {
    "id": 5_550_001,
    "is_bot": False,
    "first_name": "Maria",
    "last_name": "Souza",
    "username": "mariasouza",
    "language_code": "pt-br",
}
JOAO = {"id": 5_550_002, "is_bot": False, "first_name": "João", "language_code": "pt-br"}
EVIL = {"id": 5_550_003, "is_bot": False, "first_name": '<img src=x onerror="alert(2)">'}
_update_ids = itertools.count(734_000_001)
_message_ids = itertools.count(201)


def private_chat(person: dict) -> dict:
    chat = {"id": person["id"], "type": "private", "first_name": person["first_name"]}
    for key in ("last_name", "username"):
        if key in person:
            chat[key] = person[key]
    return chat


def message(person: dict = MARIA, *, chat: dict | None = None, **content) -> dict:
    return {
        "message_id": next(_message_ids),
        "from": person,
        "chat": chat or private_chat(person),
        "date": int(time.time()),
        **content,
    }


def update(kind: str = "message", update_id: int | None = None, **message_fields) -> dict:
    return {
        "update_id": next(_update_ids) if update_id is None else update_id,
        kind: message(**message_fields),
    }


def text_update(text: str, person: dict = MARIA, **fields) -> dict:
    return update(person=person, text=text, **fields)


def command_update(text: str, person: dict = MARIA) -> dict:
    command = text.split()[0]
    return update(
        person=person,
        text=text,
        entities=[{"offset": 0, "length": len(command), "type": "bot_command"}],
    )


def contact_update(phone: str, person: dict = MARIA, *, user_id: int | None = -1) -> dict:
    contact = {"phone_number": phone, "first_name": person["first_name"]}
    if "last_name" in person:
        contact["last_name"] = person["last_name"]
    if user_id is not None:
        contact["user_id"] = person["id"] if user_id == -1 else user_id
    return update(person=person, contact=contact)


def photo_update(file_id: str, size: int, caption: str = "", person: dict = MARIA) -> dict:
    sizes = [
        {
            "file_id": file_id + "-s",
            "file_unique_id": "AQADs",
            "file_size": 1_200,
            "width": 90,
            "height": 67,
        },
        {
            "file_id": file_id + "-m",
            "file_unique_id": "AQADm",
            "file_size": 14_000,
            "width": 320,
            "height": 240,
        },
        {
            "file_id": file_id,
            "file_unique_id": "AQADx",
            "file_size": size,
            "width": 1280,
            "height": 960,
        },
    ]
    fields = {"photo": sizes}
    if caption:
        fields["caption"] = caption
    return update(person=person, **fields)


def document_update(
    file_id: str, name: str, mime: str, size: int, caption: str = "", person: dict = MARIA
) -> dict:
    fields = {
        "document": {
            "file_name": name,
            "mime_type": mime,
            "file_id": file_id,
            "file_unique_id": "AgADdoc" + file_id[-4:],
            "file_size": size,
        }
    }
    if caption:
        fields["caption"] = caption
    return update(person=person, **fields)


def edited_update(message_id: int, text: str, person: dict = MARIA) -> dict:
    edited = message(person=person, text=text)
    edited["message_id"] = message_id
    edited["edit_date"] = edited["date"] + 60
    return {"update_id": next(_update_ids), "edited_message": edited}


def group_update(text: str, person: dict = MARIA) -> dict:
    chat = {"id": -1_001_234_567_890, "title": "Clientes da oficina", "type": "supergroup"}
    return update(person=person, chat=chat, text=text)


def post_update(client, channel, payload, *, secret: str | None = None, **extra):
    """POST ``payload`` to the channel's webhook the way Telegram does."""
    headers = {}
    secret = channel.secret_token if secret is None else secret
    if secret:
        headers["HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN"] = secret
    body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
    return client.post(
        f"/hooks/telegram/{channel.pk}/",
        body,
        content_type=extra.pop("content_type", "application/json"),
        **headers,
        **extra,
    )
