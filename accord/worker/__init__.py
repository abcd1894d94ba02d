"""The background worker: outbox, IMAP fetch, pending mail, SLA breaches, sweeps."""
