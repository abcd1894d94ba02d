from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "accord.tickets"
    label = "tickets"
