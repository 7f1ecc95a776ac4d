"""Export every signature to CSV through the staff export's own code path; print time and RSS.

`pledges.exports.signature_rows` + `csv_stream` are what the staff export view streams (on
PostgreSQL, from the database's COPY); the CSV goes to a file, as a download would to a
socket. First the plain export, the one staff without the personal-data permission get and
the one the target compares with psql's `\\copy` (`seconds`); then the personal export,
which also decrypts every name and email (`personal_seconds`). Peak RSS is this whole
process over both.
"""

import json
import os
import resource
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from pledges import exports  # noqa: E402


def export(out_path: str, *, personal: bool) -> dict:
    began, cpu = time.perf_counter(), time.process_time()
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=personal)
    size = lines = 0
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        for piece in exports.csv_stream(columns, rows):
            out.write(piece)
            size += len(piece)
            lines += piece.count("\n")
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "rows": lines - 1,
        "chars": size,
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(out_path: str) -> None:
    result = export(out_path, personal=False)
    result["plain_peak_rss_mb"] = peak_rss_mb()
    personal = export(out_path, personal=True)
    result.update({f"personal_{key}": value for key, value in personal.items()})
    result["copy"] = exports.copy_available()
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
