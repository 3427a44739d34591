"""Coordinates of a procedure diagram: a horizontal pool, lanes, shapes, labels and edges.

The grid (:mod:`tools.bpmnbuild.grid`) says in which column and band each node stands and
the router (:mod:`tools.bpmnbuild.routes`) which channels each flow runs along. This module
sizes the channels (a gap is wide enough for its tracks and for the labels of the flows
that enter the next column; a band is tall enough for its shapes, their labels and its
strips' tracks) and turns the abstract routes into waypoints. Everything is an integer and
depends only on the definition, so the same process always gives the same drawing.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from tools.bpmnbuild.dsl import Boundary, Node, Process
from tools.bpmnbuild.grid import Grid, build_grid, size_of
from tools.bpmnbuild.routes import Channel, Route, X, Y, route_all
from tools.bpmnbuild.validate import validate

ORIGIN = (20, 20)
POOL_HEADER = 30  # the participant's name band, left of the lanes
LANE_HEADER = 30  # each lane's name band
COL_WIDTH = 100
HALF_AREA = 40  # half the height of a band's shape area (a task)
EDGE_GAP = 40  # left of the first and right of the last column
GAP_MIN = 60
GAP_MARGIN = 20
TRACK = 10
CLEAR_MIN = 14  # between the shapes and a strip's first track
STRIP_MARGIN = 12  # between a strip's last track and the band's edge
BAND_MIN = 120
LINE_HEIGHT = 14
LABEL_MAX_WIDTH = 90
CORNER_DX, CORNER_DY = 2, 6  # a corner label: beside the shape, clear of its centre line
BOUNDARY_OFFSETS = {1: (80,), 2: (80, 40), 3: (86, 50, 14)}  # centres ≥ 36 apart


@dataclass(frozen=True)
class Box:
    """A rectangle in diagram coordinates."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    def overlaps(self, other: Box) -> bool:
        """Whether the interiors of the two boxes intersect."""
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


@dataclass
class Diagram:
    """The laid-out process: pool, lanes, node shapes, labels (by node or flow id), edges."""

    pool: Box
    lanes: dict[str, Box]
    shapes: dict[str, Box]
    labels: dict[str, Box]
    edges: dict[str, list[tuple[int, int]]]


def label_size(text: str, max_width: int = LABEL_MAX_WIDTH) -> tuple[int, int]:
    """Estimated width and height of an external label in bpmn-js (11 px text)."""
    width = sum(11.0 if unicodedata.east_asian_width(ch) in "WF" else 6.5 for ch in text)
    if width + 4 <= max_width:
        return math.ceil(width) + 4, LINE_HEIGHT
    return max_width, LINE_HEIGHT * math.ceil(width / (max_width - 8))


def _has_outer_label(node: Node) -> bool:
    return bool(node.name) and size_of(node)[0] < COL_WIDTH


@dataclass
class _Sides:
    """Which sides of each node the routes use, and where each node's label goes."""

    top: set[str]
    bottom: set[str]
    labelled: set[tuple[str, str]]  # (node, "top"/"bottom"): a flow label stands there

    def label_side(self, node_id: str) -> str:
        """below, above, or a corner beside the shape clear of its flows and their labels."""
        if node_id not in self.bottom:
            return "below"
        if node_id not in self.top:
            return "above"
        if (node_id, "bottom") not in self.labelled:
            return "lower-right"
        if (node_id, "top") not in self.labelled:
            return "upper-right"
        return "lower-left"


def _sides(routes: list[Route]) -> _Sides:
    sides = _Sides(set(), set(), set())
    for route in routes:
        for _, y in route.points:
            if y.kind == "top":
                sides.top.add(str(y.ref))
            elif y.kind == "bottom":
                sides.bottom.add(str(y.ref))
        if route.flow.name and route.label_at in ("top", "bottom"):
            sides.labelled.add((route.exit_node, route.label_at))
    return sides


