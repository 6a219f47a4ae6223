"""Every sentence the bot says, in one place: one module per area, all reachable as `bot.wording.X`."""

from bot.wording.common import *  # noqa: F403
from bot.wording.insight import *  # noqa: F403
from bot.wording.matching import *  # noqa: F403
from bot.wording.mentorship import *  # noqa: F403
from bot.wording.officehours import *  # noqa: F403
