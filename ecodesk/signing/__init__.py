"""Keys, canonical data and Ed25519 signatures; the registry of trusted units' keys."""
