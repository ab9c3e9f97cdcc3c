Rails.application.config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "{{S:hex-128:app-config}}")
Rails.application.config.api_token = ENV.fetch("API_TOKEN", "{{S:alnum-32}}")
