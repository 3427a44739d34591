"""The script environment of BPMN scripts and expressions, and service-task dispatch.

Scripts run with a small set of builtins (no import, open, eval …) and the functions that
zhuanjie offers to diagrams (``deadline``, ``today``, ``now``). The environment is not
serialized by SpiffWorkflow, so the runtime builds one for every load of an instance.
Service tasks dispatch to ``handlers`` by operator name; a handler's exception is raised as
a WorkflowTaskException carrying the real error (the library's own path hides it).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from app.engine.clock import SHANGHAI, Clock

_SAFE_NAMES = (
    "abs", "all", "any", "bool", "dict", "divmod", "enumerate", "filter", "float", "format",
    "frozenset", "int", "isinstance", "len", "list", "map", "max", "min", "range", "repr",
    "reversed", "round", "set", "sorted", "str", "sum", "tuple", "zip", "None", "True", "False",
    "ValueError", "KeyError", "IndexError", "TypeError", "Exception",
)
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_NAMES}

ServiceCall = Callable[[Any, str, dict[str, Any]], Any]


class HandlerFailed(Exception):
    """A service-task handler raised; ``cause`` is the real error."""

    def __init__(self, operator: str, cause: BaseException) -> None:
        self.operator = operator
        self.cause = cause
        super().__init__(f"handler {operator!r} failed: {type(cause).__name__}: {cause}")


class ZhuanjieEnvironment(TaskDataEnvironment):  # type: ignore[misc]
    """Task-data environment with restricted builtins and zhuanjie's functions."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__({"__builtins__": SAFE_BUILTINS, **functions})

    def dry_evaluate(self, expression: str, placeholder: Any) -> Any:
        """Evaluate for a check: any task variable the expression reads is *placeholder*."""
        known = set(self.globals) | set(SAFE_BUILTINS)

        class _Variables(dict[str, Any]):
            def __missing__(self, key: str) -> Any:
                if key in known:
                    raise KeyError(key)  # let eval find the function or builtin
                return placeholder

        return eval(expression, dict(self.globals), _Variables())


class ZhuanjieScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Script engine bound to a clock and a service dispatcher for one run."""

    def __init__(self, clock: Clock, functions: Mapping[str, Callable[..., Any]],
                 service: ServiceCall | None = None) -> None:
        super().__init__(environment=ZhuanjieEnvironment(functions))
        self.clock = clock
        self._service = service

    def call_service(self, task: Any, operation_name: str = "",
                     operation_params: dict[str, Any] | None = None, **_: Any) -> str:
        """Run the handler registered for *operation_name*; its result must be JSON-able."""
        params = {k: v["value"] for k, v in (operation_params or {}).items()}
        if self._service is None:
            raise WorkflowTaskException(f"no service dispatcher for {operation_name!r}", task=task)
        try:
            result = self._service(task, operation_name, params)
            return json.dumps(result, ensure_ascii=False, default=_json_default)
        except Exception as exc:
            failure = exc if isinstance(exc, HandlerFailed) else HandlerFailed(operation_name, exc)
            raise WorkflowTaskException(str(failure), task=task, exception=failure) from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"handler result is not JSON-serializable: {type(value).__name__}")


def clock_functions(clock: Clock) -> dict[str, Callable[..., Any]]:
    """``today()`` (ISO date in Asia/Shanghai) and ``now()`` (ISO instant) from *clock*."""

    def today() -> str:
        return clock.now().astimezone(SHANGHAI).date().isoformat()

    def now() -> str:
        return clock.now().isoformat()

    return {"today": today, "now": now}
