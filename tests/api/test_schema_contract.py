"""The OpenAPI schema is a public contract: it may change only together with its committed copy.

After a deliberate change to the API, regenerate the copy with

    UPDATE_SCHEMA_SNAPSHOT=1 pytest tests/api/test_schema_contract.py

and review the diff of `tests/api/snapshots/openapi.json` like any other change.
"""

import json
import os
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"

pytestmark = pytest.mark.django_db


def _operations(schema: dict) -> set[str]:
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_generated_schema_matches_the_committed_copy(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    generated = response.json()
    if os.environ.get("UPDATE_SCHEMA_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(generated, indent=1, sort_keys=True) + "\n")
    committed = json.loads(SNAPSHOT.read_text())
    # Operations first: a missing or added operation is the clearest message.
    assert _operations(generated) == _operations(committed)
    for name, component in committed["components"]["schemas"].items():
        assert generated["components"]["schemas"].get(name) == component, name
    assert generated == committed
