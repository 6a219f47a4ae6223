"""HTTP routes any deployment can serve (calendar feeds), independent of the chat platform."""
