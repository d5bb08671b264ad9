"""Message signatures: SNS signs every notification with an RSA key whose certificate is
published at ``SigningCertURL``. fogbank makes one RSA-2048 key and self-signed certificate
per state directory (kept across restarts) and signs exactly the fields AWS signs, so a
subscriber's signature check works against the certificate served on the edge.

``cryptography`` is used when installed (it is not a fogbank dependency); without it the
``Signature`` is a base64 string of the right length that verifies against nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import threading
from pathlib import Path
from typing import Any

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token",
                       "TopicArn", "Type")
KEY_BYTES = 256  # RSA-2048


def string_to_sign(message: dict[str, Any]) -> str:
    """The canonical text AWS signs: ``name\\nvalue\\n`` for each signed field present."""
    names = NOTIFICATION_FIELDS if message.get("Type") == "Notification" else CONFIRMATION_FIELDS
    return "".join(f"{name}\n{message[name]}\n" for name in names
                   if message.get(name) is not None)


class Signer:
    """Signs messages with this cloud's SNS key; ``certificate_pem`` is what the
    SigningCertURL serves."""

    def __init__(self, key_dir: Path) -> None:
        self._key_dir = Path(key_dir)
        self._key: Any = None
        self._certificate = b""
        self._cache: dict[tuple[str, str], str] = {}
        self._cert_name = ""
        self._lock = threading.Lock()  # the key may be made in a worker thread at start

    @property
    def ready(self) -> bool:
        """Whether the key exists (making it takes a moment: do that off the event loop)."""
        return self._key is not None or bool(self._certificate)

    @property
    def cert_name(self) -> str:
        if not self._cert_name:
            digest = hashlib.md5(self.certificate_pem, usedforsecurity=False).hexdigest()
            self._cert_name = f"SimpleNotificationService-{digest}.pem"
        return self._cert_name

    @property
    def certificate_pem(self) -> bytes:
        self.ensure_key()
        return self._certificate

    def sign(self, message: dict[str, Any], version: str = "1") -> str:
        text = string_to_sign(message)
        cache_key = (version, text)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        self.ensure_key()
        if self._key is None:
            digest = hashlib.sha256(text.encode()).digest()
            signature = (digest * (KEY_BYTES // len(digest) + 1))[:KEY_BYTES]
        else:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding

            algorithm = hashes.SHA256() if version == "2" else hashes.SHA1()  # noqa: S303
            signature = self._key.sign(text.encode(), padding.PKCS1v15(), algorithm)
        encoded = base64.b64encode(signature).decode()
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[cache_key] = encoded
        return encoded

    def ensure_key(self) -> None:
        if self._key is not None or self._certificate:
            return
        with self._lock:
            if self._key is None and not self._certificate:
                self._make_key()

    def _make_key(self) -> None:
        try:
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import rsa
            from cryptography.x509.oid import NameOID
        except ImportError:
            self._certificate = b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
            return
        key_path = self._key_dir / "signing-key.pem"
        cert_path = self._key_dir / "signing-cert.pem"
        if key_path.exists() and cert_path.exists():
            self._key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            self._certificate = cert_path.read_bytes()
            return
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BYTES * 8)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = dt.datetime.now(dt.UTC)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                       .public_key(key.public_key()).serial_number(x509.random_serial_number())
                       .not_valid_before(now - dt.timedelta(days=1))
                       .not_valid_after(now + dt.timedelta(days=3650))
                       .sign(key, hashes.SHA256()))
        self._key_dir.mkdir(parents=True, exist_ok=True)
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        self._key = key
        self._certificate = cert_path.read_bytes()
