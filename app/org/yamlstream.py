"""Plain data from YAML with bounded overhead: values are built straight from the parser's
events. PyYAML's own loaders first compose a node (with its marks) for every scalar of the
document — several times the memory of the data for a tree of 200,000 organisations.

Only plain data is accepted: mappings, sequences and the standard scalars (null, bool,
int, float, str, timestamp). Anchors, aliases, merge keys and other tags are refused, and so
is a key repeated in one mapping (PyYAML would silently keep the last)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}"
                        for t in ("null", "bool", "int", "float", "str", "timestamp"))


class _Frame:
    """A mapping or sequence being filled, and a mapping's key waiting for its value."""

    __slots__ = ("container", "has_key", "key")

    def __init__(self, container: dict[Any, Any] | list[Any]) -> None:
        self.container = container
        self.key: Any = None
        self.has_key = False


def _problem(event: Any, message: str) -> yaml.MarkedYAMLError:
    return yaml.MarkedYAMLError(problem=message, problem_mark=event.start_mark)


def _scalar(loader: Any, constructor: yaml.constructor.SafeConstructor, event: Any) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag not in _PLAIN_TAGS:
        raise _problem(event, f"unsupported tag {tag}")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    return constructor.yaml_constructors[tag](constructor, node)


def _put(frame: _Frame, value: Any, event: Any) -> None:
    container = frame.container
    if isinstance(container, list):
        container.append(value)
    elif frame.has_key:
        container[frame.key] = value
        frame.has_key = False
    else:
        if isinstance(value, dict | list):
            raise _problem(event, "a mapping key must be a plain value")
        if value in container:
            raise _problem(event, f"duplicate key {value!r}")
        frame.key, frame.has_key = value, True


def load_plain(text: str) -> Any:
    """The data of the single YAML document *text*; raises ``yaml.YAMLError``."""
    loader = _LOADER(text)
    constructor = yaml.constructor.SafeConstructor()
    stack: list[_Frame] = []
    documents: list[Any] = []
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise _problem(event, "anchors and aliases are not supported")
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                stack.append(_Frame({} if isinstance(event, yaml.MappingStartEvent) else []))
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                value: Any = stack.pop().container
            elif isinstance(event, yaml.ScalarEvent):
                value = _scalar(loader, constructor, event)
            else:
                continue  # stream and document boundaries
            if stack:
                _put(stack[-1], value, event)
            elif documents:
                raise _problem(event, "expected a single document")
            else:
                documents.append(value)
    finally:
        loader.dispose()
    return documents[0] if documents else None
