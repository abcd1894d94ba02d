"""Staff: agents with a role, teams, and API tokens (staff or customer-scoped)."""
