"""The audit trail: who changed what, written by the services in the same transaction."""
