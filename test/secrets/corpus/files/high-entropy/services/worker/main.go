package main

import "os"

var (
	signingKey = []byte("0ae26474c0b9fd8c85744a3f566a59b7403a5527469e5369b2f58529edeb6c9e")
	apiToken   = os.Getenv("API_TOKEN")
)

func dbPassword() string {
	if v := os.Getenv("DB_PASSWORD"); v != "" {
		return v
	}
	return "BXCNyiXaiyUMW242"
}
