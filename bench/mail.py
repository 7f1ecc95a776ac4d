"""An email backend for the benchmark: appends one line per message to BENCH_MAIL_LOG.

Lets the harness count what the task workers really sent (appends of one short line are
atomic, so several worker processes can share the file).
"""

import os

from django.core.mail.backends.base import BaseEmailBackend


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ.get("BENCH_MAIL_LOG", "/dev/null")
        with open(path, "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(f"{os.getpid()} {','.join(message.to)}\n")
        return len(email_messages)
