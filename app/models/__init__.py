"""Every table of zhuanjie; importing this package registers them on Base.metadata."""

from app.models.letter import LetterSerial
from app.models.member import Member
from app.models.org import Org
from app.models.user import User, UserRole

__all__ = ["LetterSerial", "Member", "Org", "User", "UserRole"]
