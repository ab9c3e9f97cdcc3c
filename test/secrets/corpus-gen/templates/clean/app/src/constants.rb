module Constants
  PASSWORD_MIN_LENGTH = 12
  TOKEN_TTL_SECONDS = 3600
  SECRET_ROTATION_DAYS = 90
  API_KEY_HEADER = "X-Api-Key"
  PASSWORD_REGEX = /\A(?=.*\d)(?=.*[a-z]).{12,}\z/
end
