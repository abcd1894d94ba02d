"""The customer portal at /portal/: customers submit, follow and understand their requests.

A top-layer app beside `accord.web` (docs/portal.md). Contacts sign in with a
Django user of their own, linked by a `PortalAccount`; every change goes through
the tickets services with the contact as the actor.
"""
