from django.apps import AppConfig


class WorkerConfig(AppConfig):
    """No models: the worker's state lives in the rows it works on."""

    name = "accord.worker"
    label = "worker"
    verbose_name = "Worker"
