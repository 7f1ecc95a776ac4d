"""The floor plan holds: the API owns no models and no room outgrows the house.

The import direction between rooms is checked by import-linter (`make test` runs
`lint-imports`, configured in pyproject.toml).
"""

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["lib", "staff", "campaigns", "partners", "pledges", "donations", "commitments", "api"]
ROOMS += ["demo", "config", "bench"]


def _lines(room: str) -> int:
    return sum(len(path.read_text().splitlines()) for path in (ROOT / room).rglob("*.py"))


def test_the_api_room_holds_no_models():
    assert list(apps.get_app_config("api").get_models()) == []
    assert not (ROOT / "api" / "models.py").exists()


def test_no_room_holds_more_than_thirty_percent_of_the_code():
    sizes = {room: _lines(room) for room in ROOMS}
    total = sum(sizes.values())
    biggest = max(sizes, key=sizes.get)
    assert sizes[biggest] <= 0.3 * total, (biggest, sizes)
