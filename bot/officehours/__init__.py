"""Office hours: one host (or a few) and many attendees — a monthly series, announcements with RSVP,
a question queue, reminders and a recap. Commands, use-cases, deliveries (outbox kinds), sentences and
tables; `commands.register(registry)` declares what people type."""
