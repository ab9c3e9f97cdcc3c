Rails.application.config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "bb0b413f9bc5e306706090daad198bbc41520016e17113dd7913e0cdd8ed891c49ae290dc11b8b4e0442cdc04940c63ecfdf3eeda083f5cc5923c327849c2dba")
Rails.application.config.api_token = ENV.fetch("API_TOKEN", "8dSCvNvVy2nJALmFZYdaiF6nalc5JZXb")
