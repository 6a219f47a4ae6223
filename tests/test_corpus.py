"""The phrasing corpus: what people type to calendar quick-add, reminder bots and scheduling assistants,
each with the one reading it must get — or ASK (a question with options) or REFUSED (a reply that quotes
it and shows what works). A silent wrong reading fails here.

The speaker is in Europe/Berlin; "now" is Monday 30 Nov 2026, 09:00 there (08:00 UTC). One table per
group; the totals are checked at the end (at least 300 phrasings).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import command_registry
from bot.domain.dates import parse_date, read_local_datetime
from bot.domain.errors import AskBack, ParseError
from bot.domain.phrases import MENTION_MARK, read_action, read_pause_until, read_reschedule, read_snooze
from bot.domain.recurrence import parse_recurrence
from bot.domain.timeparse import Invalid, read_leads
from bot.interactions.grammar import mark_mentions
from bot.interactions.vocabulary import actions_sub, mentor_sub
from bot.services.zonenames import name_trailing_zone, resolve_zone

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
BERLIN = ZoneInfo("Europe/Berlin")
ASK = "asks back"
REFUSED = "refused"

CADENCES = [
    ("every monday at 8am", "every week on Monday at 08:00 (Europe/Berlin), 30 min"),
    ("every 6 weeks on fridays at 3", "every 6 weeks on Friday at 15:00 (Europe/Berlin), 30 min"),
    ("every week on tuesday at 10:00", "every week on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every tuesday at 10", "every week on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every tuesday 4-5pm", "every week on Tuesday at 16:00 (Europe/Berlin), 1 h"),
    ("tuesdays at 4", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("tuesdays at 4pm", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("on tuesdays at 16:00", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("weekly on tuesday at 4pm", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("weekly on tue 10am", "every week on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("weekly tuesday 10am", "every week on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every 2 weeks on tue 10am", "every 2 weeks on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every two weeks on thursday at 16:30", "every 2 weeks on Thursday at 16:30 (Europe/Berlin), 30 min"),
    ("every other thursday at 10", "every 2 weeks on Thursday at 10:00 (Europe/Berlin), 30 min"),
    ("every other week on monday at 9:30", "every 2 weeks on Monday at 09:30 (Europe/Berlin), 30 min"),
    ("biweekly on tuesdays 4pm", "every 2 weeks on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("bi-weekly on wednesday at 2pm", "every 2 weeks on Wednesday at 14:00 (Europe/Berlin), 30 min"),
    ("fortnightly on friday at 11am", "every 2 weeks on Friday at 11:00 (Europe/Berlin), 30 min"),
    ("every fortnight on monday at 9", "every 2 weeks on Monday at 09:00 (Europe/Berlin), 30 min"),
    ("every 3 weeks on wednesday at 5pm", "every 3 weeks on Wednesday at 17:00 (Europe/Berlin), 30 min"),
    ("every 4 weeks on thursday 15:00", "every 4 weeks on Thursday at 15:00 (Europe/Berlin), 30 min"),
    (
        "monthly on the first thursday at 17:00",
        "every month on the first Thursday at 17:00 (Europe/Berlin), 30 min",
    ),
    (
        "monthly on the first thursday at 5pm",
        "every month on the first Thursday at 17:00 (Europe/Berlin), 30 min",
    ),
    (
        "first monday of every month at 9am",
        "every month on the first Monday at 09:00 (Europe/Berlin), 30 min",
    ),
    ("first monday of the month at 9am", "every month on the first Monday at 09:00 (Europe/Berlin), 30 min"),
    ("every first monday at 9", "every month on the first Monday at 09:00 (Europe/Berlin), 30 min"),
    (
        "the last friday of the month at 4pm",
        "every month on the last Friday at 16:00 (Europe/Berlin), 30 min",
    ),
    (
        "last friday of every month at 16:00",
        "every month on the last Friday at 16:00 (Europe/Berlin), 30 min",
    ),
    ("monthly on the last friday at 3pm", "every month on the last Friday at 15:00 (Europe/Berlin), 30 min"),
    ("monthly on the 15th at 9", "every month on the 15th at 09:00 (Europe/Berlin), 30 min"),
    ("every month on the 1st at 9", "every month on the 1st at 09:00 (Europe/Berlin), 30 min"),
    (
        "monthly on the 1st and 15th at 10am",
        "every month on the 1st and 15th at 10:00 (Europe/Berlin), 30 min",
    ),
    ("on the 15th of every month at noon", "every month on the 15th at 12:00 (Europe/Berlin), 30 min"),
    (
        "every month on the 31st at 10",
        "every month on the 31st (or the last day of shorter months) at 10:00 (Europe/Berlin), 30 min",
    ),
    ("once a month", "every month on the 1st at 10:00 (Europe/Berlin), 30 min"),
    ("monthly", "every month on the 1st at 10:00 (Europe/Berlin), 30 min"),
    ("every 2 months on the 1st at 10am", "every 2 months on the 1st at 10:00 (Europe/Berlin), 30 min"),
    ("quarterly on the 1st at 10am", "every 3 months on the 1st at 10:00 (Europe/Berlin), 30 min"),
    ("every weekday at 9", "every weekday (Monday to Friday) at 09:00 (Europe/Berlin), 30 min"),
    ("weekdays at 9:15", "every weekday (Monday to Friday) at 09:15 (Europe/Berlin), 30 min"),
    ("every weekday at 9am", "every weekday (Monday to Friday) at 09:00 (Europe/Berlin), 30 min"),
    ("every day at 8:30", "every day at 08:30 (Europe/Berlin), 30 min"),
    ("daily at 5pm", "every day at 17:00 (Europe/Berlin), 30 min"),
    ("daily at 17:30", "every day at 17:30 (Europe/Berlin), 30 min"),
    ("every mon and wed at 17:30", "every week on Monday and Wednesday at 17:30 (Europe/Berlin), 30 min"),
    ("mondays and thursdays at 6pm", "every week on Monday and Thursday at 18:00 (Europe/Berlin), 30 min"),
    (
        "every monday, wednesday and friday at 7am",
        "every week on Monday, Wednesday and Friday at 07:00 (Europe/Berlin), 30 min",
    ),
    ("every tue & thu at 12:30", "every week on Tuesday and Thursday at 12:30 (Europe/Berlin), 30 min"),
    ("every week on friday at 3pm for an hour", "every week on Friday at 15:00 (Europe/Berlin), 1 h"),
    ("every friday at 3pm for 45 minutes", "every week on Friday at 15:00 (Europe/Berlin), 45 min"),
    ("weekly on thursdays 16:30-17:15", "every week on Thursday at 16:30 (Europe/Berlin), 45 min"),
    ("every wednesday 10-11am", "every week on Wednesday at 10:00 (Europe/Berlin), 1 h"),
    ("every wednesday from 10 to 11am", "every week on Wednesday at 10:00 (Europe/Berlin), 1 h"),
    ("every monday at noon", "every week on Monday at 12:00 (Europe/Berlin), 30 min"),
    ("every friday at noon for 1h30", "every week on Friday at 12:00 (Europe/Berlin), 1 h 30 min"),
    ("let's meet every tuesday at 4pm please", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("every tuesday at 4 p.m.", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("every Tuesday at 4 PM", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("every tues at 4pm", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    ("every thurs. at 10am", "every week on Thursday at 10:00 (Europe/Berlin), 30 min"),
    ("each friday 3:30", "every week on Friday at 15:30 (Europe/Berlin), 30 min"),
    ("every saturday morning at 10", "every week on Saturday at 10:00 (Europe/Berlin), 30 min"),
    ("weekly", "every week on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every 2 weeks", "every 2 weeks on Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every second tuesday", ASK),
    ("every 2nd tuesday at 4pm", ASK),
    ("every third friday", ASK),
    ("twice a month", REFUSED),
    ("twice a week", REFUSED),
    ("every year on march 1", REFUSED),
    ("every hour", REFUSED),
    ("hourly", REFUSED),
    ("every 2 days at 9", "every 2 days at 09:00 (Europe/Berlin), 30 min"),
    ("every blue moon", REFUSED),
    ("on 2026-12-03 at 15:00", "once on Thu 3 Dec 2026 at 15:00 (Europe/Berlin), 30 min"),
    ("once on dec 3 at 3pm", "once on Thu 3 Dec 2026 at 15:00 (Europe/Berlin), 30 min"),
    ("once tomorrow at 10:00", "once on Tue 1 Dec 2026 at 10:00 (Europe/Berlin), 30 min"),
    ("tomorrow at 10", "once on Tue 1 Dec 2026 at 10:00 (Europe/Berlin), 30 min"),
    ("next friday at 3pm", ASK),
    ("every monday at 25:00", REFUSED),
    ("every monday at 8am and 9am", REFUSED),
    ("every 60 weeks on monday", REFUSED),
    ("every weekend at 10am", "every week on Saturday and Sunday at 10:00 (Europe/Berlin), 30 min"),
    ("every sunday at 8pm", "every week on Sunday at 20:00 (Europe/Berlin), 30 min"),
    ("sundays 20:00", "every week on Sunday at 20:00 (Europe/Berlin), 30 min"),
    ("every monday 7:30am", "every week on Monday at 07:30 (Europe/Berlin), 30 min"),
    ("every monday at 07:30", "every week on Monday at 07:30 (Europe/Berlin), 30 min"),
    ("every monday at 1", "every week on Monday at 13:00 (Europe/Berlin), 30 min"),
    ("every monday at 6:30", "every week on Monday at 18:30 (Europe/Berlin), 30 min"),
    ("every monday at 7", "every week on Monday at 07:00 (Europe/Berlin), 30 min"),
    ("every monday at 9am America/New_York", "every week on Monday at 09:00 (America/New_York), 30 min"),
    ("every monday starting next week at 9", "every week on Monday at 09:00 (Europe/Berlin), 30 min"),
    ("every monday at 9 starting jan 4", "every week on Monday at 09:00 (Europe/Berlin), 30 min"),
    ("daily standup at 9:30", "every day at 09:30 (Europe/Berlin), 30 min"),
    ("weekly 1:1 on tuesdays at 4pm", "every week on Tuesday at 16:00 (Europe/Berlin), 30 min"),
    (
        "every 2nd and 4th tuesday at 10",
        "every month on the second and fourth Tuesday at 10:00 (Europe/Berlin), 30 min",
    ),
    ("1st tuesday of each month 10am", "every month on the first Tuesday at 10:00 (Europe/Berlin), 30 min"),
    ("every tuesday evening at 7", "every week on Tuesday at 19:00 (Europe/Berlin), 30 min"),
    ("every saturday morning", "every week on Saturday at 09:00 (Europe/Berlin), 30 min"),
    ("this friday at 3pm", "once on Fri 4 Dec 2026 at 15:00 (Europe/Berlin), 30 min"),
]

# Where a series starts when the phrase says so: (typed, first occurrence in Berlin).
STARTS = [
    ("every monday starting next week at 9", "2026-12-07T09:00"),
    ("every other monday starting dec 14 at 10", "2026-12-14T10:00"),
    ("every monday at 9 starting jan 4", "2027-01-04T09:00"),
    ("monthly on the 1st from january at 9am", "2027-01-01T09:00"),
    ("every tuesday from dec 8 at 4pm", "2026-12-08T16:00"),
    ("every monday from 9 to 10", "2026-12-07T09:00"),
]

# Moving the next check-in, now planned for Wed 2 Dec 16:00 in Berlin: (typed, new start in Berlin).
RESCHEDULES = [
    ("to tomorrow 4pm", "2026-12-01T16:00"),
    ("tomorrow 4pm", "2026-12-01T16:00"),
    ("next session to thursday 3pm", "2026-12-03T15:00"),
    ("the next one to friday at 3", "2026-12-04T15:00"),
    ("our next meeting to fri 10am", "2026-12-04T10:00"),
    ("next to fri 10am", "2026-12-04T10:00"),
    ("it to thursday at 11", "2026-12-03T11:00"),
    ("to thursday", "2026-12-03T16:00"),
    ("thursday", "2026-12-03T16:00"),
    ("to dec 3", "2026-12-03T16:00"),
    ("next tuesday 3pm", ASK),
    ("to next tuesday at 3", ASK),
    ("by a day", "2026-12-03T16:00"),
    ("by 2 days", "2026-12-04T16:00"),
    ("a day later", "2026-12-03T16:00"),
    ("an hour earlier", "2026-12-02T15:00"),
    ("30 minutes later", "2026-12-02T16:30"),
    ("back a week", "2026-12-09T16:00"),
    ("+1d", "2026-12-03T16:00"),
    ("by an hour", "2026-12-02T17:00"),
    ("next week", "2026-12-09T16:00"),
    ("to next week same time", "2026-12-09T16:00"),
    ("tomorrow same time", "2026-12-01T16:00"),
    ("to friday at the same time", "2026-12-04T16:00"),
    ("today at midnight", "2026-12-01T00:00"),
    ("to today 6pm", "2026-11-30T18:00"),
    ("tonight at 8", "2026-11-30T20:00"),
    ("to 1/14 at 10", "2027-01-14T10:00"),
    ("to 3/4 at 10", ASK),
    ("tomorrow 3pm America/New_York", "2026-12-01T21:00"),
    ("in 2 hours", "2026-11-30T11:00"),
    ("to monday next week at 10", "2026-12-07T10:00"),
    ("the day after tomorrow at noon", "2026-12-02T12:00"),
    ("thursday 3", "2026-12-03T15:00"),
    ("thu 15:30", "2026-12-03T15:30"),
    ("to thu @ 3pm", "2026-12-03T15:00"),
    ("someday", REFUSED),
]
CURRENT = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)

# A zone typed after a time, spelled out for the parsers: (typed, what they get, or ASK).
NAMED_ZONES = [
    ("tomorrow 3pm EST", "tomorrow 3pm America/New_York"),
    ("tomorrow 3pm est", "tomorrow 3pm America/New_York"),
    ("every monday at 9am CET", "every monday at 9am Europe/Berlin"),
    ("tomorrow 4pm london time", "tomorrow 4pm Europe/London"),
    ("tomorrow at 9 UTC", "tomorrow at 9 UTC"),
    ("friday 10am (tokyo)", "friday 10am Asia/Tokyo"),
    ("friday 10am PT", "friday 10am America/Los_Angeles"),
    ("tomorrow 5pm IST", ASK),
    ("tomorrow 5pm UTC+2", ASK),
    ("friday 3pm berlin", "friday 3pm berlin"),
    ("every tuesday at 4pm", "every tuesday at 4pm"),
    ("lunch with the team", "lunch with the team"),
]
DATES = [
    ("today", "2026-11-30"),
    ("tomorrow", "2026-12-01"),
    ("tmrw", "2026-12-01"),
    ("day after tomorrow", "2026-12-02"),
    ("friday", "2026-12-04"),
    ("fri", "2026-12-04"),
    ("this friday", "2026-12-04"),
    ("next friday", ASK),
    ("next monday", "2026-12-07"),
    ("next tuesday", ASK),
    ("coming thursday", "2026-12-03"),
    ("monday next week", "2026-12-07"),
    ("next week friday", "2026-12-11"),
    ("friday week", "2026-12-11"),
    ("next week", "2026-12-07"),
    ("weekend", "2026-12-05"),
    ("this weekend", "2026-12-05"),
    ("eod", "2026-11-30"),
    ("end of day", "2026-11-30"),
    ("eow", "2026-12-04"),
    ("end of week", "2026-12-04"),
    ("end of the week", "2026-12-04"),
    ("end of next week", "2026-12-11"),
    ("end of month", "2026-11-30"),
    ("end of the month", "2026-11-30"),
    ("end of next month", "2026-12-31"),
    ("eom", "2026-11-30"),
    ("end of quarter", "2026-12-31"),
    ("end of year", "2026-12-31"),
    ("in 3 days", "2026-12-03"),
    ("in a week", "2026-12-07"),
    ("in two weeks", "2026-12-14"),
    ("in 2 weeks", "2026-12-14"),
    ("in a fortnight", "2026-12-14"),
    ("in a month", "2026-12-30"),
    ("in 3 months", "2027-02-28"),
    ("2 weeks from now", "2026-12-14"),
    ("a week from today", "2026-12-07"),
    ("3 days from tomorrow", "2026-12-04"),
    ("dec 3", "2026-12-03"),
    ("Dec 3rd", "2026-12-03"),
    ("3 dec", "2026-12-03"),
    ("3rd of december", "2026-12-03"),
    ("december 3rd", "2026-12-03"),
    ("december 3, 2026", "2026-12-03"),
    ("3 December 2026", "2026-12-03"),
    ("jan 5", "2027-01-05"),
    ("january 15th", "2027-01-15"),
    ("the 15th", "2026-12-15"),
    ("15th", "2026-12-15"),
    ("1/14", "2027-01-14"),
    ("14/1", "2027-01-14"),
    ("1/14/2027", "2027-01-14"),
    ("14.01.2027", "2027-01-14"),
    ("14.1.", "2027-01-14"),
    ("3/4", ASK),
    ("12/25", "2026-12-25"),
    ("25/12", "2026-12-25"),
    ("6/6", "2027-06-06"),
    ("2026-12-03", "2026-12-03"),
    ("2027/01/14", "2027-01-14"),
    ("june", "2027-06-30"),
    ("by june", "2027-06-30"),
    ("march", "2027-03-31"),
    ("end of june", "2027-06-30"),
    ("dec 2027", "2027-12-31"),
    ("feb 29", "2028-02-29"),
    ("feb 30", REFUSED),
    ("13/13", REFUSED),
    ("yesterday", REFUSED),
    ("someday", REFUSED),
    ("next year", REFUSED),
    ("next mon", "2026-12-07"),
    ("this coming friday", "2026-12-04"),
    ("the 3rd", "2026-12-03"),
    ("dec. 3", "2026-12-03"),
    ("tuesday the 8th", "2026-12-08"),
    ("tue 8 dec", "2026-12-08"),
    ("friday, december 4", "2026-12-04"),
    ("friday the 5th", REFUSED),
    ("the 8th of december", "2026-12-08"),
    ("8th dec", "2026-12-08"),
    ("in 10 days", "2026-12-10"),
    ("end of this week", "2026-12-04"),
    ("before the end of the week", "2026-12-04"),
    ("mid december", REFUSED),
]
DATETIMES = [
    ("tomorrow 4pm", "2026-12-01T16:00"),
    ("tomorrow at 4pm", "2026-12-01T16:00"),
    ("tomorrow at 4", "2026-12-01T16:00"),
    ("tomorrow at 16:00", "2026-12-01T16:00"),
    ("4pm tomorrow", "2026-12-01T16:00"),
    ("at 3 tomorrow", "2026-12-01T15:00"),
    ("thursday 3pm", "2026-12-03T15:00"),
    ("thursday at 3", "2026-12-03T15:00"),
    ("fri 10am", "2026-12-04T10:00"),
    ("friday at 9:30", "2026-12-04T09:30"),
    ("friday 9.30", "2026-12-04T09:30"),
    ("friday at 930", "2026-12-04T09:30"),
    ("wednesday noon", "2026-12-02T12:00"),
    ("noon on wednesday", "2026-12-02T12:00"),
    ("tomorrow at noon", "2026-12-01T12:00"),
    ("tomorrow at midnight", ASK),
    ("today at midnight", "2026-12-01T00:00"),
    ("midnight", "2026-12-01T00:00"),
    ("friday at midnight", ASK),
    ("tonight at 8", "2026-11-30T20:00"),
    ("tonight at 8pm", "2026-11-30T20:00"),
    ("this evening at 7", "2026-11-30T19:00"),
    ("tomorrow morning", "2026-12-01T09:00"),
    ("tomorrow afternoon", "2026-12-01T14:00"),
    ("friday afternoon", "2026-12-04T14:00"),
    ("tomorrow evening", "2026-12-01T18:00"),
    ("eod", "2026-11-30T17:00"),
    ("4pm", "2026-11-30T16:00"),
    ("6pm", "2026-11-30T18:00"),
    ("8am", ASK),
    ("in 2 hours", "2026-11-30T11:00"),
    ("in 30 minutes", "2026-11-30T09:30"),
    ("in an hour", "2026-11-30T10:00"),
    ("in 90 min", "2026-11-30T10:30"),
    ("tomorrow 4-5pm", "2026-12-01T16:00"),
    ("tomorrow from 3 to 4pm", "2026-12-01T15:00"),
    ("dec 3 at 15:00", "2026-12-03T15:00"),
    ("dec 3 at 3pm", "2026-12-03T15:00"),
    ("3 dec 15:00", "2026-12-03T15:00"),
    ("on dec 3 at 3pm", "2026-12-03T15:00"),
    ("1/14 at 10", "2027-01-14T10:00"),
    ("14/1 at 10am", "2027-01-14T10:00"),
    ("2026-12-03 15:00", "2026-12-03T15:00"),
    ("2026-12-03T15:00", "2026-12-03T15:00"),
    ("next friday 3pm", ASK),
    ("monday next week at 10", "2026-12-07T10:00"),
    ("next week at 10", "2026-12-07T10:00"),
    ("dec 3", REFUSED),
    ("friday", REFUSED),
    ("at 3", "2026-11-30T15:00"),
    ("tomorrow at 25:00", REFUSED),
    ("tomorrow at 3:75", REFUSED),
    ("yesterday at 3pm", REFUSED),
    ("tomorrow at 12am", ASK),
    ("tomorrow at 12pm", "2026-12-01T12:00"),
    ("tomorrow 7", "2026-12-01T07:00"),
    ("tomorrow at 7", "2026-12-01T07:00"),
    ("tomorrow at 6:45", "2026-12-01T18:45"),
    ("tomorrow 3 pm", "2026-12-01T15:00"),
    ("tmrw 3p", "2026-12-01T15:00"),
    ("tomorrow @ 3pm", "2026-12-01T15:00"),
    ("tomorrow 3 o'clock", "2026-12-01T15:00"),
    ("4:30 tomorrow afternoon", "2026-12-01T16:30"),
    ("tuesday the 8th at 3pm", "2026-12-08T15:00"),
    ("3pm on the 15th", "2026-12-15T15:00"),
    ("tues 4:30p", "2026-12-01T16:30"),
    ("tomorrow evening at 7:30", "2026-12-01T19:30"),
    ("friday at 5 in the afternoon", "2026-12-04T17:00"),
    ("tomorrow at 3 in the morning", "2026-12-01T03:00"),
    ("tomorrow morning at 6", "2026-12-01T06:00"),
]
LEADS = [
    ("24h 1h", [1440, 60]),
    ("1 day", [1440]),
    ("1d and 2h", [1440, 120]),
    ("1d, 2h", [1440, 120]),
    ("1 day and 2 hours", [1440, 120]),
    ("a day before and an hour before", [1440, 60]),
    ("day before", [1440]),
    ("an hour before", [60]),
    ("30 min before", [30]),
    ("30m", [30]),
    ("2d 30m", [2880, 30]),
    ("1 hour", [60]),
    ("1h30", [90]),
    ("90 minutes", [90]),
    ("2 hours and 15 minutes before", [120, 15]),
    ("15m and 5m", [15, 5]),
    ("1 week", [10080]),
    ("1w 1d", [10080, 1440]),
    ("48h", [2880]),
    ("half an hour", [30]),
    ("half an hour before and a day before", [30, 1440]),
    ("10 minutes", [10]),
    ("tomorrow", REFUSED),
    ("soon", REFUSED),
    ("banana", REFUSED),
]
PAUSES = [
    ("for 2 weeks", "2026-12-14"),
    ("2 weeks", "2026-12-14"),
    ("for 10 days", "2026-12-10"),
    ("10 days", "2026-12-10"),
    ("for a week", "2026-12-07"),
    ("a week", "2026-12-07"),
    ("for a month", "2026-12-30"),
    ("for 2 months", "2027-01-30"),
    ("until march", "2027-03-01"),
    ("till march", "2027-03-01"),
    ("until jan 5", "2027-01-05"),
    ("till jan 5th", "2027-01-05"),
    ("until next monday", "2026-12-07"),
    ("until monday", "2026-12-07"),
    ("until 1/14", "2027-01-14"),
    ("back on jan 4", "2027-01-04"),
    ("until the 15th", "2026-12-15"),
    ("until end of month", "2026-11-30"),
    ("until next month", "2026-12-01"),
    ("indefinitely", None),
    ("for now", None),
    ("for a while", None),
    ("until further notice", None),
    ("for ever", REFUSED),
    ("until someday", REFUSED),
]
SNOOZES = [
    ("", "2026-12-01"),
    ("until monday", "2026-12-07"),
    ("to monday", "2026-12-07"),
    ("till friday", "2026-12-04"),
    ("a week", "2026-12-07"),
    ("1 week", "2026-12-07"),
    ("3 days", "2026-12-03"),
    ("for 2 days", "2026-12-02"),
    ("by a day", "2026-12-01"),
    ("till next week", "2026-12-07"),
    ("until 1/14", "2027-01-14"),
    ("until 3/4", ASK),
    ("to eow", "2026-12-04"),
    ("until someday", REFUSED),
]
ZONES = [
    ("EST", "America/New_York"),
    ("CET", "Europe/Berlin"),
    ("PST", "America/Los_Angeles"),
    ("UTC+2", (ASK, ["Africa/Johannesburg", "Africa/Cairo", "Europe/Kyiv", "Etc/GMT-2"])),
    ("frankfurt", "Europe/Berlin"),
    ("bangalore", "Asia/Kolkata"),
    ("IST", (ASK, ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"])),
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    ("america/new_york", "America/New_York"),
    ("Berlin", "Europe/Berlin"),
    ("new york", "America/New_York"),
    ("NYC", "America/New_York"),
    ("LA", "America/Los_Angeles"),
    ("SF", "America/Los_Angeles"),
    ("san francisco", "America/Los_Angeles"),
    ("London", "Europe/London"),
    ("uk", "Europe/London"),
    ("india", "Asia/Kolkata"),
    ("germany", "Europe/Berlin"),
    ("usa", (ASK, ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver"])),
    ("CST", (ASK, ["America/Chicago", "Asia/Shanghai", "America/Mexico_City"])),
    ("MST", "America/Denver"),
    ("AEST", "Australia/Sydney"),
    ("JST", "Asia/Tokyo"),
    ("BST", "Europe/London"),
    ("GMT", "UTC"),
    ("UTC", "UTC"),
    ("utc", "UTC"),
    ("+05:30", (ASK, ["Asia/Kolkata", "Asia/Colombo"])),
    ("UTC-5", (ASK, ["America/New_York", "America/Bogota", "America/Toronto", "Etc/GMT+5"])),
    ("GMT+1", (ASK, ["Africa/Lagos", "Europe/Berlin", "Europe/Madrid", "Etc/GMT-1"])),
    ("UTC+0", "UTC"),
    ("UTC+14", (ASK, ["Etc/GMT-14"])),
    ("UTC+15", REFUSED),
    ("pacific time", "America/Los_Angeles"),
    ("eastern", "America/New_York"),
    ("Eastern Time", "America/New_York"),
    ("central time", "America/Chicago"),
    ("San Jose", (ASK, ["America/Los_Angeles", "America/Costa_Rica", "Asia/Manila", "America/Montevideo"])),
    ("portland", "America/Los_Angeles"),
    ("munich", "Europe/Berlin"),
    ("Zürich", "Europe/Zurich"),
    ("zurich", "Europe/Zurich"),
    ("São Paulo", "America/Sao_Paulo"),
    ("sao paulo", "America/Sao_Paulo"),
    ("tokyo", "Asia/Tokyo"),
    ("mumbai", "Asia/Kolkata"),
    ("delhi", "Asia/Kolkata"),
    ("sydney", "Australia/Sydney"),
    ("melbourne", "Australia/Melbourne"),
    ("singapore", "Asia/Singapore"),
    ("hong kong", "Asia/Hong_Kong"),
    ("seoul", "Asia/Seoul"),
    ("beijing", "Asia/Shanghai"),
    ("shanghai", "Asia/Shanghai"),
    ("dubai", "Asia/Dubai"),
    ("tel aviv", "Asia/Tel_Aviv"),
    ("cairo", "Africa/Cairo"),
    ("lagos", "Africa/Lagos"),
    ("nairobi", "Africa/Nairobi"),
    ("johannesburg", "Africa/Johannesburg"),
    ("moscow", "Europe/Moscow"),
    ("istanbul", "Asia/Istanbul"),
    ("kyiv", "Europe/Kyiv"),
    ("warsaw", "Europe/Warsaw"),
    ("paris", "Europe/Paris"),
    ("madrid", "Europe/Madrid"),
    ("amsterdam", "Europe/Amsterdam"),
    ("dublin", "Europe/Dublin"),
    ("lisbon", "Europe/Lisbon"),
    ("stockholm", "Europe/Stockholm"),
    ("toronto", "America/Toronto"),
    ("vancouver", "America/Vancouver"),
    ("mexico city", "America/Mexico_City"),
    ("chicago", "America/Chicago"),
    ("denver", "America/Denver"),
    ("phoenix", "America/Phoenix"),
    ("seattle", "America/Los_Angeles"),
    ("boston", "America/New_York"),
    ("austin", "America/Chicago"),
    ("buenos aires", "America/Argentina/Buenos_Aires"),
    ("bogota", "America/Bogota"),
    ("lima", "America/Lima"),
    ("auckland", "Pacific/Auckland"),
    ("honolulu", "Pacific/Honolulu"),
    ("anchorage", "America/Anchorage"),
    ("karachi", "Asia/Karachi"),
    ("dhaka", "Asia/Dhaka"),
    ("bangkok", "Asia/Bangkok"),
    ("jakarta", "Asia/Jakarta"),
    ("manila", "Asia/Manila"),
    ("kathmandu", "Asia/Kathmandu"),
    ("tehran", "Asia/Tehran"),
    ("berln", REFUSED),
    ("londno", REFUSED),
    ("Atlantis land", REFUSED),
    ("my timezone is berlin", "Europe/Berlin"),
    ("I'm in Berlin", "Europe/Berlin"),
    ("Asia/Calcutta", "Asia/Calcutta"),
]
MENTOR_PHRASINGS = [
    ("reschedule to tomorrow 4pm", ("reschedule", "to tomorrow 4pm")),
    ("move next to fri 10am", ("reschedule", "next to fri 10am")),
    ("postpone to thursday 3pm", ("reschedule", "to thursday 3pm")),
    (
        "please reschedule the next session to thursday 3pm",
        ("reschedule", "the next session to thursday 3pm"),
    ),
    ("can you move our next session to friday", ("reschedule", "our next session to friday")),
    ("push to next week", ("reschedule", "to next week")),
    ("shift the next one by a day", ("reschedule", "the next one by a day")),
    ("change to wednesday 4pm", ("reschedule", "to wednesday 4pm")),
    ("take a break for 2 weeks", ("pause", "for 2 weeks")),
    ("go on vacation for 10 days", ("vacation", "for 10 days")),
    ("vacation for 10 days", ("vacation", "for 10 days")),
    ("holiday until jan 5", ("vacation", "until jan 5")),
    ("ooo until monday", ("vacation", "until monday")),
    ("break for a week", ("pause", "for a week")),
    ("unpause", ("resume", "")),
    ("continue", ("resume", "")),
    ("approve", ("accept", "")),
    ("yes", ("accept", "")),
    ("reject", ("decline", "")),
    ("schedule every tuesday at 4pm", ("cadence", "every tuesday at 4pm")),
    ("set cadence every tuesday at 4pm", ("cadence", "every tuesday at 4pm")),
    ("every tuesday at 4pm", ("cadence", "every tuesday at 4pm")),
    ("when", ("next", "")),
    ("upcoming", ("next", "")),
    ("remind 1 day", ("reminders", "1 day")),
    ("reminder 24h", ("reminders", "24h")),
    ("finish great work", ("end", "great work")),
    ("close", ("end", "")),
    ("mine", ("list", "")),
    ("ls", ("list", "")),
    ("pause until march", ("pause", "until march")),
    ("resume", ("resume", "")),
    ("skip", ("skip", "")),
    ("next", ("next", "")),
    ("accept", ("accept", "")),
    ("decline not now", ("decline", "not now")),
    ("list all", ("list", "all")),
    ("cadence weekly", ("cadence", "weekly")),
    ("reminders off", ("reminders", "off")),
    ("stage coaching", ("stage", "coaching")),
]
ACTION_PHRASINGS = [
    ("complete 3", ("done", "3")),
    ("finish 3", ("done", "3")),
    ("close 1 2 3", ("done", "1 2 3")),
    ("mark 4 done", ("4", "done")),
    ("delete 5", ("drop", "5")),
    ("remove 5", ("drop", "5")),
    ("cancel 5", ("drop", "5")),
    ("postpone 4 until monday", ("snooze", "4 until monday")),
    ("defer 4 a week", ("snooze", "4 a week")),
    ("new send CV by friday", ("add", "send CV by friday")),
    ("create draft plan", ("add", "draft plan")),
    ("todo call bo", ("add", "call bo")),
    ("show", ("list", "")),
    ("ls", ("list", "")),
    ("done 1, 2 and 3", ("done", "1, 2 and 3")),
    ("check 7", ("done", "7")),
    ("please done 2", ("done", "2")),
]

# (typed, text, owner (None: the speaker), due) — mentions are written @name; `ASK` for two readings.
ACTION_ITEMS = [
    ("send CV to @bo by friday", "send CV to @bo", None, "2026-12-04"),
    ("send CV to @bo before friday", "send CV to @bo", None, "2026-12-04"),
    ("send CV to @bo due friday", "send CV to @bo", None, "2026-12-04"),
    ("send CV to @bo (due fri)", "send CV to @bo", None, "2026-12-04"),
    ("send CV to @bo (fri)", "send CV to @bo", None, "2026-12-04"),
    ("send CV by fri", "send CV", None, "2026-12-04"),
    ("draft the plan due: dec 3", "draft the plan", None, "2026-12-03"),
    ("draft the plan due by dec 3", "draft the plan", None, "2026-12-03"),
    ("draft the plan deadline 12/15", "draft the plan", None, "2026-12-15"),
    ("draft the plan by 1/14", "draft the plan", None, "2027-01-14"),
    ("draft the plan by 3/4", ASK, None, None),
    ("finish the draft by end of week", "finish the draft", None, "2026-12-04"),
    ("finish the draft by eow", "finish the draft", None, "2026-12-04"),
    ("prepare slides eod", "prepare slides", None, "2026-11-30"),
    ("prepare slides by eod", "prepare slides", None, "2026-11-30"),
    ("prepare slides tomorrow", "prepare slides", None, "2026-12-01"),
    ("prepare slides by tomorrow", "prepare slides", None, "2026-12-01"),
    ("read the book by next week", "read the book", None, "2026-12-07"),
    ("read the book in 2 weeks", "read the book in 2 weeks", None, None),
    ("read the book due in 2 weeks", "read the book", None, "2026-12-14"),
    ("ask @bo about the budget by the 15th", "ask @bo about the budget", None, "2026-12-15"),
    ("call mom on friday", "call mom", None, "2026-12-04"),
    ("work on the roadmap", "work on the roadmap", None, None),
    ("learn by doing", "learn by doing", None, None),
    ("review the deck owner @bo by eod", "review the deck", "bo", "2026-11-30"),
    ("review the deck owner: @bo", "review the deck", "bo", None),
    ("review the deck assign to @bo", "review the deck", "bo", None),
    ("review the deck assigned to @bo due friday", "review the deck", "bo", "2026-12-04"),
    ("review the deck for @bo", "review the deck", "bo", None),
    ("@bo: send the deck tomorrow", "send the deck", "bo", "2026-12-01"),
    ("@bo to send the deck by next week", "send the deck", "bo", "2026-12-07"),
    ("Write the rollout plan @bo due in 1 week", "Write the rollout plan", "bo", "2026-12-07"),
    ("Draft the plan @bo", "Draft the plan", "bo", None),
    ("call @bo", "call @bo", None, None),
    ("call @bo by friday", "call @bo", None, "2026-12-04"),
    ("intro @zoë to @bo by friday", "intro @zoë to @bo", None, "2026-12-04"),
    ("pair with @zoë on the review owner @bo", "pair with @zoë on the review", "bo", None),
    ("update resume", "update resume", None, None),
]


def outcome(read, *args):
    """The reading, ASK, or REFUSED; a refusal must quote the input (checked where there is a message)."""
    try:
        return read(*args)
    except AskBack as question:
        assert question.choices, "a question comes with options"
        return ASK
    except (ParseError, Invalid):
        return REFUSED


@pytest.mark.parametrize(("typed", "expected"), CADENCES)
def test_cadences(typed: str, expected: str) -> None:
    got = outcome(lambda: parse_recurrence(typed, BERLIN, NOW).describe())
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), STARTS)
def test_cadence_starts(typed: str, expected: str) -> None:
    first = parse_recurrence(typed, BERLIN, NOW).occurrences_after(NOW, 1)[0]
    assert first.astimezone(BERLIN).replace(tzinfo=None).isoformat(timespec="minutes") == expected


@pytest.mark.parametrize(("typed", "expected"), RESCHEDULES)
def test_reschedules(typed: str, expected: str) -> None:
    got = outcome(
        lambda: (
            read_reschedule(typed, BERLIN, NOW, CURRENT)
            .astimezone(BERLIN)
            .replace(tzinfo=None)
            .isoformat(timespec="minutes")
        )
    )
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), NAMED_ZONES)
def test_zones_named_after_a_time(typed: str, expected: str) -> None:
    assert outcome(lambda: name_trailing_zone(typed, NOW)) == expected


@pytest.mark.parametrize(("typed", "expected"), DATES)
def test_dates(typed: str, expected: str) -> None:
    got = outcome(lambda: parse_date(typed, TODAY).isoformat())
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), DATETIMES)
def test_dates_and_times(typed: str, expected: str) -> None:
    got = outcome(lambda: read_local_datetime(typed, BERLIN, NOW).isoformat(timespec="minutes"))
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), LEADS)
def test_reminder_leads(typed: str, expected: list[int] | str) -> None:
    got = outcome(lambda: [int(lead.total_seconds() // 60) for lead in read_leads(typed)])
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), PAUSES)
def test_pause_durations(typed: str, expected: str | None) -> None:
    got = outcome(lambda: day.isoformat() if (day := read_pause_until(typed, TODAY)) else None)
    assert got == expected


@pytest.mark.parametrize(("typed", "expected"), SNOOZES)
def test_snooze_amounts(typed: str, expected: str) -> None:
    assert outcome(lambda: read_snooze(typed, TODAY, None).isoformat()) == expected


@pytest.mark.parametrize(("typed", "expected"), ZONES)
def test_time_zones(typed: str, expected: str | tuple[str, list[str]]) -> None:
    if isinstance(expected, tuple):
        with pytest.raises(AskBack) as asked:
            resolve_zone(typed, NOW)
        assert [zone for _label, zone in asked.value.choices] == expected[1]
        return
    got = outcome(lambda: resolve_zone(typed, NOW))
    assert got == expected


REGISTRY = command_registry()


@pytest.mark.parametrize(("typed", "expected"), MENTOR_PHRASINGS)
def test_mentor_command_phrasings(typed: str, expected: tuple[str, str]) -> None:
    assert mentor_sub(typed, REGISTRY) == expected


@pytest.mark.parametrize(("typed", "expected"), ACTION_PHRASINGS)
def test_actions_command_phrasings(typed: str, expected: tuple[str, str]) -> None:
    assert actions_sub(typed, REGISTRY) == expected


@pytest.mark.parametrize(("typed", "text", "owner", "due"), ACTION_ITEMS)
def test_action_items(typed: str, text: str, owner: str | None, due: str | None) -> None:
    marked, mentions = mark_mentions(typed, MENTION_MARK)
    got = outcome(read_action, marked, TODAY)
    if text == ASK:
        assert got == ASK
        return
    shown = got.text
    for index, name in enumerate(mentions):
        shown = shown.replace(f"{MENTION_MARK}{index}", f"@{name}")
    assert (shown, None if got.owner is None else mentions[got.owner], got.due) == (
        text,
        owner,
        date.fromisoformat(due) if due else None,
    )


def test_the_corpus_is_large_enough() -> None:
    groups: list[Sequence[Sequence[object]]] = [
        CADENCES, STARTS, RESCHEDULES, NAMED_ZONES, DATES, DATETIMES, LEADS, PAUSES, SNOOZES, ZONES,
        MENTOR_PHRASINGS, ACTION_PHRASINGS, ACTION_ITEMS,
    ]  # fmt: skip
    assert sum(len(group) for group in groups) >= 300
    for group in groups:
        typed = [row[0] for row in group]
        assert len(typed) == len(set(typed)), "a phrasing appears twice in one group"
