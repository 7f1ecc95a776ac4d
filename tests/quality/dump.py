"""Looking at the stored data the way someone holding a copy of it would: a `pg_dump` of the
database, a search of every column of every table, every stored file.

Shared by the database-dump test and the encryption migration test."""

import os
import re
import shutil
import subprocess

from django.core.files.storage import Storage
from django.db import connection


def columns_containing(needles: list[str]) -> dict[str, list[str]]:
    """For each needle, `table.column` of every column of every table holding it somewhere in
    its text, case-insensitively.

    One scan of each table looks for all the needles at once (a regular expression); only
    the columns it finds something in are searched again, needle by needle."""
    hits: dict[str, list[str]] = {needle: [] for needle in needles}
    if not needles:
        return hits
    quote = connection.ops.quote_name
    postgresql = connection.vendor == "postgresql"
    matches = "~" if postgresql else "REGEXP"  # Django gives SQLite a REGEXP function
    find = "strpos" if postgresql else "instr"
    pattern = "|".join(re.escape(needle.lower()) for needle in needles)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            texts = ", ".join(
                f"lower(CAST({quote(column)} AS TEXT)) AS c{index}"
                for index, column in enumerate(columns)
            )
            probes = ", ".join(
                f"MAX(CASE WHEN c{index} {matches} %s THEN 1 ELSE 0 END)"
                for index in range(len(columns))
            )
            cursor.execute(
                f"SELECT {probes} FROM (SELECT {texts} FROM {quote(table)}) AS t",  # noqa: S608
                [pattern] * len(columns),
            )
            found = [column for column, hit in zip(columns, cursor.fetchone(), strict=True) if hit]
            for column in found:
                for needle in needles:
                    cursor.execute(
                        f"SELECT 1 FROM {quote(table)} "  # noqa: S608 - names quoted
                        f"WHERE {find}(lower(CAST({quote(column)} AS TEXT)), %s) > 0 LIMIT 1",
                        [needle.lower()],
                    )
                    if cursor.fetchone():
                        hits[needle].append(f"{table}.{column}")
    return hits


def pg_dump_binary() -> str | None:
    return shutil.which("pg_dump")


def pg_dump(*, data_only: bool = True) -> str:
    """The text of `pg_dump` of the database the tests use (committed data only)."""
    settings = connection.settings_dict
    command = [pg_dump_binary() or "pg_dump", "--no-owner", "--no-privileges"]
    if data_only:
        command.append("--data-only")
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if settings.get(key):
            command += [option, str(settings[key])]
    command.append(settings["NAME"])
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    done = subprocess.run(command, capture_output=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode()


def stored_files(storage: Storage, directory: str = "") -> dict[str, bytes]:
    """Every file in `storage`, by name, with its content."""
    files = {}
    directories, names = storage.listdir(directory)
    for name in names:
        path = f"{directory}/{name}" if directory else name
        with storage.open(path, "rb") as handle:
            files[path] = handle.read()
    for name in directories:
        files.update(stored_files(storage, f"{directory}/{name}" if directory else name))
    return files


def dump_lines_containing(dump: str, needle: str, *, limit: int = 5) -> list[str]:
    """Lines of a dump holding `needle` (any case), with the `COPY` header naming their table,
    to say where an unexpected hit comes from."""
    found, table = [], ""
    lowered = needle.lower()
    for line in dump.splitlines():
        if line.startswith("COPY "):
            table = line.split(" (", 1)[0].removeprefix("COPY ")
        elif lowered in line.lower():
            found.append(f"{table}: {line[:300]}")
            if len(found) >= limit:
                break
    return found
