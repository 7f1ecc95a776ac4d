import pytest
from django.core.files.storage import default_storage

from api import open_data


@pytest.fixture(autouse=True)
def _fresh_open_data_files():
    """The in-memory storage outlives a test: start each test without open-data files."""
    for fmt in open_data.FILES:
        default_storage.delete(open_data.path(fmt))
    yield
