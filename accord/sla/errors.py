"""Errors the engine reports to its callers; each names what was wrong."""

from __future__ import annotations


class SlaInputError(ValueError):
    """Bad input to the engine: `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PolicyError(ValueError):
    """A policy that cannot be loaded; `problems` lists every error found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems
