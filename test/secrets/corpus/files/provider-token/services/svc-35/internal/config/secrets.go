package config

const (
	sentryAuthToken = "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"
	grafanaToken = "glsa_LIVjU8gJxJtCSSsTF31xvCHoVaM9djP7_a2423f2b"
	artifactoryApiKey = "AKCpzYW7UJZk79Wi3qkuSbka858x7z5oQ7IfZjoTDvv2cNLKBjNw0Zj6m1ijhr7YC3ObWHJIb"
)
