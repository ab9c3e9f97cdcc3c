package com.acme.legacy;

public class Config {
    public static final String API_SECRET = "i34BCsQNEx5kMDMPJ4tLqSFkKkhXHa9H";
    public static final String CLIENT_SECRET = "073f2033d10b7cb7a227a00e45cdfa551e67a516";
    private String encryptionKey = "X4ct8KwtDDS1e3txR0l+EPgUsHa/1djh1rsAXFl2AOv6guSl+in+J250/SRCFY6Y";
    public static final String BUILD_SHA = "4f8e2a1c9b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f";
}
