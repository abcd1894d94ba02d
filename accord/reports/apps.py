from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Contract reports per organisation and period, charts, CSV, monthly statements."""

    name = "accord.reports"
    label = "reports"
