package com.acme.legacy;

public class Config {
    public static final String API_SECRET = "gBGdJ5r0hExCAExpaKkItyfYXnRX9iQR";
    public static final String CLIENT_SECRET = "49e66855f1055bf6d652f8fa3c78d20fc41eb5ad";
    private String encryptionKey = "gS8pbXQreNbcKEKkl8NfRWh+3iIN2EZNOYGq+Zag7LrCgAhz3ZRmOsGwPWSJiqOb";
    public static final String BUILD_SHA = "4f8e2a1c9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
}
