"""Who is entitled to what: organisations, contacts, entitlements, releases."""
