from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class ContractsConfig(AppConfig):
    name = "accord.contracts"
    label = "contracts"

    def ready(self) -> None:
        # An install's own policies are checked once, when any process starts
        # (web, worker, CLI, the MTA pipe): a bad file stops it naming file, line, field.
        directory = getattr(settings, "ACCORD_POLICY_DIR", None)
        if directory is None:
            return
        from accord.contracts.policy_dir import check_policy_dir

        problems = check_policy_dir(directory)
        if problems:
            raise ImproperlyConfigured("ACCORD_POLICY_DIR: " + "; ".join(problems))
