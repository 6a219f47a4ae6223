"""Errors that carry a friendly message meant for the person who typed the input."""


class UserError(Exception):
    """Something the user can fix; `message` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParseError(UserError):
    """Input that did not parse; the message quotes what was not understood and shows what works."""


class NotFound(UserError):
    """Nothing visible to this person matches (also used for other tenants' ids)."""


class NotAllowed(UserError):
    """The person may not do this."""
