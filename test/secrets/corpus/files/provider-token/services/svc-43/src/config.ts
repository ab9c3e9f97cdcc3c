// Runtime configuration
export const config = {
  region: 'eu-west-1',
  alibabaCloudAccessKeyId: 'LTAI3AMkMFJsnw3xPf07NuoP',
  digitaloceanAccessToken: 'dop_v1_8d3091cbff035fc67be3f77e0d3a03296a5ebe9644abfd828fad805b867348f5',
  azureClientSecret: 'J8c6Q~78LKXLL2I_v5GvDolC6GnEXLCgzYk~mYmB',
  timeoutMs: 5_000,
};
