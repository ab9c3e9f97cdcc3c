package com.acme;

public final class Crypto {
    private static final String ALGORITHM = "AES/GCM/NoPadding";
    private static final String KEY_ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int KEY_LENGTH = 256;
    private final String secretKeyEnv = "APP_SECRET_KEY";
    private final String password;

    public Crypto(String password) {
        this.password = password;
    }
}
