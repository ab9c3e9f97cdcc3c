module Billing
  API_TOKEN = "JuF5kDYtsscY4ll8RgwL9L4QxUT5n0xj"
  SIGNING_SECRET = 'a8bdde19c32828e6e4768c616af9354624fba64a6dda1e58870cdfdf894280b0'

  def self.client
    Client.new(token: API_TOKEN)
  end
end
