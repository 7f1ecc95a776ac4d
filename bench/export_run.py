"""Export every signature to CSV through the staff export's own code path; print time and RSS.

`pledges.exports.signature_rows` + `csv_stream` are what the staff export view streams;
the CSV goes to a file (as a download would to a socket). Peak RSS is this whole process.
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


def main(out_path: str) -> None:
    began, cpu = time.perf_counter(), time.process_time()
    columns, rows = exports.signature_rows(exports.ExportFilters(), personal=True)
    size = lines = 0
    with open(out_path, "w", encoding="utf-8", newline="") as out:
        for piece in exports.csv_stream(columns, rows):
            out.write(piece)
            size += len(piece)
            lines += piece.count("\n")
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "rows": lines - 1, "chars": size,
                      "peak_rss_mb": peak_kib / 1024}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1])
