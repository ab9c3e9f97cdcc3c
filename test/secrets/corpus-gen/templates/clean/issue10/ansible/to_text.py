def get_token(password):
    return to_text(password, errors='surrogate_or_strict', nonstring='passthru') or ''


def get_encrypted_password(password, hashtype='sha512', salt=None, salt_size=None, rounds=None):
    return do_encrypt(password, hashtype, salt=salt)
