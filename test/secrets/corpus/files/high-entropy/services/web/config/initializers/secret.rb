Rails.application.config.secret_key_base = ENV.fetch("SECRET_KEY_BASE", "62e38b7084eaccb95c1b55ab1df0d765496915389e17a0b07c2a5a72b8aef23ddb28db41832df8381e60abfd5acd9c99bd9d8d6d5b43e31624ba09b20789707e")
Rails.application.config.api_token = ENV.fetch("API_TOKEN", "DJ4qW1Wusd86SZa2OIJ8wd8dUXWufMKj")
