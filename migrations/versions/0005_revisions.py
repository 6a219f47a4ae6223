"""revisions of occurrences

A check-in or office-hours session that comes back (a pause ended before its date, a cadence changed and
changed back) is announced again: its revision is part of the announcement's idempotency key.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("office_hours_sessions") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("office_hours_sessions") as batch:
        batch.drop_column("revision")
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("revision")
