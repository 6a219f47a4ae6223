"""Pure rules: recurrence, dates, states, permissions. Standard library and dateutil only."""
