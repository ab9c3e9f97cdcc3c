package com.acme.legacy;

public class Config {
    public static final String API_SECRET = "{{S:alnum-32}}";
    public static final String CLIENT_SECRET = "{{S:hex-40}}";
    private String encryptionKey = "{{S:base64-48}}";
    public static final String BUILD_SHA = "4f8e2a1c9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
}
