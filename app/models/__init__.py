"""Every table of zhuanjie; importing this package registers them on Base.metadata."""

from app.models.member import Member
from app.models.member_import import MemberImportRow
from app.models.org import Org
from app.models.user import User, UserRole

__all__ = ["Member", "MemberImportRow", "Org", "User", "UserRole"]
