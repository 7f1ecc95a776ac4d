"""Share cards: the 1200×630 PNG a social network shows when someone shares a campaign link.

One card per campaign and language: the coalition's name, the campaign's kind and title in
that language, its main figure (signatures, organisations or money raised) and a bar to the
next milestone. Drawn with Pillow and Debian's Noto fonts (`fonts-noto-core`); Arabic is
shaped by libraqm and laid out right to left. A missing font falls back to Pillow's own
(logged once), never to an error.

A card is drawn from a `Card` description whose numbers are rounded (`bucket`): the PNG is
kept in the shared cache under a digest of that description, so it is drawn again when the
count crosses a milestone or a rounding step, or the texts change, not on every signature.
"""

import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import astuple, dataclass
from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, features

from campaigns import figures
from campaigns.context_processors import coalition_name
from campaigns.models import Campaign
from campaigns.progress import Progress, campaign_progress, next_milestone
from lib import colours
from lib.locales import babel_locale

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
CACHE_SECONDS = 24 * 3600  # a card's key changes with what it shows; this only frees memory
VERSION = 1  # bump when the drawing changes, so cached cards are drawn again
LOCK_SECONDS = 10  # a process that died drawing a card frees the lock by then

BACKGROUND = colours.parse(colours.DARK_BG)  # the site's dark theme
TEXT = (245, 245, 245)
MUTED = (172, 174, 182)  # 8.2:1 on the background
TRACK = (52, 53, 60)
DEFAULT_ACCENT = "#c0392b"  # if the setting is unusable (it is checked at start-up)

FONT_DIR = "/usr/share/fonts/truetype/noto"  # Debian's fonts-noto-core
FONT_FILES = {
    ("latin", False): "NotoSans-Regular.ttf",
    ("latin", True): "NotoSans-Bold.ttf",
    ("arabic", False): "NotoSansArabic-Regular.ttf",
    ("arabic", True): "NotoSansArabic-Bold.ttf",
}
LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
TITLE_SIZES = (72, 64, 56, 50, 44)  # the largest that fits the title in three lines wins
TITLE_LINES = 3
TITLE_TOP, TITLE_BOTTOM = 168, 466  # between the kind's line and the figure's
ELLIPSIS = "…"


# What the card shows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """The campaign's main figure, as drawn: rounded, formatted, with its next step."""

    count_text: str  # "1,230+", "12.400 €"
    label: str  # "have signed", "organisations", "raised"
    fraction: float  # of the bar, 0 to 1
    target_text: str  # "of 5,000", "next milestone: 2,500"


@dataclass(frozen=True)
class Card:
    language: str
    rtl: bool
    coalition: str
    kind: str
    title: str
    headline: Headline | None
    accent: str


def target(count: int, goal: int | None) -> int:
    """The next milestone, or the goal if it is nearer (as on the page's bar)."""
    return next_milestone(count, goal)


def bucket(count: int) -> int:
    """`count` rounded down to two significant digits (exact below 100): 1,234 → 1,200."""
    step = 10 ** max(0, len(str(max(count, 0))) - 2)
    return count - count % step


def describe(campaign: Campaign, progress: Progress, language: str) -> Card:
    """What the card of `campaign` in `language` shows, numbers rounded to their bucket."""
    with translation.override(language):
        return Card(
            language=language,
            rtl=bool(get_language_info(language)["bidi"]),
            coalition=coalition_name(),
            kind=str(campaign.get_kind_display()),
            title=campaign.content(language).title,
            headline=_headline(campaign, progress, language),
            accent=settings.COALITION_ACCENT_COLOUR,
        )


def _headline(campaign: Campaign, progress: Progress, language: str) -> Headline | None:
    locale = babel_locale(language)
    if campaign.kind == Campaign.Kind.FUNDRAISER and progress.raised:
        return _raised_headline(progress.raised, language)
    if not progress.figures:
        return None
    figure = progress.figures[0]
    shown = bucket(figure.count)
    count_text = format_decimal(shown, locale=locale) + ("+" if shown >= 100 else "")
    if figure.key == "signatures":
        label = ngettext("has signed", "have signed", shown)
    else:
        label = figure.label
    return _with_target(
        count_text, label, figure.count, figure.goal, lambda n: format_decimal(n, locale=locale)
    )


