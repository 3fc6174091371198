"""Unit tests open every tablet store encrypted with the test data key (tests/store_vault.py)."""

from tests.store_vault import encrypted_stores, pytest_configure  # noqa: F401
