// Runtime configuration
export const config = {
  region: 'eu-west-1',
  googleRefreshToken: '1//0gS0X-omFkXn1kniNeXFfU1F64XlEXrYeFIAdzAkfF2dCVK-rqYWmsx6dOJCKK',
  azureClientSecret: 'YV26Q~S.B38m~YMbfOHAksm~WEQHAk~pLsNBdp-M',
  digitaloceanAccessToken: 'dop_v1_2f9df8b8520184acbf2711d8b3c0b78f53fee4d5b4995389038d9bf57057c91d',
  timeoutMs: 5_000,
};
