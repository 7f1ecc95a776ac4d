"""Items that start waiting for a staff decision, announced to whoever listens.

A domain service calls `item_waiting(obj)` inside its transaction when something joins a
moderation queue: a sign-on or commitment pledge its contact just confirmed, a signature held
as suspect, a contact's commitment update. Listeners (the workspace's "first item in an empty
queue" email) are registered from an `AppConfig.ready` and run in that same transaction, so
whatever they enqueue commits, or vanishes, with the item. The rooms that announce never
import the rooms that listen: those sit above them.
"""

from collections.abc import Callable

from django.db import models

Listener = Callable[[models.Model], None]

_listeners: list[Listener] = []


def on_item_waiting(listener: Listener) -> None:
    """Call `listener(obj)` whenever an item starts waiting (registering twice is harmless)."""
    if listener not in _listeners:
        _listeners.append(listener)


def item_waiting(obj: models.Model) -> None:
    """`obj` now waits for a staff decision; call inside the transaction that made it wait."""
    for listener in list(_listeners):
        listener(obj)
