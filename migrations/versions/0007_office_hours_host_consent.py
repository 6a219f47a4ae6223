"""office hours: co-hosts accept before they host

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Hosts named before this revision were accepted under the old rules; they stay hosts.
    with op.batch_alter_table("office_hours_hosts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), server_default="accepted", nullable=False)
        )


def downgrade() -> None:
    op.execute("DELETE FROM office_hours_hosts WHERE state <> 'accepted'")
    with op.batch_alter_table("office_hours_hosts", schema=None) as batch_op:
        batch_op.drop_column("state")
