"""The agent and manager web UI: Django templates with htmx, served locally."""
