"""Every tablet store a test opens is encrypted, with one fixed test data key, unless the
test module says `pytestmark = pytest.mark.own_keys` (the tests of the keys themselves).

So the store's tests prove the encrypted store keeps every result the plaintext one
gave. Imported by tests/unit/conftest.py and tests/integration/conftest.py.
"""

from __future__ import annotations

import pytest

from field_app.store import Store
from field_app.vault import Vault

TEST_DEK = bytes(range(32))


def test_vault() -> Vault:
    """The tests' data key (a subprocess in a test opens its store with it too)."""
    return Vault(TEST_DEK)


test_vault.__test__ = False  # not a test


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "own_keys: the test opens its stores with its own keys")


@pytest.fixture(autouse=True)
def encrypted_stores(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """`Store(path)` opens with the test data key (encrypting the file if it was plain)."""
    if request.node.get_closest_marker("own_keys"):
        return
    original = Store.__init__

    def opened_with_test_key(self, path, *, vault=None, **options):  # type: ignore[no-untyped-def]
        original(self, path, vault=vault or test_vault(), **options)

    monkeypatch.setattr(Store, "__init__", opened_with_test_key)
