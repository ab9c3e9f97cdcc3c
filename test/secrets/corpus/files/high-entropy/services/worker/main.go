package main

import "os"

var (
	signingKey = []byte("2c5b8119ccbf37e73af39183bf82625408cccc8f422b4a08ecfe21e16cc18868")
	apiToken   = os.Getenv("API_TOKEN")
)

func dbPassword() string {
	if v := os.Getenv("DB_PASSWORD"); v != "" {
		return v
	}
	return "Meadow-orchid-598"
}
