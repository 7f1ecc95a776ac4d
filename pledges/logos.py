"""Organisation logos: size-limited uploads re-encoded as PNG at bounded dimensions.

Re-encoding drops metadata and anything smuggled after the image data; only the
pixels we decoded are stored. The dimensions are read from the file's header and checked
before any pixel is decoded: a small file can declare a huge canvas (97 KB declaring
25 megapixels decodes to over 100 MB), and a logo needs far fewer pixels than other images,
so its limit is its own rather than Pillow's global one.
"""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_SIDE = 400
# A logo is shown at most 400 px wide: 2,000 × 2,000 is plenty of source (16 MB decoded).
MAX_SOURCE_SIDE = 2000
MAX_SOURCE_PIXELS = 4_000_000
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
            width, height = image.size  # from the header: nothing decoded yet
            too_big = max(width, height) > MAX_SOURCE_SIDE or width * height > MAX_SOURCE_PIXELS
            if too_big or not width or not height:
                raise ValidationError(_("The logo's dimensions are too large."), code="pixels")
            image.seek(0)
            # JPEG can decode straight at a reduced scale: fewer pixels ever in memory.
            image.draft("RGB", (MAX_SIDE * 2, MAX_SIDE * 2))
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
