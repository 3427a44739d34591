"""Orthogonal routes of the sequence flows on the abstract grid, before any coordinate.

Shapes stand in columns and bands; between columns run vertical *gaps*, and at the top and
bottom of every band run horizontal *strips*, where no shape stands. A route only crosses
the grid through those channels, so it never crosses a shape:

- a forward flow leaves its source on the right and enters its target on the left, with
  one bend pair in a gap when the rows differ, or through a strip when shapes stand in the
  way on both rows;
- a back flow (loop, send-back) leaves from the top (or bottom) into a strip, runs above
  (below) the shapes, and enters its target from the top or bottom;
- a boundary event's flow leaves downward into the strip below its task.

Channels are shared by several routes, so each route takes a *track* in each channel it
runs along; routes of one fan-out or fan-in share a track (they meet anyway).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from tools.bpmnbuild.dsl import Boundary, Exclusive, Flow, Parallel
from tools.bpmnbuild.grid import Grid
from tools.bpmnbuild.validate import TASK_TYPES

TASK_EXIT_DX = 20  # a task's top/bottom exits stand right of its centre, entries at it


@dataclass(frozen=True)
class X:
    """An abstract x: a node's ``left``/``right`` side or its centre plus ``dx`` (``cx``),
    a boundary event's centre (``bnd``), or a track of gap ``ref`` (``gap``)."""

    kind: str
    ref: str | int
    dx: int = 0
    key: str = ""


@dataclass(frozen=True)
class Y:
    """An abstract y: a node's centre (``cy``) or ``top``/``bottom`` side, or a track of the
    strip ``above``/``below`` band ``ref`` (``above``/``below``)."""

    kind: str
    ref: str | int
    key: str = ""


Point = tuple[X, Y]


@dataclass
class Route:
    """The abstract waypoints of one flow and where its label goes."""

    flow: Flow
    points: list[Point]
    label_at: str  # "entry": before the target's left side; "start": after the source's
    # right side; "top"/"bottom": beside the first segment, which leaves upward/downward
    exit_node: str


