package config

const (
	sentryAuthToken = "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"
	grafanaToken = "glsa_P1FrUemkJDHKKsjhfgChehnnVplehMP9_db083c63"
	artifactoryApiKey = "AKCpXD4Nxne2E8Sy71Z3bUPDB1wYrKicZbDb1q6BBxR4rbeHooS4f9OxzZueCIypapOyqIQFk"
)
