"""The organisation tree and transfer routing of ROUTING.md: pure logic, no Flask, no
database session. A :class:`Directory` (in memory, or ``app.services.directory.DbDirectory``)
answers ``get`` and ``chain``; the facts and routes are computed from those alone."""

from app.org.facts import (
    POLICIES,
    Policy,
    RouteError,
    city,
    county,
    direct,
    is_nationwide,
    is_unit,
    system,
    unit,
    up,
)
from app.org.loader import TreeFile, TreeFileError, UserRecord, parse_tree, read_tree
from app.org.records import MemberRecord, parse_member
from app.org.routing import (
    ROUTE_KINDS,
    ROUTE_PARAMS,
    InRoute,
    IntraRoute,
    OutOfSystemRoute,
    OutRoute,
    Route,
    WholeUnitRoute,
    compute_route,
    route_in,
    route_intra,
    route_out,
    route_out_of_system,
    route_whole_unit,
)
from app.org.tree import (
    KINDS,
    Directory,
    MemoryDirectory,
    OrgError,
    OrgNode,
    UnknownOrgError,
)

__all__ = [
    "KINDS", "POLICIES", "ROUTE_KINDS", "ROUTE_PARAMS", "Directory", "InRoute", "IntraRoute",
    "MemberRecord", "MemoryDirectory", "OrgError", "OrgNode", "OutOfSystemRoute", "OutRoute",
    "Policy", "Route", "RouteError", "TreeFile", "TreeFileError", "UnknownOrgError",
    "UserRecord", "WholeUnitRoute", "city", "compute_route", "county", "direct",
    "is_nationwide", "is_unit", "parse_member", "parse_tree", "read_tree", "route_in",
    "route_intra", "route_out", "route_out_of_system", "route_whole_unit", "system", "unit",
    "up",
]
