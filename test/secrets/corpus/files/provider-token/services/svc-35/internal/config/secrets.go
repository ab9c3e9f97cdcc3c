package config

const (
	npmToken = "npm_6UyET5p8CE2aZnNbpiLyNw2R5MzrpPR7ZFkH"
	flwSecretKey = "FLWSECK-fad805b867348f59f0aee88b99d8f5e7-X"
	plaidAccessToken = "access-production-57326e73-7b96-416c-8f2c-364b74ca8871"
)
