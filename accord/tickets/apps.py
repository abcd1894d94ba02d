from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "accord.tickets"
    label = "tickets"

    def ready(self) -> None:
        from accord.tickets import search

        search.connect()
