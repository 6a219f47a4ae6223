"""Program insight for community managers: the health of one workspace's program (read side), the
"nudge both" use-case, CSV export and the chat digest. Dates, states and counts only — never what people
wrote (status updates, takeaways, reflections, goals)."""
