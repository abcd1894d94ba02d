from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "accord.invoices"
    label = "invoices"
    verbose_name = "Invoices"