class _Geometry:
    """Channel sizes and positions of one grid and its routes."""

    def __init__(self, grid: Grid, routes: list[Route],
                 tracks: dict[Channel, dict[str, int]]) -> None:
        self.grid, self.routes, self.tracks = grid, routes, tracks
        self.sides = _sides(routes)
        self.gap_label = [0] * (grid.columns + 1)
        for route in routes:
            if route.flow.name and route.label_at in ("entry", "start"):
                g = (grid.col[route.flow.target] if route.label_at == "entry"
                     else grid.col[route.flow.source] + 1)
                self.gap_label[g] = max(self.gap_label[g], label_size(route.flow.name)[0])
        self.gaps = [self._gap_width(g) for g in range(grid.columns + 1)]
        self.col_x: list[int] = []
        x = ORIGIN[0] + POOL_HEADER + LANE_HEADER
        for c in range(grid.columns):
            x += self.gaps[c]
            self.col_x.append(x)
            x += COL_WIDTH
        self.width = x + self.gaps[-1] - ORIGIN[0]
        self.clear = {"above": [0] * grid.bands, "below": [0] * grid.bands}
        self._measure_clearances()
        self.band_y: list[int] = []
        self.band_top: list[int] = []
        self.band_h: list[int] = []
        y = ORIGIN[1]
        for b in range(grid.bands):
            top, bottom = self._pad(b, "above"), self._pad(b, "below")
            extra = max(0, BAND_MIN - (top + 2 * HALF_AREA + bottom))
            top, bottom = top + extra // 2, bottom + extra - extra // 2
            self.band_top.append(y)
            self.band_y.append(y + top + HALF_AREA)  # the band's centre line
            self.band_h.append(top + 2 * HALF_AREA + bottom)
            y += self.band_h[-1]
        self.height = y - ORIGIN[1]

    def ntracks(self, channel: Channel) -> int:
        return max(self.tracks.get(channel, {}).values(), default=-1) + 1

    def _gap_width(self, g: int) -> int:
        n = self.ntracks(("gap", g))
        label = self.gap_label[g]
        edge = g in (0, self.grid.columns)
        if label:
            lead = GAP_MARGIN + (n - 1) * TRACK if n else 8
            return max(GAP_MIN, lead + label + 16)
        if n:
            return max(EDGE_GAP if edge else GAP_MIN, 2 * GAP_MARGIN + (n - 1) * TRACK)
        return EDGE_GAP if edge else GAP_MIN

    def track_x(self, g: int, key: str) -> int:
        n, t = self.ntracks(("gap", g)), self.tracks[("gap", g)][key]
        left = self.col_x[g - 1] + COL_WIDTH if g else self.col_x[0] - self.gaps[0]
        if self.gap_label[g]:
            return left + GAP_MARGIN + t * TRACK
        return left + (self.gaps[g] - (n - 1) * TRACK) // 2 + t * TRACK

    def strip_y(self, side: str, band: int, key: str) -> int:
        t = self.tracks[(side, band)][key]
        if side == "above":
            return self.band_y[band] - HALF_AREA - self.clear["above"][band] - t * TRACK
        return self.band_y[band] + HALF_AREA + self.clear["below"][band] + t * TRACK

    def _need(self, side: str, band: int, extent: int) -> None:
        self.clear[side][band] = max(self.clear[side][band], extent + 6)

    def _measure_clearances(self) -> None:
        """How far labels and boundary events reach beyond each band's shape area."""
        g = self.grid
        for node in g.process.nodes:
            band, (_, h) = g.band[node.id], size_of(node)
            lh = label_size(node.name)[1] if node.name else 0
            if isinstance(node, Boundary):
                self._need("below", band, 18 + 3 + lh)
            elif _has_outer_label(node):
                side = self.sides.label_side(node.id)
                reach = h // 2 + 4 + lh - HALF_AREA if side in ("above", "below") \
                    else CORNER_DY + lh - HALF_AREA
                self._need("above" if side.startswith(("above", "upper")) else "below", band,
                           reach)
        for route in self.routes:
            if not route.flow.name or route.label_at in ("entry", "start"):
                continue
            node = g.nodes[route.exit_node]
            lh = label_size(route.flow.name)[1]
            side = "above" if route.label_at == "top" else "below"
            if isinstance(node, Boundary):
                self._need(side, g.band[node.id], 18 + 4 + lh)
            else:
                self._need(side, g.band[node.id], lh + 4 - (HALF_AREA - size_of(node)[1] // 2))
        for side in ("above", "below"):
            for b in range(g.bands):
                self.clear[side][b] = max(CLEAR_MIN, self.clear[side][b])

    def _pad(self, band: int, side: str) -> int:
        n = self.ntracks((side, band))
        if n:
            return self.clear[side][band] + (n - 1) * TRACK + STRIP_MARGIN
        return self.clear[side][band] + 6


def _shapes(grid: Grid, geo: _Geometry) -> dict[str, Box]:
    shapes: dict[str, Box] = {}
    for node in grid.process.nodes:
        if isinstance(node, Boundary):
            continue
        w, h = size_of(node)
        cx, cy = geo.col_x[grid.col[node.id]] + COL_WIDTH // 2, geo.band_y[grid.band[node.id]]
        shapes[node.id] = Box(cx - w // 2, cy - h // 2, w, h)
    for task, events in grid.boundaries.items():
        box = shapes[task]
        for event, offset in zip(events, BOUNDARY_OFFSETS[len(events)], strict=True):
            shapes[event] = Box(box.x + offset - 18, box.bottom - 18, 36, 36)
    return shapes


def _resolve(route: Route, shapes: dict[str, Box], geo: _Geometry) -> list[tuple[int, int]]:
    """Waypoints of a route, without repeated or collinear middle points."""

    def x_of(x: X) -> int:
        if x.kind == "gap":
            return geo.track_x(int(x.ref), x.key)
        box = shapes[str(x.ref)]
        return {"left": box.x, "right": box.right}.get(x.kind, box.cx + x.dx)

    def y_of(y: Y) -> int:
        if y.kind in ("above", "below"):
            return geo.strip_y(y.kind, int(y.ref), y.key)
        box = shapes[str(y.ref)]
        return {"top": box.y, "bottom": box.bottom}.get(y.kind, box.cy)

    points: list[tuple[int, int]] = []
    for x, y in route.points:
        point = (x_of(x), y_of(y))
        if points and points[-1] == point:
            continue
        if len(points) >= 2 and (points[-2][0] == points[-1][0] == point[0]
                                 or points[-2][1] == points[-1][1] == point[1]):
            points[-1] = point
        else:
            points.append(point)
    return points


class _Labels:
    """Places labels, nudging a label away from the ones placed before it."""

    def __init__(self) -> None:
        self.placed: dict[str, Box] = {}

    def put(self, owner: str, box: Box, step: int) -> None:
        for _ in range(4):
            if not any(box.overlaps(other) for other in self.placed.values()):
                break
            box = Box(box.x, box.y + step, box.w, box.h)
        self.placed[owner] = box


def _node_labels(grid: Grid, shapes: dict[str, Box], sides: _Sides, labels: _Labels) -> None:
    for node in grid.process.nodes:
        if not node.name or not (_has_outer_label(node) or isinstance(node, Boundary)):
            continue
        w, h = label_size(node.name)
        box = shapes[node.id]
        if isinstance(node, Boundary):
            # beside the flow that leaves it downward: on the left, except the rightmost
            # of several, whose label would cross its neighbours' flows
            siblings = grid.boundaries[node.attached_to]
            right = len(siblings) > 1 and siblings[0] == node.id
            x = box.cx + 6 if right else box.cx - 6 - w
            labels.put(node.id, Box(x, box.bottom + 3, w, h), h)
            continue
        side = sides.label_side(node.id)
        x = box.cx - w // 2 if side in ("above", "below") else (
            box.x - CORNER_DX - w if side.endswith("left") else box.right + CORNER_DX)
        if side == "below":
            y = box.bottom + 4
        elif side == "above":
            y = box.y - 4 - h
        else:
            y = box.cy - CORNER_DY - h if side.startswith("upper") else box.cy + CORNER_DY
        labels.put(node.id, Box(x, y, w, h), h if side in ("below", "lower-right") else -h)


def _flow_label(route: Route, points: list[tuple[int, int]], labels: _Labels) -> None:
    name = route.flow.name
    if not name:
        return
    w, h = label_size(name)
    if route.label_at == "entry":  # above the last segment, just before the arrowhead
        x, y = points[-1]
        labels.put(route.flow.flow_id, Box(x - 6 - w, y - 3 - h, w, h), -h)
    elif route.label_at == "start":  # above the first segment, just after the source
        x, y = points[0]
        labels.put(route.flow.flow_id, Box(x + 6, y - 3 - h, w, h), -h)
    elif route.label_at == "top":  # beside the first segment, just above the source
        x, y = points[0]
        labels.put(route.flow.flow_id, Box(x + 5, y - 4 - h, w, h), -h)
    else:
        x, y = points[0]
        labels.put(route.flow.flow_id, Box(x + 5, y + 4, w, h), h)


def layout(process: Process) -> Diagram:
    """Lay out a process: raises BuildError when the definition is not sound."""
    validate(process)
    grid = build_grid(process)
    routes, tracks = route_all(grid)
    geo = _Geometry(grid, routes, tracks)
    shapes = _shapes(grid, geo)
    labels = _Labels()
    _node_labels(grid, shapes, geo.sides, labels)
    edges: dict[str, list[tuple[int, int]]] = {}
    for route in routes:
        edges[route.flow.flow_id] = _resolve(route, shapes, geo)
        _flow_label(route, edges[route.flow.flow_id], labels)
    pool = Box(ORIGIN[0], ORIGIN[1], geo.width, geo.height)
    lanes: dict[str, Box] = {}
    band = 0
    for lane_id, rows in grid.lane_rows:
        top = geo.band_top[band]
        height = sum(geo.band_h[band:band + rows])
        lanes[lane_id] = Box(pool.x + POOL_HEADER, top, pool.w - POOL_HEADER, height)
        band += rows
    return Diagram(pool, lanes, shapes, labels.placed, edges)

