"""The vocabulary of procedure definitions: a process is lanes, nodes and flows.

Expressions (assignee, title, conditions, timer expressions, service parameters) are
Python expressions evaluated by zhuanjie's script engine; literal strings must be quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lane:
    """A swimlane: one role of the procedure (e.g. 党支部, 发起党委)."""

    id: str
    name: str


@dataclass(frozen=True)
class Node:
    """Common fields of every flow node. ``col``/``row`` override the automatic layout."""

    id: str
    name: str
    lane: str
    col: int | None = None
    row: int | None = None
    documentation: str | None = None


@dataclass(frozen=True)
class Start(Node):
    """The start event."""


@dataclass(frozen=True)
class End(Node):
    """An end event; ``terminate`` ends every branch of the (sub)process."""

    terminate: bool = False


@dataclass(frozen=True)
class UserTask(Node):
    """A human task: spiffworkflow:properties assignee/role/form/deadline_working_days/
    title/stage (only those that are set are written)."""

    assignee: str = ""
    role: str = "operator"
    form: str | None = None
    deadline: int | None = None
    title: str | None = None
    stage: str | None = None
    pre_script: str | None = None
    post_script: str | None = None
    multi_instance: MultiInstance | None = None


@dataclass(frozen=True)
class MultiInstance:
    """Sequential or parallel multi-instance over a runtime list (loopDataInputRef)."""

    collection: str
    element: str
    sequential: bool = True
    output_collection: str | None = None
    output_element: str | None = None
    scripts_on_instances: bool = True


@dataclass(frozen=True)
class ServiceTask(Node):
    """A service task dispatched to a handler by ``operator``; params are expressions."""

    operator: str = ""
    params: dict[str, str] = field(default_factory=dict)
    result: str | None = None


@dataclass(frozen=True)
class ScriptTask(Node):
    """A Python script run by the engine."""

    script: str = ""


@dataclass(frozen=True)
class CallActivity(Node):
    """Calls another process (by process id) with the caller's data."""

    called: str = ""


@dataclass(frozen=True)
class Exclusive(Node):
    """An exclusive gateway; ``default`` is the id of its default outgoing flow."""

    default: str | None = None


@dataclass(frozen=True)
class Parallel(Node):
    """A parallel gateway (split or join)."""


@dataclass(frozen=True)
class TimerCatch(Node):
    """An intermediate timer catch event. ``kind`` is timeDate, timeDuration or timeCycle."""

    kind: str = "timeDate"
    expression: str = ""


@dataclass(frozen=True)
class Boundary(Node):
    """A timer boundary event attached to ``attached_to`` (a task id); its lane is the
    task's lane."""

    attached_to: str = ""
    kind: str = "timeDate"
    expression: str = ""
    interrupting: bool = False


@dataclass(frozen=True)
class Flow:
    """A sequence flow; ``condition`` is an expression; ``id`` defaults to src__dst."""

    source: str
    target: str
    name: str | None = None
    condition: str | None = None
    id: str | None = None

    @property
    def flow_id(self) -> str:
        return self.id or f"{self.source}__{self.target}"


@dataclass
class Process:
    """One executable process and how it is drawn."""

    id: str
    name: str
    participant: str
    lanes: list[Lane]
    nodes: list[Node]
    flows: list[Flow]
    documentation: str | None = None
    file_name: str | None = None

    @property
    def file(self) -> str:
        return self.file_name or f"{self.id}.bpmn"
