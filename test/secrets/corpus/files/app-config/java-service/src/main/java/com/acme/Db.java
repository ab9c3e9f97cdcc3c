package com.acme;

import java.sql.Connection;
import java.sql.DriverManager;

public final class Db {
    private static final String URL = "jdbc:mysql://legacy-db.acme-internal.net:3306/erp?user=erp&password=velvet55Ember&useSSL=false";
    private static final String ADMIN_PASSWORD = "DBxAEFTowAZAUioV";

    public static Connection open() throws Exception {
        return DriverManager.getConnection(URL);
    }
}
