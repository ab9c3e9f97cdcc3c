package config

const (
	nugetApiKey = "oy2yf39tjdysxpbqey2aq31d15tapxvx7qlgdp2g1kyua8"
	dockerhubToken = "dckr_pat_kuUEKeOrhFQZg_SrbWqQkE_r6CE"
	cargoRegistryToken = "ciouwMrDICXIiqxri8V7MuTLHmjoSMa60wz"
)
