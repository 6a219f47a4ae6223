"""The message ids a platform has used, for one that numbers its own messages (the console)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.officehours.tables import OfficeHoursQuestion
from bot.persistence.tables import CheckIn, Mentorship, OutboxRow, StatusUpdate, Workspace
from bot.queries.sessions import Sessions


@dataclass(frozen=True)
class UsedIds:
    """Ids stored as unique keys: posted updates' and questions' message ids, and the bot's own sent
    messages as `SentRef` text (`channel/message[/thread]`)."""

    updates: list[str]
    questions: list[str]
    sent_refs: list[str]


async def used_message_ids(sessions: Sessions, platform: str) -> UsedIds:
    async with sessions() as session:
        updates = await session.scalars(
            select(StatusUpdate.external_id)
            .join(CheckIn, CheckIn.id == StatusUpdate.checkin_id)
            .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
            .join(Workspace, Workspace.id == Mentorship.workspace_id)
            .where(Workspace.platform == platform, StatusUpdate.external_id.is_not(None))
        )
        update_ids = [u for u in updates if u]
        questions = await session.scalars(
            select(OfficeHoursQuestion.external_id).where(
                OfficeHoursQuestion.external_id.like(f"{platform}:%")
            )
        )
        question_ids = [q for q in questions if q]
        refs = await session.scalars(
            select(OutboxRow.sent_ref).where(OutboxRow.platform == platform, OutboxRow.sent_ref.is_not(None))
        )
        return UsedIds(update_ids, question_ids, [r for r in refs if r])
