"""The desk suite's fixtures (frozen clock, personas), shared with the report tests."""

from __future__ import annotations

from desk import conftest as desk_suite

clock = desk_suite.clock
desk = desk_suite.desk
