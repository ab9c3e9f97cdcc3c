import base64
import hmac

MASTER_KEY = "sS3Kq6CH928DWEgJc2iRhdgEoMS3vuZu/z8Rz5es4tjgdhj5+/6IMTspDGC6aqQy"
HMAC_SECRET = b"139af537e6dc40d0d523b3f2b85bc5bf5ec53736"
FERNET_KEY = "bvVJp7uwKJce64ZSVxR31diZIZUEamFUwnF02KBk6mJ="


def sign(payload: bytes) -> str:
    return hmac.new(HMAC_SECRET, payload, "sha256").hexdigest()
