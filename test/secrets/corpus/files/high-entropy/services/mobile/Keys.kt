package net.acme.shop

object Keys {
    const val API_SECRET = "VYvsdujJNoOH+I/S3rgRSAsm4xjkGlChFOR7sWrtTepaXCKV4pMXHY9seewajgYj"
    val sessionKey = "5ee6001a6df91f22dd036fb9b98a9f5827d92c74b1f22ef65743c405b2345e2e"
}
