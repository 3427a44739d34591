"""Serialization of specs (once per deployment) and of workflow state (without the spec).

The state JSON carries the library's serializer version (``serializer_version``); the
project's own schema version of that JSON is :data:`STATE_SCHEMA`, stored beside it on the
instance row. Restored specs are cached per deployment: they are not changed by running
workflows, so many instances can share one.
"""

from __future__ import annotations

import base64
import json
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine.timers import CLOCK_TIMER_CLASSES

STATE_SCHEMA = 1
# the prefix of a packed state (a JSON state starts with "{")
PACKED = "zlib:"
SPEC_CACHE_SIZE = 64


class SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Converts a workflow without its specs; restoring takes them as arguments."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: Any = None,
                  subprocess_specs: dict[str, Any] | None = None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_registry() -> Any:
    config = dict(SPIFF_CONFIG)
    for cls in CLOCK_TIMER_CLASSES:
        config[cls] = TimerConditionalEventDefinitionConverter
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    return BpmnWorkflowSerializer.configure(config)


_spec_registry = BpmnWorkflowSerializer.configure(
    {**SPIFF_CONFIG, **{c: TimerConditionalEventDefinitionConverter for c in CLOCK_TIMER_CLASSES}}
)
_state_serializer = BpmnWorkflowSerializer(_build_registry())
SERIALIZER_VERSION: str = _state_serializer.VERSION


def dump_specs(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """The JSON of a process spec and the specs of everything it calls."""
    return json.dumps({
        "spec": _spec_registry.convert(spec),
        "subprocess_specs": {k: _spec_registry.convert(v) for k, v in subprocess_specs.items()},
    }, ensure_ascii=False, sort_keys=True)


def load_specs(spec_json: str) -> tuple[Any, dict[str, Any]]:
    """Restore the specs written by :func:`dump_specs`."""
    dct = json.loads(spec_json)
    spec = _spec_registry.restore(dct["spec"])
    subs = {k: _spec_registry.restore(v) for k, v in dct["subprocess_specs"].items()}
    return spec, subs


_cache: OrderedDict[str, tuple[Any, dict[str, Any]]] = OrderedDict()
_cache_lock = threading.Lock()


def cached_specs(content_hash: str,
                 spec_json: str | Callable[[], str]) -> tuple[Any, dict[str, Any]]:
    """The restored specs of a deployment, restored once per process (LRU).

    Keyed by the deployment's content hash, not its id: ids repeat across databases (one
    process may serve several in tests), the content hash names the spec itself.
    *spec_json* may be a function that reads it, called only when the cache misses.
    """
    with _cache_lock:
        hit = _cache.get(content_hash)
        if hit is not None:
            _cache.move_to_end(content_hash)
            return hit
    specs = load_specs(spec_json if isinstance(spec_json, str) else spec_json())
    with _cache_lock:
        _cache[content_hash] = specs
        while len(_cache) > SPEC_CACHE_SIZE:
            _cache.popitem(last=False)
    return specs


def dump_state(workflow: BpmnWorkflow, packed: bool = False) -> str:
    """The workflow's state as JSON, without its specs, with the serializer version.

    *packed*: the JSON compressed (zlib, then base64 behind :data:`PACKED`) — for the
    instances that have ended, which are read rarely and kept for good; a finished case's
    state is about a quarter of its JSON.
    """
    plain = str(_state_serializer.serialize_json(workflow))
    if not packed:
        return plain
    return PACKED + base64.b64encode(zlib.compress(plain.encode("utf-8"), 9)).decode("ascii")


def state_json(state: str) -> str:
    """The JSON of a stored state, packed or not."""
    if state.startswith(PACKED):
        return zlib.decompress(base64.b64decode(state[len(PACKED):])).decode("utf-8")
    return state


def load_state(state: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Restore a workflow from :func:`dump_state` output and its deployment's specs."""
    dct = json.loads(state_json(state))
    version = dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None)
    if version != SERIALIZER_VERSION and version in MIGRATIONS:
        MIGRATIONS[version](dct)
    workflow: BpmnWorkflow = _state_serializer.registry.restore(
        dct, spec=spec, subprocess_specs=subprocess_specs)
    return workflow
