module Billing
  API_TOKEN = "F3W94ke3gyXVfIGyGLnRK92NbJNBS3wg"
  SIGNING_SECRET = '244780065df28a99e66922d439d62eebf7391897c2ace9105a2045fd1037e740'

  def self.client
    Client.new(token: API_TOKEN)
  end
end