def _raised_headline(raised: dict, language: str) -> Headline | None:
    """Whole units written as the donations app writes money ("€12,400", "12.400 €"): cents
    are noise on a card. The app registers its money format with `campaigns.figures`."""
    money_format = figures.money_format()
    currency = raised.get("currency")
    if money_format is None or not currency:
        return None
    total = int(money_format.to_major(raised.get("total_minor") or 0, currency))
    goal_minor = raised.get("goal_minor")
    goal = int(money_format.to_major(goal_minor, currency)) if goal_minor else None

    def money(amount: int) -> str:
        return money_format.whole(amount, currency, language)

    return _with_target(money(bucket(total)), _("raised"), total, goal, money)


def _with_target(
    count_text: str, label: str, count: int, goal: int | None, number: Callable[[int], str]
) -> Headline:
    """The bar runs to the next milestone (or goal) above the true count, filled to the
    rounded count: both move only at a milestone or a rounding step."""
    step = target(count, goal)
    if step == goal:
        target_text = _("of %(goal)s") % {"goal": number(goal)}
    else:
        target_text = _("next milestone: %(milestone)s") % {"milestone": number(step)}
    return Headline(count_text, label, min(1.0, bucket(count) / step), target_text)


# The cache ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Png:
    content: bytes
    etag: str


def card_png(campaign: Campaign, language: str) -> Png:
    """The card's PNG, from the shared cache when nothing it shows has changed.

    When it has (a milestone crossed in a rush of signatures), one process draws the new
    card while the others keep serving the last one for the seconds that takes."""
    card = describe(campaign, campaign_progress(campaign), language)
    digest = hashlib.sha256(repr((VERSION, astuple(card))).encode()).hexdigest()[:32]
    key = f"cards:v{VERSION}:{campaign.pk}:{language}:{digest}"
    last_key = f"cards:v{VERSION}:{campaign.pk}:{language}:last"
    stored = cache.get_many([key, last_key])
    if key in stored:
        return stored[key]
    locked = cache.add(key + ":lock", 1, LOCK_SECONDS)
    if last_key in stored and not locked:
        return stored[last_key]
    try:
        content = draw(card)
        png = Png(content, '"' + hashlib.sha256(content).hexdigest()[:32] + '"')
        cache.set_many({key: png, last_key: png}, CACHE_SECONDS)
    finally:
        if locked:
            cache.delete(key + ":lock")
    return png


# Drawing ------------------------------------------------------------------------------------


def draw(card: Card) -> bytes:
    accent = _accent(card.accent)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, WIDTH, 11), fill=accent)
    writer = _Writer(canvas, card)
    writer.line(card.coalition, 30, bold=True, baseline=84, fill=accent)
    writer.line(card.kind, 28, bold=False, baseline=128, fill=MUTED)
    _draw_title(writer, card.title)
    if card.headline:
        _draw_headline(writer, canvas, card.headline, accent)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _draw_title(writer: "_Writer", title: str) -> None:
    """At most three lines between the kind and the figure, the largest size that fits."""
    rtl = paragraph_rtl(title, writer.rtl)
    arabic = any(_is_arabic(char) for char in title)
    spacing = 1.4 if arabic else 1.25  # Arabic letters reach higher and lower

    def fits(lines: list[str], size: int) -> bool:
        height = size * (0.85 + 0.3) + (len(lines) - 1) * round(size * spacing)
        return len(lines) <= TITLE_LINES and height <= TITLE_BOTTOM - TITLE_TOP

    width = WIDTH - 2 * MARGIN
    for size in TITLE_SIZES:
        lines = writer.wrap(title, size, width, rtl=rtl)
        if fits(lines, size):
            break
    else:
        lines = lines[:TITLE_LINES]
        lines[-1] = writer.shorten(lines[-1] + ELLIPSIS, size, width, rtl=rtl)
    baseline = TITLE_TOP + round(size * 0.85)
    for line in lines:
        writer.line(line, size, bold=True, baseline=baseline, fill=TEXT, rtl=rtl)
        baseline += round(size * spacing)


