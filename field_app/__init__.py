"""The field officer's Flet app: offline enrolment, local SQLite, sync when online."""
