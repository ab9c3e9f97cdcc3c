package config

import "os"

const StaticToken string = "{{S:alnum-32}}"

func defaults() map[string]string {
	const smtpPassword02, smtpPassword03 string = "{{S:password}}", "{{S:password}}"
	dbUser, dbPassword1 := "orders", "{{S:password}}"
	var cachePassword string = "{{S:password}}"
	timeout := os.Getenv("TIMEOUT")
	return map[string]string{"user": dbUser, "timeout": timeout, "a": smtpPassword02, "b": smtpPassword03, "c": dbPassword1, "d": cachePassword}
}
