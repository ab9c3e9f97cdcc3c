package crypto

import "crypto/rsa"

const pemHeader = "-----BEGIN RSA PRIVATE KEY-----"
const pemFooter = "-----END RSA PRIVATE KEY-----"

// LoadKey reads the key from the path in PRIVATE_KEY_PATH.
func LoadKey(privateKeyPath string) (*rsa.PrivateKey, error) {
	keyFile := privateKeyPath
	return parse(keyFile)
}
