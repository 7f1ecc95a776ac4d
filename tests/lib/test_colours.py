"""The accent colour: readable on both themes or refused at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_colour
from lib import colours


def test_contrast_is_the_wcag_ratio():
    assert colours.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert colours.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("accent", ["#0b5d3b", "#1d4ed8", "#9b1c31", "#000000"])
def test_every_accepted_accent_reads_on_both_themes(accent):
    p = colours.palette(accent)
    assert colours.contrast(p.accent, colours.LIGHT_BG) >= 4.5
    assert colours.contrast(p.dark_accent, colours.DARK_BG) >= 4.5
    assert colours.contrast(p.accent, p.accent_fg) >= 4.5
    assert colours.contrast(p.dark_accent, p.dark_accent_fg) >= 4.5


@pytest.mark.parametrize("bad", ["#ffff00", "#aaccff", "green", "#12345", "#0b5d3bff", ""])
def test_an_unreadable_or_malformed_colour_stops_the_start(monkeypatch, bad):
    monkeypatch.setenv("COALITION_ACCENT_COLOUR", bad)
    with pytest.raises(ImproperlyConfigured, match="COALITION_ACCENT_COLOUR"):
        env_colour("COALITION_ACCENT_COLOUR", "#0b5d3b")


def test_the_default_and_a_good_colour_are_taken_as_written(monkeypatch):
    assert env_colour("COALITION_ACCENT_COLOUR", "#0b5d3b") == "#0b5d3b"
    monkeypatch.setenv("COALITION_ACCENT_COLOUR", " #1D4ED8 ")
    assert env_colour("COALITION_ACCENT_COLOUR", "#0b5d3b") == "#1d4ed8"
