import pytest


@pytest.fixture(autouse=True)
def _demo_var_dir(settings, tmp_path, monkeypatch):
    """The demo keeps its logins in var/: each test gets its own, and no DEMO_PASSWORD."""
    settings.VAR_DIR = tmp_path / "var"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
