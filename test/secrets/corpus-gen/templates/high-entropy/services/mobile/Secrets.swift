enum Secrets {
    static let analyticsKey = "{{S:hex-32}}"
    static let apiToken = "{{S:alnum-32}}"
    static let bundleId = "net.acme.shop"
}
