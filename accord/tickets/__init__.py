"""Requests, their messages, the append-only event log and the stored SLA targets."""
