// Runtime configuration
export const config = {
  region: 'eu-west-1',
  googleRefreshToken: '1//05lX6CnSy_oF66VXLVfRcgI1fkFV8YP-93s1SKQowTAO9Hhqad2zEKnla1OUlv',
  azureClientSecret: 'Lof8Q~JZAvyr3StgIffYPQwSmlBg~uY_4wky8EMQ',
  digitaloceanAccessToken: 'dop_v1_ab996b9126e677e9c7f7c5b97b83310cd6066439c8c003ed0a5b59d302bb658c',
  timeoutMs: 5_000,
};
