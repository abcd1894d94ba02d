"""Mail intake: parsing, loop detection and IMAP fetching (no Django here)."""

from .loops import Automation, OwnMail, is_automated, is_own_message, strip_accord_headers
from .model import Address, Attachment, Bounce, ParsedMessage
from .parse import parse_message

__all__ = [
    "Address",
    "Attachment",
    "Automation",
    "Bounce",
    "OwnMail",
    "ParsedMessage",
    "is_automated",
    "is_own_message",
    "parse_message",
    "strip_accord_headers",
]
