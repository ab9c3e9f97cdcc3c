Rails.application.config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "a89f50f0bcc51a9224d9722a87042de697fcd7f0243c9c0e3bfeebd487d5381038ecbd8a5c383cf33ca26ba58972b65443b13a4728712bd1d44d42fe6fb5f3c0")
Rails.application.config.api_token = ENV.fetch("API_TOKEN", "XzXCEZ7o1Pn0egP9210f6HIHnsqk7GMy")
