from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "accord.tickets"
    label = "tickets"

    def ready(self) -> None:
        from accord.contracts.signals import installation_changed
        from accord.tickets import search
        from accord.tickets.restructure import on_installation_changed

        search.connect()
        installation_changed.connect(on_installation_changed, dispatch_uid="tickets.recheck")
