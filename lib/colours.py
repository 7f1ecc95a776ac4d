"""The site's accent colour: parsed strictly, checked for contrast, mirrored for dark mode.

WCAG 2 contrast: text and buttons in the accent must reach 4.5:1 on the page background, in
the light theme and the dark one. A colour set for the light theme is lightened for the dark
theme until it reaches that contrast, so one setting serves both.
"""

import re
from dataclasses import dataclass

HEX = re.compile(r"^#([0-9a-fA-F]{6})$")
LIGHT_BG = "#fdfdfb"
DARK_BG = "#151517"
MIN_CONTRAST = 4.5


def parse(colour: str) -> tuple[int, int, int]:
    match = HEX.match(colour.strip())
    if not match:
        raise ValueError(f"{colour!r} is not a colour written #rrggbb")
    value = match.group(1)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, towards: str, share: float) -> str:
    a, b = parse(colour), parse(towards)
    return _hex(tuple(round(x + (y - x) * share) for x, y in zip(a, b, strict=True)))


@dataclass(frozen=True)
class Palette:
    accent: str
    accent_fg: str  # text on an accent button
    dark_accent: str
    dark_accent_fg: str


def _text_on(colour: str) -> str:
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#111111") else "#111111"


def palette(accent: str) -> Palette:
    """Raises ValueError when `accent` is unreadable on the light background."""
    parse(accent)
    if contrast(accent, LIGHT_BG) < MIN_CONTRAST:
        raise ValueError(
            f"{accent} has a contrast of {contrast(accent, LIGHT_BG):.2f}:1 on {LIGHT_BG}; "
            f"links and buttons need {MIN_CONTRAST}:1 (choose a darker colour)"
        )
    dark = accent
    share = 0.0
    while contrast(dark, DARK_BG) < MIN_CONTRAST and share < 1:
        share = round(share + 0.05, 2)
        dark = _mix(accent, "#ffffff", share)
    return Palette(accent.lower(), _text_on(accent), dark, _text_on(dark))
