"""Outbound notifications: every mail the desk sends goes through an `Outbox` row."""
