"""Timer event definitions that read the engine's clock instead of the machine's.

SpiffWorkflow's timers compare against ``datetime.now()`` and offer no hook. After parsing,
:func:`install_clock_timers` swaps every timer definition of a spec for one of these
subclasses, which ask ``task.workflow.script_engine.clock`` for the time and fire when the
due instant is reached (not only after it). A cycle timer that missed several cycles (the
scheduler was down) fires once for all of them, so reminders are not sent in a burst.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)


def _now(task: Any) -> datetime:
    now: datetime = task.workflow.script_engine.clock.now()
    return now


def _evaluate(task: Any, expression: str) -> Any:
    return task.workflow.script_engine.evaluate(task, expression)


class ClockTimeDate(TimeDateEventDefinition):  # type: ignore[misc]
    """A timer at a date/time given by an expression (e.g. ``deadline(working_days=5)``)."""

    def has_fired(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = _evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=value)
        if TimerEventDefinition.parse_time_or_duration(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockDuration(DurationTimerEventDefinition):  # type: ignore[misc]
    """A timer a duration after it started waiting (e.g. ``"P3M"``)."""

    def has_fired(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        if value is None:
            parsed = TimerEventDefinition.parse_iso_duration(_evaluate(my_task, self.expression))
            start = _now(my_task)
            delta = TimerEventDefinition.get_timedelta_from_start(parsed, start)
            value = (start + delta).isoformat()
            my_task._set_internal_data(event_value=value)
        if TimerEventDefinition.get_datetime(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockCycle(CycleTimerEventDefinition):  # type: ignore[misc]
    """A repeating timer (``R3/P1M``); missed cycles are caught up in one firing."""

    def cycle_complete(self, my_task: Any) -> bool:
        value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if value is None:
            expression = _evaluate(my_task, self.expression)
            cycles, start, duration = _recurring(expression, now)
            value = {"cycles": cycles, "next": start.isoformat(), "duration": duration}
        ready = False
        if value["cycles"] != 0:
            step = timedelta(seconds=value["duration"])
            nxt = datetime.fromisoformat(value["next"])
            while value["cycles"] != 0 and nxt <= now:
                nxt += step
                value["cycles"] -= 1
                ready = True
            value["next"] = nxt.isoformat()
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=value)
        return ready


def _recurring(expression: str, now: datetime) -> tuple[int, datetime, float]:
    """Parse ``R[n]/start/duration``, ``R[n]/duration`` … with *now* as the default start."""
    parts = expression.upper().replace("--", "/").strip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) == 2:
        parsed = TimerEventDefinition.parse_iso_duration(parts[1])
        delta = TimerEventDefinition.get_timedelta_from_start(parsed, now)
        return cycles, now + delta, delta.total_seconds()
    cycles, start, duration = TimerEventDefinition.parse_iso_recurring_interval(expression)
    return cycles, start, duration.total_seconds()


_REPLACEMENTS: dict[type, Any] = {
    TimeDateEventDefinition: ClockTimeDate,
    DurationTimerEventDefinition: ClockDuration,
    CycleTimerEventDefinition: ClockCycle,
}
CLOCK_TIMER_CLASSES = (ClockTimeDate, ClockDuration, ClockCycle)


def _swap(defn: Any) -> Any:
    if isinstance(defn, MultipleEventDefinition):
        defn.event_definitions = [_swap(d) for d in defn.event_definitions]
        return defn
    target = _REPLACEMENTS.get(type(defn))
    if target is None:
        return defn
    new = target.__new__(target)
    new.__dict__.update(defn.__dict__)
    return new


def install_clock_timers(specs: list[Any]) -> None:
    """Replace the timer definitions of every task spec in *specs* with clock-aware ones."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            defn = getattr(task_spec, "event_definition", None)
            if defn is not None:
                task_spec.event_definition = _swap(defn)
