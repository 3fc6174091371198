"""Screens of the field app: declarative Flet components that render AppState."""
