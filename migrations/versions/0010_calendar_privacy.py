"""calendar feeds, event versions, workspace removals

Revision ID: 0010
Revises: 0005
Create Date: 2026-11-29 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", ID, nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_calendar_feeds_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_calendar_feeds_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_index(op.f("ix_calendar_feeds_member_id"), "calendar_feeds", ["member_id"])
    op.create_index(op.f("ix_calendar_feeds_workspace_id"), "calendar_feeds", ["workspace_id"])
    op.create_table(
        "calendar_event_versions",
        sa.Column("uid", sa.String(length=200), nullable=False),
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_calendar_event_versions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("uid", name=op.f("pk_calendar_event_versions")),
    )
    op.create_index(
        op.f("ix_calendar_event_versions_workspace_id"), "calendar_event_versions", ["workspace_id"]
    )
    op.create_table(
        "workspace_removals",
        sa.Column("workspace_id", ID, nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purge_after", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_workspace_removals_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workspace_id", name=op.f("pk_workspace_removals")),
    )
    op.create_index(op.f("ix_workspace_removals_purge_after"), "workspace_removals", ["purge_after"])


def downgrade() -> None:
    op.drop_index(op.f("ix_workspace_removals_purge_after"), table_name="workspace_removals")
    op.drop_table("workspace_removals")
    op.drop_index(op.f("ix_calendar_event_versions_workspace_id"), table_name="calendar_event_versions")
    op.drop_table("calendar_event_versions")
    op.drop_index(op.f("ix_calendar_feeds_workspace_id"), table_name="calendar_feeds")
    op.drop_index(op.f("ix_calendar_feeds_member_id"), table_name="calendar_feeds")
    op.drop_table("calendar_feeds")
