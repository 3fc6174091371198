"""Shared domain of the Lombok Timur BPJS Ketenagakerjaan enrolment system.

Pure Python: no flet, no fastapi, no database. Both the field app (packaged for
Android) and the sync server import it, so NIK rules, segments, record and wire
shapes, and card-token verification are defined exactly once.
"""
