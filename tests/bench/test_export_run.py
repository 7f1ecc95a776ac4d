"""The export measurement (bench/export_run.py): the plain export, then the personal one, both
through the staff export's code, with their rows and sizes."""

import json

import pytest
from django.db import connection

from bench import export_run
from pledges import exports
from tests.conftest import create_campaign
from tests.pledges.conftest import signed_and_confirmed

pytestmark = pytest.mark.django_db


def test_times_the_plain_export_then_the_personal_one(tmp_path, capsys):
    campaign = create_campaign("refuse")
    for n in range(3):
        signed_and_confirmed(campaign, email=f"s{n}@d{n}.example", show_publicly=n != 1)
    out = tmp_path / "export.csv"
    export_run.main(str(out))
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result["rows"] == result["personal_rows"] == 3
    assert result["copy"] is (connection.vendor == "postgresql")
    plain = "".join(
        exports.csv_stream(*exports.signature_rows(exports.ExportFilters(), personal=False))
    )
    personal = out.read_bytes().decode()  # the last one written
    assert (result["chars"], result["personal_chars"]) == (len(plain), len(personal))
    assert "s1@d1.example" in personal and "@" not in plain
    assert result["peak_rss_mb"] >= result["plain_peak_rss_mb"] > 0
