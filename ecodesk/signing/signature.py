"""Ed25519 signatures over canonical bytes, and the block that travels with them in a workbook."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from ecodesk.signing.keys import ALGORITHM, SigningKey, fingerprint_of


@dataclass(frozen=True)
class SignatureBlock:
    """What the workbook's data sheet carries besides the data: enough to check it offline."""

    algorithm: str
    public_key: bytes
    fingerprint: str
    digest: str  # SHA-256 of the canonical bytes, hex
    signature: bytes

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.public_key).decode("ascii")

    @property
    def signature_b64(self) -> str:
        return base64.b64encode(self.signature).decode("ascii")


def digest_of(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def sign_canonical(key: SigningKey, canonical: bytes) -> SignatureBlock:
    # Ed25519 signs the message itself (it hashes internally with SHA-512); the SHA-256 digest
    # is only a short handle people and the store can quote.
    return SignatureBlock(
        ALGORITHM, key.public_key, key.fingerprint, digest_of(canonical), key.sign(canonical)
    )


def signature_matches(block: SignatureBlock, canonical: bytes) -> bool:
    """True when ``block`` is a well-formed Ed25519 signature of exactly ``canonical``."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if block.algorithm != ALGORITHM or len(block.public_key) != 32:
        return False
    if (
        fingerprint_of(block.public_key) != block.fingerprint
        or digest_of(canonical) != block.digest
    ):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(block.public_key).verify(block.signature, canonical)
    except (InvalidSignature, ValueError):
        return False
    return True
