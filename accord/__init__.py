"""Accord: a service desk that runs support contracts exactly as written."""

__version__ = "0.1.0"
