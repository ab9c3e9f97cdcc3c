package config

const (
	nugetApiKey = "oy2j8kr4o84tdh40pej4l0bgmo7k1evulex5gibw1sllz9"
	dockerhubToken = "dckr_pat_0RGL66zRuGtPpIhZt9MOE9amWI6"
	cargoRegistryToken = "cioMEIPFgKlu7owVRJMNoA101jZnkSfFumK"
)
