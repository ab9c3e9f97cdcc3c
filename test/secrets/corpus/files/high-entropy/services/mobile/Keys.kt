package net.acme.shop

object Keys {
    const val API_SECRET = "D+SXn4U51DfpDpwDH8k0Jurwa7wrNiyWwTl5M4aY5XI1BhX/SLK7uqpuYBvr+5x5"
    val sessionKey = "c5083720d3e971559a308a6ba34a4b89e6a222a08207c8d265930e64c1c69d82"
}
