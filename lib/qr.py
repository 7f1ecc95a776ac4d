"""Poster QR codes for campaign URLs."""

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _make(url: str, **kwargs) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, **kwargs)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_svg(url: str) -> bytes:
    image = _make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).make_image()
    return image.to_string(encoding="unicode").encode()


def qr_png(url: str, *, box_size: int = 10) -> bytes:
    image = _make(url, box_size=box_size).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
