"""The REST API (django-ninja) at /api/v1: parses input, calls services, presents results."""
