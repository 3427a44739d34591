"""Refusals that services and the engine report to the CLI, the web pages and the API.

Each carries a message meant for the user; the kind decides the exit status or HTTP status.
"""

from __future__ import annotations


class ZhuanjieError(Exception):
    """Base of every refusal; the message is meant for the user."""


class Forbidden(ZhuanjieError):
    """The user may not do this (not their organisation, not their role)."""


class NotFound(ZhuanjieError):
    """No such process, instance or task."""


class Conflict(ZhuanjieError):
    """The state changed under the caller (already completed, concurrent update …)."""


class NotAllowed(ZhuanjieError):
    """The action is not possible in the instance's or task's current state."""


class InvalidData(ZhuanjieError):
    """Submitted data does not satisfy the task's form; ``fields`` maps field → message."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields
