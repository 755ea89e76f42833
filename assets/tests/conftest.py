"""Fixtures the assets tests share: photos stored in a temporary folder, the seeded
warehouses, and image files made on the fly."""

import io

import pytest
from PIL import Image

from assets.models import Warehouse


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def places(db):
    """The warehouses the data migration seeds, by what they mean."""
    return {
        "client": Warehouse.objects.get(kind="client"),
        "pending": Warehouse.objects.get(kind="company", name="Pending repair"),
        "ready": Warehouse.objects.get(kind="company", name="Ready for pick-up"),
    }


def image_bytes(image_format: str = "PNG", size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
