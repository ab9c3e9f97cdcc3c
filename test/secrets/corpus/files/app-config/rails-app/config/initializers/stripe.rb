Rails.configuration.stripe = {
  publishable_key: ENV["STRIPE_PUBLISHABLE_KEY"],
  secret_key: "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"
}
Stripe.api_key = Rails.configuration.stripe[:secret_key]
