"""Calendars: a private .ics feed per person and an "add to calendar" file with each announcement.

`commands.register(router, …)` wires the `/mentor calendar` commands; `attach.wrap_handlers` adds the
one-occurrence .ics to the check-in and office-hours announcements."""