def _draw_headline(writer: "_Writer", canvas, headline: Headline, bar_colour) -> None:
    baseline = 530
    # The target at the far edge first: the label gets the room left between the two.
    target_width = writer.line(
        headline.target_text, 26, bold=False, baseline=baseline, fill=MUTED, far=True
    )
    count_width = writer.line(headline.count_text, 64, bold=True, baseline=baseline, fill=TEXT)
    indent = count_width + 18
    writer.line(
        headline.label,
        32,
        bold=False,
        baseline=baseline,
        fill=MUTED,
        indent=indent,
        room=WIDTH - 2 * MARGIN - indent - target_width - 32,
    )
    top, height = 556, 20
    canvas.rounded_rectangle((MARGIN, top, WIDTH - MARGIN, top + height), 10, fill=TRACK)
    filled = round((WIDTH - 2 * MARGIN) * headline.fraction)
    if filled:
        filled = max(filled, height)  # a sliver still shows as a rounded dot
        if writer.rtl:
            box = (WIDTH - MARGIN - filled, top, WIDTH - MARGIN, top + height)
        else:
            box = (MARGIN, top, MARGIN + filled, top + height)
        canvas.rounded_rectangle(box, 10, fill=bar_colour)


class _Writer:
    """Draws one-line strings at the card's reading edge (the right one in Arabic), each
    split into runs of one script and one direction, in visual order."""

    def __init__(self, canvas, card: Card):
        self.canvas, self.rtl = canvas, card.rtl

    def runs(self, text: str, size: int, bold: bool, rtl: bool | None = None) -> list[tuple]:
        """(text, drawing options, font, width) for each run of `text`, left to right.

        `rtl`: the paragraph's direction, by default that of `text`'s first letter."""
        out = []
        base = paragraph_rtl(text, self.rtl) if rtl is None else rtl
        for run, run_rtl, script in visual_runs(text, rtl=base):
            font = _font(_font_dir(), script, bold, size)
            if getattr(font, "layout_engine", None) == ImageFont.Layout.RAQM:
                options = {"direction": "rtl" if run_rtl else "ltr"}
                if script == "arabic":
                    options["language"] = "ar"
            else:  # no shaping: at least the letters in reading order
                options = {}
                run = run[::-1] if run_rtl else run
            out.append((run, options, font, font.getlength(run, **options)))
        return out

    def width(self, text: str, size: int, *, bold: bool = True, rtl: bool | None = None) -> float:
        return sum(run[3] for run in self.runs(text, size, bold, rtl))

    def line(
        self, text, size, *, bold, baseline, fill, indent=0.0, far=False, rtl=None, room=None
    ) -> float:
        """Draw `text` from the reading edge (or the far edge), `indent` in, shortened to
        `room` (the rest of the line by default); its width."""
        room = WIDTH - 2 * MARGIN - indent if room is None else room
        if self.width(text, size, bold=bold, rtl=rtl) > room:
            text = self.shorten(text + ELLIPSIS, size, room, rtl=rtl, bold=bold)
        runs = self.runs(text, size, bold, rtl)
        width = sum(run[3] for run in runs)
        from_right = self.rtl != far
        x = WIDTH - MARGIN - indent - width if from_right else MARGIN + indent
        for run, options, font, run_width in runs:
            self.canvas.text((x, baseline), run, font=font, fill=fill, anchor="ls", **options)
            x += run_width
        return width

    def wrap(self, text: str, size: int, width: float, *, rtl: bool) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if current and self.width(candidate, size, rtl=rtl) > width:
                lines.append(current)
                candidate = word
            while self.width(candidate, size, rtl=rtl) > width and len(candidate) > 1:
                # One word wider than the card: cut it where it fills the line.
                cut = len(candidate) - 1
                while cut > 1 and self.width(candidate[:cut], size, rtl=rtl) > width:
                    cut -= 1
                lines.append(candidate[:cut])
                candidate = candidate[cut:]
            current = candidate
        if current:
            lines.append(current)
        return lines

    def shorten(self, line: str, size: int, width: float, *, rtl, bold: bool = True) -> str:
        """Drop words (or letters) before the trailing ellipsis until the line fits."""
        while self.width(line, size, bold=bold, rtl=rtl) > width and len(line) > 1:
            head = line[: -len(ELLIPSIS)].rstrip()
            head = head.rsplit(" ", 1)[0] if " " in head else head[:-1]
            line = head.rstrip(" ,.:;-–—") + ELLIPSIS
        return line


