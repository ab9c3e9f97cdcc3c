package config

import "os"

const StaticToken string = "2gaZniJuNdCOsVXKhIglrnFjdObYNjuA"

func defaults() map[string]string {
	const smtpPassword02, smtpPassword03 string = "WY!kpKQdv_2m*Fsq", "heCFifzHaj~1!USU"
	dbUser, dbPassword1 := "orders", "hPDuJkRHPL4Cs65Pa6p03Lwx"
	var cachePassword string = "sG2CvcsGdNJkzYV6HcjnnjFk"
	timeout := os.Getenv("TIMEOUT")
	return map[string]string{"user": dbUser, "timeout": timeout, "a": smtpPassword02, "b": smtpPassword03, "c": dbPassword1, "d": cachePassword}
}
