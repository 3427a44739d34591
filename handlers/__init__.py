"""Service-task handlers, registered by operator name.

A BPMN service task names an operator (``spiffworkflow:serviceTaskOperator id="..."``);
the engine calls the handler registered under that name with a :class:`HandlerContext` and
the evaluated parameters, and stores the returned JSON-able mapping in the task's result
variable. Handlers are plain functions; they reach the database only through the session in
the context (the engine wraps each call in a savepoint, so a failing handler leaves no trace
but an incident).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

HANDLER_MODULES: tuple[str, ...] = (
    "handlers.archive",
    "handlers.cases",
    "handlers.letters.issue",
    "handlers.members",
    "handlers.notify",
    "handlers.orgs",
    "handlers.routing",
)


@dataclass
class HandlerContext:
    """What a handler may use: the transaction, the case's identity, the clock, task data."""

    session: Session
    instance_id: int
    task_spec: str
    task_guid: str
    now: datetime
    actor: str
    data: Mapping[str, Any]
    settings: Any = None
    extras: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[HandlerContext, dict[str, Any]], Mapping[str, Any] | None]
_REGISTRY: dict[str, Handler] = {}


def register(operator: str) -> Callable[[Handler], Handler]:
    """Decorator: register a handler under *operator* (a name like ``letters/issue``)."""

    def deco(fn: Handler) -> Handler:
        if operator in _REGISTRY and _REGISTRY[operator] is not fn:
            raise ValueError(f"operator {operator!r} is already registered")
        _REGISTRY[operator] = fn
        return fn

    return deco


def unregister(operator: str) -> None:
    """Remove a handler (tests)."""
    _REGISTRY.pop(operator, None)


def load_all() -> None:
    """Import every handler module so that its operators are registered."""
    for name in HANDLER_MODULES:
        importlib.import_module(name)


def get(operator: str) -> Handler:
    """The handler of *operator*; KeyError names it when none is registered."""
    load_all()
    try:
        return _REGISTRY[operator]
    except KeyError:
        raise KeyError(f"no handler is registered for operator {operator!r}") from None


def operators() -> frozenset[str]:
    """Every registered operator name."""
    load_all()
    return frozenset(_REGISTRY)
