// Runtime configuration
export const config = {
  region: 'eu-west-1',
  googleRefreshToken: '1//0gyCnuNH2_zh91LsHXTq2zhX1MlyWVw86_mkcoy7FzATTGf2EawKqVq5hczdJG',
  azureClientSecret: 'rsN5Q~p57K-Xk7ex2gYhVMinxjgKec6H2xw-uIHs',
  digitaloceanAccessToken: 'dop_v1_c57e683b22fd87022903dfd028794bdcf3372c3d23291c71bd7eec27c4c17860',
  timeoutMs: 5_000,
};