class Router:
    """Routes every flow of a grid; ``routes`` and the channel tracks are the result."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.out: dict[str, int] = defaultdict(int)
        self.inc: dict[str, int] = defaultdict(int)
        for f in grid.process.flows:
            if not isinstance(grid.nodes[f.source], Boundary):
                self.out[f.source] += 1
            self.inc[f.target] += 1
        self.used: set[tuple[str, str]] = set()  # (node, "top"/"bottom") taken by back routes
        routed: dict[str, Route] = {}
        forward = [f for f in grid.process.flows if self._is_forward(f)]
        for f in grid.process.flows:
            if not self._is_forward(f):
                routed[f.flow_id] = self._note(self._backward(f))
        self.on_right = self._plan_splits(forward)
        for f in forward:
            routed[f.flow_id] = self._forward(f)
        self.routes = [routed[f.flow_id] for f in grid.process.flows]

    def _is_forward(self, flow: Flow) -> bool:
        g = self.grid
        return (not isinstance(g.nodes[flow.source], Boundary)
                and g.col[flow.target] > g.col[flow.source])

    def _note(self, route: Route) -> Route:
        for x, y in (route.points[0], route.points[-1]):
            if y.kind in ("top", "bottom") and x.kind == "cx":
                self.used.add((str(y.ref), y.kind))
        return route

    # -- keys: routes with equal keys share a track ------------------------------------
    def _src(self, flow: Flow) -> str:
        return f"src:{flow.source}" if self.out[flow.source] > 1 else f"flow:{flow.flow_id}"

    def _dst(self, flow: Flow) -> str:
        return f"dst:{flow.target}" if self.inc[flow.target] > 1 else f"flow:{flow.flow_id}"

    # -- free space ----------------------------------------------------------------------
    def _free(self, band: int, first: int, last: int) -> bool:
        """No shape in *band* from column *first* to *last*."""
        return not any(self.grid.occupied(band, c) for c in range(first, last + 1))

    def _free_between(self, col: int, band_a: int, band_b: int) -> bool:
        """No shape in column *col* strictly between two bands."""
        low, high = sorted((band_a, band_b))
        return not any(self.grid.occupied(b, col) for b in range(low + 1, high))

    def _gateway(self, node_id: str, split: bool) -> bool:
        node = self.grid.nodes[node_id]
        if not isinstance(node, Exclusive | Parallel):
            return False
        if split:
            return self.out[node_id] > 1 and self.inc[node_id] <= 1
        return self.inc[node_id] > 1 and self.out[node_id] <= 1

    # -- forward flows: right side out, left side in -------------------------------------
    def _straight(self, flow: Flow) -> bool:
        g, u, v = self.grid, flow.source, flow.target
        return g.band[u] == g.band[v] and self._free(g.band[u], g.col[u] + 1, g.col[v] - 1)

    def _vertex_side(self, flow: Flow) -> str | None:
        """The top/bottom vertex by which a split would send *flow*, if one is free."""
        g, u, v = self.grid, flow.source, flow.target
        sides = ["bottom", "top"] if g.band[v] >= g.band[u] else ["top"]
        return next((s for s in sides if (u, s) not in self.used), None)

    def _plan_splits(self, forward: list[Flow]) -> set[str]:
        """Flows that leave a split by its right vertex although they turn: where two
        would share a top/bottom vertex and no flow runs straight on, one of them (the
        default flow first, whose marker must not sit on a shared segment) goes right."""
        chosen: set[str] = set()
        for u in dict.fromkeys(f.source for f in forward):
            flows = [f for f in forward if f.source == u]
            if not self._gateway(u, split=True) or any(self._straight(f) for f in flows):
                continue
            groups: dict[str | None, list[Flow]] = defaultdict(list)
            for f in flows:
                groups[self._vertex_side(f)].append(f)
            crowded = [f for side, group in groups.items() if side and len(group) > 1
                       for f in group]
            if not crowded:
                continue
            node = self.grid.nodes[u]
            default = node.default if isinstance(node, Exclusive) else None
            band = self.grid.band[u]
            pick = next((f for f in crowded if f.flow_id == default), None) or min(
                crowded, key=lambda f: abs(self.grid.band[f.target] - band))
            chosen.add(pick.flow_id)
        return chosen

    def _split_exit(self, flow: Flow) -> Route | None:
        """A split gateway leaves by its top/bottom vertex toward a target that is not
        straight ahead (so that only one flow leaves its right vertex): one bend where the
        way is clear, else along the strip on that side and down a gap."""
        g, u, v = self.grid, flow.source, flow.target
        cu, cv, bu, bv = g.col[u], g.col[v], g.band[u], g.band[v]
        if not self._gateway(u, split=True) or flow.flow_id in self.on_right:
            return None
        side = self._vertex_side(flow)
        if side is None:
            return None
        out = (X("cx", u), Y(side, u))
        end = (X("left", v), Y("cy", v))
        toward = (side == "bottom") == (bv > bu)
        if bu != bv and toward and self._free_between(cu, bu, bv) and self._free(bv, cu, cv - 1):
            return Route(flow, [out, (X("cx", u), Y("cy", v)), end], "entry", u)
        strip = Y("below" if side == "bottom" else "above", bu, key=f"flow:{flow.flow_id}")
        gap = X("gap", cv, key=self._dst(flow))
        return Route(flow, [out, (X("cx", u), strip), (gap, strip), (gap, Y("cy", v)), end],
                     "entry", u)

    def _join_entry(self, flow: Flow) -> Route | None:
        """A join gateway is entered by its top/bottom vertex from a source in another band
        when the way is clear: one bend, as modelers draw gateways."""
        g, u, v = self.grid, flow.source, flow.target
        cu, cv, bu, bv = g.col[u], g.col[v], g.band[u], g.band[v]
        side = "top" if bv > bu else "bottom"
        if (bu != bv and self._gateway(v, split=False) and (v, side) not in self.used
                and self._free(bu, cu + 1, cv) and self._free_between(cv, bu, bv)):
            corner = (X("cx", v), Y("cy", u))
            return Route(flow, [(X("right", u), Y("cy", u)), corner, (X("cx", v), Y(side, v))],
                         "start", u)
        return None

    def _forward(self, flow: Flow) -> Route:
        g, u, v = self.grid, flow.source, flow.target
        cu, cv, bu, bv = g.col[u], g.col[v], g.band[u], g.band[v]
        start, end = (X("right", u), Y("cy", u)), (X("left", v), Y("cy", v))
        if bu == bv and self._free(bu, cu + 1, cv - 1):
            return Route(flow, [start, end], "entry", u)
        vertex = self._split_exit(flow) or self._join_entry(flow)
        if vertex is not None:
            return vertex
        src_gap, dst_gap = X("gap", cu + 1, key=self._src(flow)), X("gap", cv, key=self._dst(flow))
        if cv == cu + 1:
            src_gap = dst_gap = src_gap if self.out[u] > 1 else dst_gap
        near_target = [start, (dst_gap, Y("cy", u)), (dst_gap, Y("cy", v)), end]
        near_source = [start, (src_gap, Y("cy", u)), (src_gap, Y("cy", v)), end]
        options = []
        if self._free(bu, cu + 1, cv - 1):
            options.append(near_target)
        if self._free(bv, cu + 1, cv - 1):
            options.insert(0 if self.out[u] > 1 else len(options), near_source)
        if options:
            return Route(flow, options[0], "entry", u)
        strip = Y("below" if bv >= bu else "above", bu, key=f"flow:{flow.flow_id}")
        return Route(flow, [start, (src_gap, Y("cy", u)), (src_gap, strip), (dst_gap, strip),
                            (dst_gap, Y("cy", v)), end], "entry", u)

    # -- back flows and boundary flows: through the strips -------------------------------
    def _to_target(self, flow: Flow, points: list[Point], strip: Y) -> list[Point]:
        """Continue a route that has reached *strip* to its target, entering top/bottom:
        straight in when the target's column is clear up to it, else through a gap."""
        g, v = self.grid, flow.target
        bv, band = g.band[v], int(strip.ref)
        from_below = bv < band or (bv == band and strip.kind == "below")
        side = "bottom" if from_below and not g.boundaries.get(v) else "top"
        x_in = X("cx", v)
        facing = (strip.kind == "above" and side == "bottom" and bv < band) or (
            strip.kind == "below" and side == "top" and bv > band)
        target_strip = Y("below" if side == "bottom" else "above", bv, key=strip.key)
        if target_strip == strip or (facing and self._free_between(g.col[v], band, bv)):
            return [*points, (x_in, strip), (x_in, Y(side, v))]
        gap = X("gap", g.col[v] + 1, key=f"flow:{flow.flow_id}")
        return [*points, (gap, strip), (gap, target_strip), (x_in, target_strip),
                (x_in, Y(side, v))]

    def _backward(self, flow: Flow) -> Route:
        g, u, v = self.grid, flow.source, flow.target
        if isinstance(g.nodes[u], Boundary):
            return self._from_boundary(flow)
        up = g.band[v] <= g.band[u] or bool(g.boundaries.get(u))
        side = "top" if up else "bottom"
        strip = Y("above" if up else "below", g.band[u], key=f"flow:{flow.flow_id}")
        dx = TASK_EXIT_DX if isinstance(g.nodes[u], TASK_TYPES) else 0
        x_out = X("cx", u, dx)
        points = self._to_target(flow, [(x_out, Y(side, u)), (x_out, strip)], strip)
        return Route(flow, points, side, u)

    def _from_boundary(self, flow: Flow) -> Route:
        g, b, v = self.grid, flow.source, flow.target
        task = g.host(b)
        strip = Y("below", g.band[task], key=f"flow:{flow.flow_id}")
        x_out = X("bnd", b)
        points: list[Point] = [(x_out, Y("bottom", b)), (x_out, strip)]
        if g.col[v] > g.col[task]:
            gap = X("gap", g.col[v], key=self._dst(flow))
            points += [(gap, strip), (gap, Y("cy", v)), (X("left", v), Y("cy", v))]
        else:
            points = self._to_target(flow, points, strip)
        return Route(flow, points, "bottom", b)


