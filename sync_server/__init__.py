"""Sync server of the Lombok Timur BPJS Ketenagakerjaan enrolment system.

Receives enrolments pushed by field tablets, keeps one member per NIK, issues
Ed25519-signed QR membership cards and serves their public verification page.
The protocol is described in docs/protocol.md.
"""
