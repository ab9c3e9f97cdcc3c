import base64
import hmac

MASTER_KEY = "{{S:base64-48}}"
HMAC_SECRET = b"{{S:hex-40}}"
FERNET_KEY = "{{S:base64-32}}"


def sign(payload: bytes) -> str:
    return hmac.new(HMAC_SECRET, payload, "sha256").hexdigest()
