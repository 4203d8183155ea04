"""Errors the core raises for bad input or bad data."""


class BadInput(ValueError):
    """A situation, query or reference that cannot be answered, naming the field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class BadData(RuntimeError):
    """A data file under data/ that breaks its format; a policy owner's mistake, not a user's."""