# -- tracks ------------------------------------------------------------------------------
def _x_pos(grid: Grid, x: X) -> float:
    """An abstract, order-preserving x for overlap tests along strips."""
    if x.kind == "gap":
        return float(x.ref)
    node = grid.host(str(x.ref))
    base = grid.col[node] + 0.5
    return base + {"left": -0.25, "right": 0.25, "bnd": 0.2}.get(x.kind, x.dx / 1000)


def _y_pos(grid: Grid, y: Y) -> float:
    """An abstract, order-preserving y for overlap tests along gaps."""
    if y.kind in ("above", "below"):
        return int(y.ref) + (0.1 if y.kind == "above" else 0.9)
    band = grid.band[str(y.ref)]
    return band + {"cy": 0.5, "top": 0.3, "bottom": 0.7}[y.kind]


Channel = tuple[str, int]  # ("gap", g) or ("above"/"below", band)


def channel_uses(grid: Grid, routes: list[Route]) -> dict[Channel, dict[str, list[
        tuple[float, float]]]]:
    """For every channel, the intervals that each track key covers along it."""
    uses: dict[Channel, dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: defaultdict(list))
    for route in routes:
        for (x1, y1), (x2, y2) in pairwise(route.points):
            if x1.kind == "gap" and x1 == x2:
                a, b = sorted((_y_pos(grid, y1), _y_pos(grid, y2)))
                uses[("gap", int(x1.ref))][x1.key].append((a, b))
            elif y1.kind in ("above", "below") and y1 == y2:
                a, b = sorted((_x_pos(grid, x1), _x_pos(grid, x2)))
                uses[(y1.kind, int(y1.ref))][y1.key].append((a, b))
    return uses


