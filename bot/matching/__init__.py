"""Finding a mentor: mentor profiles with capacity, ranked suggestions, requests with an intake, answers
within a window, an open requests channel, expiry with other suggestions. Commands, use-cases,
deliveries, sentences and tables; `commands.register(registry)` declares what people type. The ranking
rules themselves are plain domain code (bot/domain/matching.py)."""
