"""One observable per feature: home list, form, card, card check, pairing, sync."""
