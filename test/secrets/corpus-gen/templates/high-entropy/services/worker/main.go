package main

import "os"

var (
	signingKey = []byte("{{S:hex-64}}")
	apiToken   = os.Getenv("API_TOKEN")
)

func dbPassword() string {
	if v := os.Getenv("DB_PASSWORD"); v != "" {
		return v
	}
	return "{{S:password:app-config}}"
}
