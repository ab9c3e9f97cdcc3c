enum Secrets {
    static let analyticsKey = "cbec73ce45c2def90e6de5df7f513b94"
    static let apiToken = "ZI9zD2v3Vv2TXavvFvJSi0rxPKtNklzI"
    static let bundleId = "net.acme.shop"
}