def _font_dir() -> str:
    return getattr(settings, "CARD_FONT_DIR", "") or FONT_DIR


_missing_fonts: set[Path] = set()


@lru_cache(maxsize=64)
def _font(directory: str, script: str, bold: bool, size: int):
    path = Path(directory) / FONT_FILES[(script, bold)]
    try:
        # Checked first: given a path that does not exist, Pillow walks the system's font
        # folders for a file of that name.
        if not path.is_file():
            raise FileNotFoundError(path)
        return ImageFont.truetype(str(path), size, layout_engine=LAYOUT)
    except OSError:
        if path not in _missing_fonts:
            _missing_fonts.add(path)
            logger.warning("share cards: font %s missing, using Pillow's default font", path)
        return ImageFont.load_default(size)


def _accent(value: str) -> tuple[int, int, int]:
    """The accent as the dark theme shows it: lightened until it reads on the dark
    background (4.5:1, `lib.colours`), so it serves the text and the bar alike."""
    try:
        return colours.parse(colours.palette(value).dark_accent)
    except ValueError:
        logger.warning("share cards: accent colour %r is not usable", value)
        return colours.parse(colours.palette(DEFAULT_ACCENT).dark_accent)


# Bidirectional text -------------------------------------------------------------------------
# Noto Sans has no Arabic letters and Noto Sans Arabic no Latin ones, and Pillow draws a
# string in one font: a title mixing both ("نرفض Google") is split into runs of one script
# and one direction, placed in visual order by the Unicode bidirectional algorithm (UAX #9,
# one paragraph, no explicit embeddings); libraqm shapes each run.

ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Neutral characters Noto Sans Arabic has glyphs for (others are drawn with Noto Sans).
ARABIC_FONT_NEUTRALS = frozenset(" \u00a0\u202f!,-.:0123456789«»")
STRONG = {"L", "R", "AL"}
BRACKETS = {"(": ")", "[": "]", "{": "}"}


def _is_arabic(char: str) -> bool:
    return bool(ARABIC.match(char))


def paragraph_rtl(text: str, default: bool) -> bool:
    """The direction of `text` (its first letter's, UAX #9 P2), else `default`."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in STRONG:
            return kind != "L"
    return default


def _levels(text: str, rtl: bool) -> list[int]:
    """Embedding levels of `text`'s characters in a paragraph of direction `rtl`."""
    types = [unicodedata.bidirectional(char) or "ON" for char in text]
    sos = "R" if rtl else "L"
    n = len(types)
    previous = sos
    for i, kind in enumerate(types):  # W1: marks take the type of their base
        if kind == "NSM":
            types[i] = previous
        previous = types[i]
    last = sos
    for i, kind in enumerate(types):  # W2, W3
        if kind in STRONG:
            last = kind
        elif kind == "EN" and last == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]
    for i in range(1, n - 1):  # W4: 1,234 and 1.5 stay one number
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    i = 0
    while i < n:  # W5: currency and percent signs next to a number join it
        j = i
        while j < n and types[j] == "ET":
            j += 1
        if j > i and ((i and types[i - 1] == "EN") or (j < n and types[j] == "EN")):
            types[i:j] = ["EN"] * (j - i)
        i = max(j, i + 1)
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    last = sos
    for i, kind in enumerate(types):  # W7
        if kind in ("L", "R"):
            last = kind
        elif kind == "EN" and last == "L":
            types[i] = "L"
    _pair_brackets(text, types, sos)
    i = 0
    while i < n:  # N1, N2: neutrals between two of a direction take it, others the base's
        j = i
        while j < n and types[j] not in ("L", "R", "EN", "AN"):
            j += 1
        if j > i:
            before = sos if i == 0 else ("L" if types[i - 1] == "L" else "R")
            after = sos if j == n else ("L" if types[j] == "L" else "R")
            types[i:j] = [before if before == after else sos] * (j - i)
        i = max(j, i + 1)
    base = 1 if rtl else 0
    if base:
        levels = [1 if kind == "R" else 2 for kind in types]  # I2
    else:
        levels = [{"L": 0, "R": 1}.get(kind, 2) for kind in types]  # I1
    for i in range(n - 1, -1, -1):  # L1: trailing spaces at the paragraph's level
        if not text[i].isspace():
            break
        levels[i] = base
    return levels


