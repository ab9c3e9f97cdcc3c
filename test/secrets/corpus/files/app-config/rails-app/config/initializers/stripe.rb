Rails.configuration.stripe = {
  publishable_key: ENV["STRIPE_PUBLISHABLE_KEY"],
  secret_key: "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"
}
Stripe.api_key = Rails.configuration.stripe[:secret_key]
