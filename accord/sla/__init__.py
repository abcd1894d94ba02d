"""The SLA engine: calendars, policies and clocks. Never imports Django."""

from accord.sla.calendar import Calendar, Window
from accord.sla.clock import EVENT_TYPES, Evaluation, Event, TargetState, evaluate
from accord.sla.errors import PolicyError, SlaInputError
from accord.sla.policy import Policy, load_policy

__all__ = [
    "EVENT_TYPES",
    "Calendar",
    "Evaluation",
    "Event",
    "Policy",
    "PolicyError",
    "SlaInputError",
    "TargetState",
    "Window",
    "evaluate",
    "load_policy",
]
