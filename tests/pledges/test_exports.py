import pytest

from pledges.exports import csv_stream, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_quoted(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Amina", "أمينة", "1-2", "", None, 5, True])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def test_csv_stream_yields_a_chunk_at_a_time():
    rows = ([n, f"name {n}"] for n in range(5000))
    parts = list(csv_stream(["id", "name"], rows))
    assert parts[0] == "id,name\r\n"
    assert len(parts) == 1 + 3  # header, then chunks of 2000 rows
    assert sum(part.count("\r\n") for part in parts) == 5001
