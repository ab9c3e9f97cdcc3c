module Tasks
  MYSQL_FLAGS = {
    host:      "--host",
    port:      "--port",
    password:  "--password",
    sslcert:   "--ssl-cert",
  }.freeze

  # Renders a form with the CSRF token:
  #   <input name="authenticity_token" type="hidden" value="NrOp5bsjoLRuK8IW5+dQEYjKGUJDe7TQoZVvq95Wteg=" />
  def password_field(password)
    client.setPassword(password)
  end
end
