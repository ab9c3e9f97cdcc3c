from django.contrib.auth.hashers import make_password

HASHER = "argon2"
ALGORITHM = "pbkdf2_sha256$"  # prefix only
BCRYPT_PREFIX = "$2b$"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def hash_password(raw: str) -> str:
    return make_password(raw)
