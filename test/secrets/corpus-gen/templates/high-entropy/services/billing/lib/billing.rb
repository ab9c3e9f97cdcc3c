module Billing
  API_TOKEN = "{{S:alnum-32}}"
  SIGNING_SECRET = '{{S:hex-64}}'

  def self.client
    Client.new(token: API_TOKEN)
  end
end
