"""Every table on one metadata, for Alembic and the check that models and migrations agree.

Each area keeps its tables beside it (the mentorship core's in `bot/persistence/tables.py`, office
hours', matching's, the calendar's, insight's, privacy's, and the Slack adapter's own in
`adapters/slack/tables.py`); none of them imports another's, so this is the one place that knows them
all."""

from __future__ import annotations

from sqlalchemy import MetaData

import adapters.slack.tables
import bot.calendar.tables
import bot.insight.tables
import bot.matching.tables
import bot.officehours.tables
import bot.privacy.tables
from bot.persistence.tables import Base

TABLE_MODULES = (
    adapters.slack.tables,
    bot.calendar.tables,
    bot.insight.tables,
    bot.matching.tables,
    bot.officehours.tables,
    bot.privacy.tables,
)


def metadata() -> MetaData:
    """The shared `Base.metadata`, with every table module above imported onto it."""
    return Base.metadata
