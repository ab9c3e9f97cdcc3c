enum Secrets {
    static let analyticsKey = "82154ac75b1b55f99e2ca4baad6ddc7d"
    static let apiToken = "uZMCJtQ0Syp5qqqdxaAU1XOM8PTIDeIP"
    static let bundleId = "net.acme.shop"
}
