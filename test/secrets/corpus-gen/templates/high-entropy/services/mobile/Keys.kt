package net.acme.shop

object Keys {
    const val API_SECRET = "{{S:base64-48}}"
    val sessionKey = "{{S:hex-64}}"
}
