"""A campaign's hero image: re-encoded on upload, never stored as sent.

The upload is decoded by Pillow (anything it cannot read is refused), turned upright by its
EXIF orientation, cropped to 16:9 around its centre and written again as WebP and JPEG in up
to three widths, without any metadata (no EXIF: no camera, place or date). Only those files
are kept; pages offer them with `srcset` so a phone downloads the 480-pixel WebP (about
20 KB), within the campaign page's 60 KB budget.
"""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

WIDTHS = (480, 960, 1440)
RATIO = (16, 9)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decompression bombs are refused, not decoded
FORMATS = (
    ("webp", "image/webp", {"quality": 62, "method": 6}),
    ("jpg", "image/jpeg", {"quality": 72, "progressive": True, "optimize": True}),
)


def _crop(image: Image.Image) -> Image.Image:
    width, height = image.size
    want = width * RATIO[1] // RATIO[0]
    if want <= height:
        top = (height - want) // 2
        return image.crop((0, top, width, top + want))
    want_width = height * RATIO[0] // RATIO[1]
    left = (width - want_width) // 2
    return image.crop((left, 0, left + want_width, height))


def process(upload) -> dict:
    """Re-encode `upload`; the manifest stored on the campaign (`Campaign.hero`)."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The image is larger than 10 MB."))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(upload) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("This file is not an image we can read.")) from exc
    image = _crop(image)
    if image.width < WIDTHS[0]:
        raise ValidationError(_("The image must be at least 480 pixels wide."))
    stem = f"heroes/{secrets.token_hex(8)}"
    variants = []
    for width in WIDTHS:
        if width > image.width and variants:
            break
        size = (width, width * RATIO[1] // RATIO[0])
        resized = image.resize(size, Image.Resampling.LANCZOS)
        files = {}
        for extension, _mime, options in FORMATS:
            out = io.BytesIO()
            resized.save(out, format="WEBP" if extension == "webp" else "JPEG", **options)
            files[extension] = default_storage.save(
                f"{stem}-{width}.{extension}", ContentFile(out.getvalue())
            )
        variants.append({"width": size[0], "height": size[1], **files})
    return {"variants": variants}


def delete(manifest: dict | None) -> None:
    for variant in (manifest or {}).get("variants", []):
        for extension, _mime, _options in FORMATS:
            if variant.get(extension):
                default_storage.delete(variant[extension])


def picture(manifest: dict | None, alt: str) -> dict | None:
    """What the page's <picture> needs, or None without a hero image."""
    variants = (manifest or {}).get("variants") or []
    if not variants:
        return None
    sources = [
        {
            "type": mime,
            "srcset": ", ".join(
                f"{default_storage.url(v[extension])} {v['width']}w" for v in variants
            ),
        }
        for extension, mime, _options in FORMATS
    ]
    middle = variants[min(1, len(variants) - 1)]
    return {
        "sources": sources,
        "fallback": default_storage.url(middle["jpg"]),
        "width": middle["width"],
        "height": middle["height"],
        "alt": alt,
    }
