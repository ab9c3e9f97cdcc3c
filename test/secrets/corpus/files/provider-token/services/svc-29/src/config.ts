// Runtime configuration
export const config = {
  region: 'eu-west-1',
  duffelAccessToken: 'duffel_live_KeIhX1yE1JN448OFZTd0QYHOQtRh6xsIEzpemcGvIMZ',
  easypostApiKey: 'EZAKEhumQ9XJuk99J1tl2dbk4WvJlj1wFCTAjG5R33XptBr8aBYh8sAI7M',
  openshiftToken: 'sha256~jH4voJCq67ZnH1cRKV2YbQNwA_qYVXzwvywb6tFtdoW',
  timeoutMs: 5_000,
};
