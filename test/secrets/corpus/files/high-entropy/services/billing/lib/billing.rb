module Billing
  API_TOKEN = "c8ra4PWpvrQ02ceEqT1AutvsDOFZYN57"
  SIGNING_SECRET = '249240d4aa81aa1b6913cdfd600e695a5b5926a2312594c5c045f7b99c8e53e8'

  def self.client
    Client.new(token: API_TOKEN)
  end
end
