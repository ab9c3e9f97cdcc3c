package config

const (
	gitlabToken = "glpat-Sggh6oBtoWXc9AUYVjJP"
	githubAppInstallationToken = "ghs_FQ3SfSuhYHF4ZpJIEJ8NahTY7KpWDBxuDbzA"
	githubOauthToken = "gho_3IzwZkBpneab77GHnUzeuePzg5f9Yh7e9r97"
)
