package config

const (
	nugetApiKey = "oy2snwyrtgpt1xrw6hnhvf4bvcfi6bguen8tlq8f7ibdt5"
	dockerhubToken = "dckr_pat_i_YXnhEdVDQYxWx7mMRnkJGKtgn"
	cargoRegistryToken = "cioLq7KVs3ar73ZbI6Fk8IKZ4bb3j9o98iR"
)
