"""Organisation logos: size-limited uploads re-encoded as PNG at bounded dimensions.

Re-encoding drops metadata and anything smuggled after the image data; only the
pixels we decoded are stored.
"""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SIDE = 400
MAX_SOURCE_PIXELS = 25_000_000  # refuse decompression bombs before decoding
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


def reencode_logo(upload) -> bytes:
    """Return PNG bytes for an uploaded image file, or raise ValidationError."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The logo must be 1 MB or smaller."), code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("Upload a PNG, JPEG, WebP or GIF image."), code="format")
            width, height = image.size
            if width * height > MAX_SOURCE_PIXELS or not width or not height:
                raise ValidationError(_("The logo's dimensions are too large."), code="pixels")
            image.seek(0)
            image.load()
            converted = image.convert("RGBA")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not an image we can read."), code="invalid") from exc
    converted.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()
