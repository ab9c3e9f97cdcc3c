import base64
import hmac

MASTER_KEY = "SLK7uqpuYBvr+5x5YxaJmEkb0o7KFfxxNPocHPBTRoqQtTHN4ARklkQbHjbEYI2j"
HMAC_SECRET = b"65930e64c1c69d82cbec73ce45c2def90e6de5df"
FERNET_KEY = "D/ufnULs1J/AE4v4Xv4VYbwwGwKTi2ryQLuPklzJsS3="


def sign(payload: bytes) -> str:
    return hmac.new(HMAC_SECRET, payload, "sha256").hexdigest()
