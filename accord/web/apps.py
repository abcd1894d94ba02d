"""App configuration of the web UI."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "accord.web"
    label = "web"
    verbose_name = "Accord web UI"