def _overlaps(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> bool:
    # touching counts: two routes meeting end to end on one line would read as one
    return any(s1 <= e2 + 1e-9 and s2 <= e1 + 1e-9 for s1, e1 in a for s2, e2 in b)


def assign_tracks(grid: Grid, routes: list[Route]) -> dict[Channel, dict[str, int]]:
    """Track index of every key in every channel: overlapping keys get distinct tracks,
    shorter runs nearer the shapes (inner loops inside outer ones)."""
    tracks: dict[Channel, dict[str, int]] = {}
    for channel, keys in sorted(channel_uses(grid, routes).items()):
        def span(key: str, keys: dict[str, list[tuple[float, float]]] = keys) -> float:
            return max(e for _, e in keys[key]) - min(s for s, _ in keys[key])

        taken: list[list[str]] = []
        chosen: dict[str, int] = {}
        for key in sorted(keys, key=lambda k: (span(k), k)):
            t = 0
            while t < len(taken) and any(_overlaps(keys[key], keys[o]) for o in taken[t]):
                t += 1
            if t == len(taken):
                taken.append([])
            taken[t].append(key)
            chosen[key] = t
        tracks[channel] = chosen
    return tracks


def route_all(grid: Grid) -> tuple[list[Route], dict[Channel, dict[str, int]]]:
    """Every flow's abstract route and the tracks of the channels they use."""
    routes = Router(grid).routes
    return routes, assign_tracks(grid, routes)
