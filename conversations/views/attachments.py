"""Files sent in conversations, served only to employees who may see the conversation (404
to anyone else); never from a public URL."""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from ..models import Attachment, Conversation
from .common import access_required

# A served file runs nothing and loads nothing, even if a browser were to render it.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@access_required
@require_GET
def conversation_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Images inline (``?download=1`` to save one), every other file as a download, by the
    type its content was checked to be when it arrived."""
    visible = Conversation.objects.visible_to(request.user).values("pk")
    attachment = get_object_or_404(
        Attachment.objects.filter(message__conversation__in=visible), pk=pk
    )
    storage = attachment.file.storage
    if not attachment.file.name or not storage.exists(attachment.file.name):
        raise Http404
    inline = attachment.is_image and request.GET.get("download") != "1"
    content_type = attachment.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    response = FileResponse(
        storage.open(attachment.file.name, "rb"),
        content_type=content_type,
        as_attachment=not inline,
        filename=attachment.name,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("conversations/attachments/<int:pk>/", conversation_attachment, name="attachment"),
]
