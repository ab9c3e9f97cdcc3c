package main

import "os"

var (
	signingKey = []byte("5a2045fd1037e7402ee774ba76e2979a9e494b82921c80f8073f2033d10b7cb7")
	apiToken   = os.Getenv("API_TOKEN")
)

func dbPassword() string {
	if v := os.Getenv("DB_PASSWORD"); v != "" {
		return v
	}
	return "Copper-falcon-460"
}
