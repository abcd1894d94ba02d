from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """The desk side of the mail channel: raw messages, routing, threading."""

    name = "accord.intake"
    label = "intake"
    verbose_name = "Mail intake"
    default_auto_field = "django.db.models.BigAutoField"
