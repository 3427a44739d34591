"""Problems found in a BPMN file: where (file, line, element id) and what."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a diagram cannot be deployed."""

    file: str
    line: int | None
    element_id: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element}: {self.message}"

    def to_json(self) -> dict[str, object]:
        """A JSON-ready mapping of the problem."""
        return asdict(self)


class BpmnRefused(Exception):
    """A diagram (or set of diagrams) was refused; ``problems`` says why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:5]) +
                         (f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""))
