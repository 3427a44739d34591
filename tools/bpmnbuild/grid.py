"""Where each node goes on the abstract grid: its column (rank) and its band (lane row).

Columns are ranks: the longest path from a start event over the flows, ignoring the back
edges that a depth-first search finds (loops, send-backs). A boundary event's flows count
as flows of its task. Within a lane, nodes that share a column get rows; a node keeps the
row of its predecessor where it can, so the main path stays on one line. Bands number the
rows of all lanes from top to bottom. ``col``/``row`` on a node override the automatic values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tools.bpmnbuild.dsl import Boundary, Exclusive, Node, Parallel, Process, Start, TimerCatch
from tools.bpmnbuild.dsl import End as EndEvent
from tools.bpmnbuild.validate import BuildError

TASK_SIZE = (100, 80)
EVENT_SIZE = (36, 36)
GATEWAY_SIZE = (50, 50)


def size_of(node: Node) -> tuple[int, int]:
    """Width and height of a node's shape (the standard sizes of BPMN modelers)."""
    if isinstance(node, Start | EndEvent | TimerCatch | Boundary):
        return EVENT_SIZE
    if isinstance(node, Exclusive | Parallel):
        return GATEWAY_SIZE
    return TASK_SIZE


@dataclass
class Grid:
    """The abstract placement of a process: column and band of every node."""

    process: Process
    nodes: dict[str, Node]
    col: dict[str, int]
    band: dict[str, int]
    lane_rows: list[tuple[str, int]]
    boundaries: dict[str, list[str]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> int:
        """How many columns the grid has."""
        return max(self.col.values(), default=0) + 1

    @property
    def bands(self) -> int:
        """How many bands (rows of all lanes) the grid has."""
        return sum(rows for _, rows in self.lane_rows)

    def host(self, node_id: str) -> str:
        """The node whose place *node_id* takes: a boundary event's task, else itself."""
        node = self.nodes[node_id]
        return node.attached_to if isinstance(node, Boundary) else node_id

    def occupied(self, band: int, col: int) -> bool:
        """Whether a shape stands in *band* at *col*."""
        return any(self.band[n] == band and c == col for n, c in self.col.items())


def _edges(process: Process) -> list[tuple[str, str]]:
    """Flows between placed nodes, boundary flows moved to their task (after its own)."""
    nodes = {n.id: n for n in process.nodes}
    own, moved = [], []
    for flow in process.flows:
        source = nodes[flow.source]
        if isinstance(source, Boundary):
            moved.append((source.attached_to, flow.target))
        else:
            own.append((flow.source, flow.target))
    return own + moved


def _dfs(placed: list[str], starts: list[str],
         succ: dict[str, list[str]]) -> tuple[dict[str, int], set[tuple[str, str]]]:
    """Discovery order of every node and the back edges of a depth-first search."""
    order: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    on_stack: set[str] = set()
    for root in starts + placed:
        if root in order:
            continue
        order[root] = len(order)
        on_stack.add(root)
        stack = [(root, iter(succ[root]))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                on_stack.discard(node)
            elif child in on_stack:
                back.add((node, child))
            elif child not in order:
                order[child] = len(order)
                on_stack.add(child)
                stack.append((child, iter(succ[child])))
    return order, back


def _ranks(placed: list[str], nodes: dict[str, Node], edges: list[tuple[str, str]],
           order: dict[str, int]) -> dict[str, int]:
    """Longest-path ranks over the acyclic edges; an explicit ``col`` fixes a node's rank."""
    preds: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(placed, 0)
    succ: dict[str, list[str]] = defaultdict(list)
    for u, v in edges:
        succ[u].append(v)
        preds[v].append(u)
        indeg[v] += 1
    ready = sorted((n for n in placed if indeg[n] == 0), key=order.__getitem__)
    rank: dict[str, int] = {}
    while ready:
        node = ready.pop(0)
        fixed = nodes[node].col
        rank[node] = fixed if fixed is not None else max(
            (rank[p] + 1 for p in preds[node]), default=0)
        for child in succ[node]:
            indeg[child] -= 1
            if indeg[child] == 0:
                ready.append(child)
                ready.sort(key=order.__getitem__)
    return rank


Preds = dict[str, list[tuple[str, int]]]


def _preferred(grid: Grid, node_id: str, preds: Preds, row: dict[str, int]) -> int:
    """The row of the first placed predecessor in the node's lane (one lower after a
    boundary event, whose flow leaves downward), else the lane's first row."""
    lane = grid.nodes[node_id].lane
    for u, below in sorted(preds[node_id], key=lambda p: grid.order[p[0]]):
        if grid.nodes[u].lane == lane and u in row:
            return row[u] + below
    return 0


def _fill_cell(grid: Grid, members: list[str], preds: Preds, row: dict[str, int]) -> None:
    """Rows of the nodes of one lane and column: explicit rows, then preferred ones."""
    taken: dict[int, str] = {}
    for node_id in members:
        fixed = grid.nodes[node_id].row
        if fixed is None:
            continue
        if fixed in taken:
            node = grid.nodes[node_id]
            raise BuildError(grid.process.id, [
                f"nodes {taken[fixed]} and {node_id} both stand in lane {node.lane!r}, "
                f"column {grid.col[node_id]}, row {fixed}"])
        taken[fixed] = node_id
        row[node_id] = fixed
    free = [n for n in members if n not in row]
    wanted = {n: _preferred(grid, n, preds, row) for n in free}
    for node_id in sorted(free, key=lambda n: (wanted[n], grid.order[n])):
        r = wanted[node_id]
        while r in taken:
            r += 1
        taken[r] = node_id
        row[node_id] = r


def _assign_rows(grid: Grid, edges: list[tuple[str, str]], boundary_edges: set[int]) -> dict[
        str, int]:
    """Rows within each lane, column by column from the left."""
    preds: Preds = defaultdict(list)
    for i, (u, v) in enumerate(edges):
        if grid.col[u] < grid.col[v]:
            preds[v].append((u, 1 if i in boundary_edges else 0))
    cells: dict[tuple[str, int], list[str]] = defaultdict(list)
    for node_id in sorted(grid.col, key=grid.order.__getitem__):
        cells[(grid.nodes[node_id].lane, grid.col[node_id])].append(node_id)
    row: dict[str, int] = {}
    for (_, _col), members in sorted(cells.items(), key=lambda kv: kv[0][1]):
        _fill_cell(grid, members, preds, row)
    return row


def build_grid(process: Process) -> Grid:
    """Columns, rows and bands of a validated process."""
    nodes = {n.id: n for n in process.nodes}
    placed = [n.id for n in process.nodes if not isinstance(n, Boundary)]
    starts = [n.id for n in process.nodes if isinstance(n, Start)]
    edges = _edges(process)
    own = sum(1 for f in process.flows if not isinstance(nodes[f.source], Boundary))
    succ: dict[str, list[str]] = {n: [] for n in placed}
    for u, v in edges:
        succ[u].append(v)
    order, back = _dfs(placed, starts, succ)
    acyclic = [(u, v) for u, v in edges if (u, v) not in back]
    col = _ranks(placed, nodes, acyclic, order)
    boundaries: dict[str, list[str]] = defaultdict(list)
    for node in process.nodes:
        if isinstance(node, Boundary):
            boundaries[node.attached_to].append(node.id)
    grid = Grid(process, nodes, col, {}, [], dict(boundaries), order)
    row = _assign_rows(grid, edges, set(range(own, len(edges))))
    offset = 0
    for lane in process.lanes:
        rows = max((row[p] + 1 for p in placed if nodes[p].lane == lane.id), default=1)
        grid.lane_rows.append((lane.id, rows))
        for node_id in placed:
            if nodes[node_id].lane == lane.id:
                grid.band[node_id] = offset + row[node_id]
        offset += rows
    for task, events in grid.boundaries.items():
        for event in events:
            grid.band[event] = grid.band[task]
    return grid
