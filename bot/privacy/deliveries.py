"""The outbox kind of the privacy area: the export, rendered (collected) when it is sent, by DM."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.domain.states import OutboxStatus
from bot.outbox import Planned
from bot.payloads import PrivacyExport
from bot.persistence.tables import Member, OutboxRow, Workspace
from bot.ports import DirectMessage, SentRef
from bot.privacy import export, wording
from bot.scheduling.dispatcher import DeliveryContext, Drop, Handler, Send
from bot.services import planning
from bot.wording.common import FORGOTTEN_PREFIX

log = logging.getLogger(__name__)

EXPORT = PrivacyExport.kind


def export_row(member: Member, now: datetime) -> Planned:
    """The row that sends this person their export now (each request its own key)."""
    return PrivacyExport(member.id).plan(
        f"export:{member.id}:{planning.stamp(now)}:{now.microsecond}", f"member:{member.id}", now
    )


class ExportHandler:
    async def render(self, ctx: DeliveryContext, row: OutboxRow) -> Send | Drop:
        payload = PrivacyExport.of(row)
        member = await ctx.session.get(Member, payload.member_id)
        if member is None or member.external_id.startswith(FORGOTTEN_PREFIX):
            return Drop(OutboxStatus.WITHDRAWN, "the person is gone")
        ws = await ctx.session.get(Workspace, member.workspace_id)
        assert ws is not None
        tables = await export.collect(ctx, ws, member)
        message = wording.export_ready({name: len(rows) for name, rows in tables.items()})
        files = export.attachments(tables, ctx.now)
        return Send(DirectMessage(member.external_id), replace(message, attachments=files))

    async def after_sent(self, ctx: DeliveryContext, row: OutboxRow, ref: SentRef) -> None:
        return None

    async def after_failed(self, ctx: DeliveryContext, row: OutboxRow, reason: str) -> None:
        # Asked in a command a moment ago: the dispatcher logs it; there is no pair's home to report to.
        log.warning("export for member %s could not be delivered: %s", row.payload.get("member_id"), reason)


def privacy_handlers() -> dict[str, Handler]:
    return {EXPORT: ExportHandler()}
