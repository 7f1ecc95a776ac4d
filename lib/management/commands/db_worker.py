"""`manage.py db_worker`: django-tasks-db's worker, which first requeues abandoned tasks.

A worker that was killed leaves its task RUNNING; the next worker to start (usually its own
restart by systemd or the container runtime) puts such tasks back in the queue at once rather
than waiting for the cron sweeper.
"""

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from lib.task_queue import requeue_stale_tasks, stale_after


class Command(WorkerCommand):
    def handle(self, *args, **options):
        count = requeue_stale_tasks(stale_after())
        if count:
            self.stderr.write(f"Requeued {count} task(s) left running by a stopped worker.")
        return super().handle(*args, **options)
