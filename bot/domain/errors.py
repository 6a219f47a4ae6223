"""Errors that carry a friendly message meant for the person who typed the input."""


class UserError(Exception):
    """Something the user can fix; `message` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ParseError(UserError):
    """Input that did not parse; the message quotes what was not understood and shows what works."""


class AskBack(ParseError):
    """Input with two or more plausible readings: `question` names them and each choice says what to type.

    `choices` are (label, replacement) pairs: the replacement stands in for `fragment` (the part of the
    input that was unclear) when the command is run again, so a button can answer the question.
    """

    def __init__(self, question: str, fragment: str, choices: tuple[tuple[str, str], ...]) -> None:
        options = " or ".join(f'"{replacement}"' for _label, replacement in choices)
        super().__init__(
            f"{question} Pick one below, or say it again with {options}." if choices else question
        )
        self.question = question
        self.fragment = fragment
        self.choices = choices


class AskWhich(AskBack):
    """A command that fits several things (a person's mentorships): ask which, keeping what was typed.

    Each choice is (label, addition): the addition (`with <@U2>`) is appended to the command as typed.
    `question` may hold `{typed}`, replaced by the command as typed for the reply's example; the
    message alone (no command known, e.g. a button) shows `fallback` there."""

    def __init__(self, question: str, choices: tuple[tuple[str, str], ...], fallback: str) -> None:
        ParseError.__init__(self, question.replace("{typed}", fallback))
        self.question = question
        self.fragment = ""
        self.choices = choices

    def for_typed(self, typed: str) -> str:
        return self.question.replace("{typed}", typed)


class ZoneNeeded(AskBack):
    """A time-bearing command from someone whose zone nobody knows yet: ask for it before applying it."""

    def __init__(self, question: str) -> None:
        super().__init__(question, "", ())


class NotFound(UserError):
    """Nothing visible to this person matches (also used for other tenants' ids)."""


class NotAllowed(UserError):
    """The person may not do this."""
