"""``Idempotency-Key`` for API writes that move money.

The key row is inserted first, in the same transaction as the money operation, under a unique
constraint. A retry after the first request committed finds the row and replays the stored
answer; a retry racing the first one blocks on the unique index until the first commits, then
fails to insert and replays. Either way the money moves once.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str)
    raw = f"{request.method} {request.path}\n{body}".encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        return Response(
            {"detail": _("This Idempotency-Key was already used for a different request.")},
            status=422,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, operation: Callable[[], Response]) -> Response:
    """Run ``operation`` at most once per (employee, Idempotency-Key)."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return operation()
    if len(key) > MAX_KEY:
        return Response(
            {
                "detail": _("Idempotency-Key may be at most %(limit)d characters.")
                % {"limit": MAX_KEY}
            },
            status=400,
        )
    fingerprint = _fingerprint(request)
    existing = IdempotencyKey.objects.filter(employee=request.user, key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                employee=request.user,
                key=key,
                request_hash=fingerprint,
                response_status=0,
                response_body={},
            )
            response = operation()
            if response.status_code >= 300:
                # Nothing moved; let the client fix the request and retry with the same key.
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            record.response_body = json.loads(json.dumps(response.data, default=str))
            record.save(update_fields=["response_status", "response_body"])
            return response
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(employee=request.user, key=key).first()
        if existing is None:
            raise
        return _replay(existing, fingerprint)
