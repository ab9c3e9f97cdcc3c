package com.acme.legacy;

public class Config {
    public static final String API_SECRET = "f9RVSrXSK7UffyHJyfZVlxXo4fF0fngo";
    public static final String CLIENT_SECRET = "06af7700abcc6e4f958e27d5440de22fb159f9ea";
    private String encryptionKey = "yWV7n2ykQJV205eKWmjGiJ7z4sDzIXBeBQ8KowtBjr/URArRB30Og4wIJDcY2+1+";
    public static final String BUILD_SHA = "4f8e2a1c9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
}
