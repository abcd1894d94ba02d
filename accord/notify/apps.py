from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Outbox, transports and templates; connects to the desk's on-commit signals."""

    name = "accord.notify"
    label = "notify"
    verbose_name = "Outbound notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accord.intake.outbound import register
        from accord.notify import receivers
        from accord.notify.for_intake import OutboxForIntake

        receivers.connect()
        register(OutboxForIntake())  # what the email channel needs of the outbox
