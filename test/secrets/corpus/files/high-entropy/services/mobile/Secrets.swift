enum Secrets {
    static let analyticsKey = "a15552fa51fb37117fbc3ebed7137357"
    static let apiToken = "F6jZIuqwa6vqLixVvSl3L3aX3WHZAhW9"
    static let bundleId = "net.acme.shop"
}