def _pair_brackets(text: str, types: list[str], sos: str) -> None:
    """N0: a pair of brackets takes the paragraph's direction if a letter of it is inside,
    else the direction of the letters inside if the text before the pair has it too, so
    "(2025)" after a Latin word stays one run in an Arabic title."""
    pairs, stack = [], []
    for i, char in enumerate(text):
        if types[i] != "ON":
            continue
        if char in BRACKETS:
            stack.append((BRACKETS[char], i))
        elif char in BRACKETS.values():
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    strong = {"L": "L", "R": "R", "EN": "R", "AN": "R"}
    for start, end in sorted(pairs):
        inside = {strong[t] for t in types[start + 1 : end] if t in strong}
        if not inside:
            continue
        if sos in inside:
            direction = sos
        else:  # only the other direction inside: the pair takes it if the context has it
            direction = next((strong[t] for t in reversed(types[:start]) if t in strong), sos)
        types[start] = types[end] = direction


def visual_runs(text: str, rtl: bool) -> list[tuple[str, bool, str]]:
    """`text` as (run, right to left, "arabic" | "latin") in visual order, left to right."""
    levels = _levels(text, rtl)
    scripts = _scripts(text, levels)
    runs: list[list] = []
    for char, level, script in zip(text, levels, scripts, strict=True):
        if unicodedata.category(char) == "Cf":
            continue  # bidi marks (Babel's Arabic formats have some): counted, not drawn
        if runs and runs[-1][1] == level and runs[-1][2] == script:
            runs[-1][0] += char
        else:
            runs.append([char, level, script])
    if not runs:
        return []
    # L2: from the highest level down to the lowest odd one, reverse every sequence of runs
    # at that level or higher; each run is then drawn in its own direction.
    highest = max(run[1] for run in runs)
    lowest_odd = min((run[1] for run in runs if run[1] % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(runs):
            if runs[i][1] >= level:
                j = i
                while j < len(runs) and runs[j][1] >= level:
                    j += 1
                runs[i:j] = runs[i:j][::-1]
                i = j
            else:
                i += 1
    return [(run, bool(level % 2), script) for run, level, script in runs]


def _scripts(text: str, levels: list[int]) -> list[str]:
    """The font for each character: Arabic letters, and the neutrals among them that the
    Arabic font has, in the Arabic font; everything else in the Latin one. A neutral joins
    the run of its neighbour at the same level, so runs are not cut at every space."""
    letters = [
        "arabic" if _is_arabic(char) else "latin" if unicodedata.bidirectional(char) == "L" else ""
        for char in text
    ]
    scripts: list[str] = []
    for i, script in enumerate(letters):
        if not script:
            if i and levels[i - 1] == levels[i]:
                near = scripts[i - 1]
            else:
                j = next((j for j in range(i + 1, len(text)) if letters[j]), None)
                if j is not None and len(set(levels[i : j + 1])) == 1:
                    near = letters[j]
                else:  # the nearest letter, the one before first
                    near = next((s for s in reversed(letters[:i]) if s), "")
                    near = near or (letters[j] if j is not None else "latin")
            arabic = near == "arabic" and text[i] in ARABIC_FONT_NEUTRALS
            script = "arabic" if arabic else "latin"
        scripts.append(script)
    return scripts
