"""Errors the engine reports to its callers (services, CLI, web), each with a clear message."""

from __future__ import annotations


class EngineError(Exception):
    """Base of the engine's refusals; the message is meant for the user."""


class NotFound(EngineError):
    """No such process, instance or task."""


class Conflict(EngineError):
    """The state changed under the caller (already completed, concurrent update …)."""


class NotAllowed(EngineError):
    """The action is not possible in the instance's or task's current state."""


class InvalidData(EngineError):
    """Submitted data does not satisfy the task's form; ``fields`` maps field → message."""

    def __init__(self, message: str, fields: dict[str, str]) -> None:
        super().__init__(message)
        self.fields = fields
