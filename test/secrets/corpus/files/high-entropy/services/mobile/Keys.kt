package net.acme.shop

object Keys {
    const val API_SECRET = "l8NfRWh+3iIN2EZNOYGq+Zag7LrCgAhz3ZRmOsGwPWSJiqObJTb0Aa8Q9jghXvS4"
    val sessionKey = "1af2c0a8f2f8f3584981cd9266528637467a719d8560cfa6db8cf27120071283"
}
