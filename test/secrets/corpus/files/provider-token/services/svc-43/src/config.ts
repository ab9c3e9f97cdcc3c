// Runtime configuration
export const config = {
  region: 'eu-west-1',
  alibabaCloudAccessKeyId: 'LTAIAlh6acDwjRPEqRfrPx4k',
  digitaloceanAccessToken: 'dop_v1_0eff5ae2a86d5b1bdd39a42e2a90fd06a4e8b21d5bb3bb47b31de350501275ee',
  azureClientSecret: 'wbK3Q~k.o8IwZyz9W4Mk~8ko2c.nFLTQv2iZ1xbn',
  timeoutMs: 5_000,
};
