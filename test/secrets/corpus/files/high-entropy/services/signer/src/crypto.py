import base64
import hmac

MASTER_KEY = "Gi5a5KNCEbZy24LPsgFmOg1fkITWnvR/w8fra5XX54vo2bsHOSq435+dXvqMYHot"
HMAC_SECRET = b"f7d66af2f39f6163265fe7b1b7c18cc7f96e1772"
FERNET_KEY = "Oi0EADZyhDvGY9XMOk+J3G78XpZtkmcRgOiueiDcP3J="


def sign(payload: bytes) -> str:
    return hmac.new(HMAC_SECRET, payload, "sha256").hexdigest()
