"""Helpers for migrations that move models between apps without touching their rows.

A model that changes app keeps its rows (the table is renamed in place) and must keep its
content type too: permissions, group grants, admin history and generic relations
(`PledgeEmail`) point at the content type's id. So the content type row is relabelled,
never recreated. Queued tasks name their function by import path; a moved task function
gets its queued rows relabelled the same way.
"""

from collections.abc import Callable, Iterable


def content_type_mover(models: Iterable[tuple[str, str, str]]) -> tuple[Callable, Callable]:
    """(forwards, backwards) for `RunPython`, from (old app label, model, new app label)."""
    moves = list(models)

    def relabel(apps, pairs) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        for source, model, target in pairs:
            current = ContentType.objects.filter(app_label=source, model=model).first()
            if current is None:
                continue  # a fresh database: created under the new label after migrating
            stale = ContentType.objects.filter(app_label=target, model=model).first()
            if stale is not None:
                # Created for the new label by an earlier run (migrating back and forth):
                # keep the original row, which carries the grants, and drop the copy's
                # duplicate permissions before it.
                Permission.objects.filter(content_type=stale).delete()
                stale.delete()
            current.app_label = target
            current.save(update_fields=["app_label"])

    def forwards(apps, schema_editor) -> None:
        relabel(apps, moves)

    def backwards(apps, schema_editor) -> None:
        relabel(apps, [(target, model, source) for source, model, target in moves])

    return forwards, backwards


def task_path_mover(paths: dict[str, str]) -> tuple[Callable, Callable]:
    """(forwards, backwards) relabelling queued django-tasks-db rows: old path → new path."""

    def relabel(apps, pairs: dict[str, str]) -> None:
        DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
        for old, new in pairs.items():
            DBTaskResult.objects.filter(task_path=old).update(task_path=new)

    def forwards(apps, schema_editor) -> None:
        relabel(apps, paths)

    def backwards(apps, schema_editor) -> None:
        relabel(apps, {new: old for old, new in paths.items()})

    return forwards, backwards
