"""slack: installations move to slack_sdk's SQLAlchemy store tables; the org of each Grid workspace

Revision ID: 0006
Revises: 0009
Create Date: 2026-11-29

The rows of 0002's `slack_installations` (one row per install, everything in a JSON `data` column) are
copied into `slack_app_installations` and `slack_app_bots`, the tables slack_sdk's
AsyncSQLAlchemyInstallationStore reads; downgrade copies them back.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTALLATION_COLUMNS = [
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "enterprise_url",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "user_id",
    "user_token",
    "user_scopes",
    "user_refresh_token",
    "user_token_expires_at",
    "incoming_webhook_url",
    "incoming_webhook_channel",
    "incoming_webhook_channel_id",
    "incoming_webhook_configuration_url",
    "is_enterprise_install",
    "token_type",
    "installed_at",
]
BOT_COLUMNS = [
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "is_enterprise_install",
    "installed_at",
]
TIMES = ("installed_at", "bot_token_expires_at", "user_token_expires_at")


def _installations(name: str) -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
        sa.Column("enterprise_url", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("bot_token", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.String(length=1000), nullable=True),
        sa.Column("bot_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_token", sa.String(length=200), nullable=True),
        sa.Column("user_scopes", sa.String(length=1000), nullable=True),
        sa.Column("user_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("user_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("incoming_webhook_url", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_channel_id", sa.String(length=200), nullable=True),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=200), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(length=32), nullable=True),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    ]


def _bots(name: str) -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.String(length=32), nullable=True),
        sa.Column("team_name", sa.String(length=200), nullable=True),
        sa.Column("bot_token", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=32), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("bot_scopes", sa.String(length=1000), nullable=True),
        sa.Column("bot_refresh_token", sa.String(length=200), nullable=True),
        sa.Column("bot_token_expires_at", sa.DateTime(), nullable=True),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    ]


def _naive_utc(value: Any) -> datetime | None:
    """slack_sdk stores naive UTC datetimes; 0002 kept ISO strings (or epoch seconds) in JSON."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _text(value: Any) -> Any:
    return ",".join(str(v) for v in value) if isinstance(value, list) else value


def upgrade() -> None:
    installations = op.create_table("slack_app_installations", *_installations("slack_app_installations"))
    op.create_index(
        "slack_app_installations_idx",
        "slack_app_installations",
        ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
    )
    bots = op.create_table("slack_app_bots", *_bots("slack_app_bots"))
    op.create_index(
        "slack_app_bots_idx", "slack_app_bots", ["client_id", "enterprise_id", "team_id", "installed_at"]
    )
    op.create_table(
        "slack_teams",
        sa.Column("id", ID, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_teams")),
        sa.UniqueConstraint("team_id", name=op.f("uq_slack_teams_team_id")),
    )

    old = sa.table(
        "slack_installations",
        sa.column("id", ID),
        sa.column("client_id", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("installed_at", sa.DateTime(timezone=True)),
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(old).order_by(old.c.id)).mappings():
        data = dict(row["data"] or {})
        values: dict[str, Any] = {k: _text(data.get(k)) for k in INSTALLATION_COLUMNS}
        for k in TIMES:
            values[k] = _naive_utc(data.get(k))
        values["installed_at"] = values["installed_at"] or _naive_utc(row["installed_at"])
        values["is_enterprise_install"] = bool(values["is_enterprise_install"])
        values["app_id"] = values["app_id"] or ""
        values["user_id"] = values["user_id"] or ""
        values["client_id"] = row["client_id"]
        conn.execute(installations.insert().values(**values))
        if values["bot_token"]:
            conn.execute(
                bots.insert().values(client_id=row["client_id"], **{k: values[k] for k in BOT_COLUMNS})
            )

    with op.batch_alter_table("slack_installations", schema=None) as batch_op:
        batch_op.drop_index("ix_slack_installations_lookup")
    op.drop_table("slack_installations")


def downgrade() -> None:
    old = op.create_table(
        "slack_installations",
        sa.Column("id", ID, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=True),
        sa.Column("enterprise_id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("bot_token", sa.Text(), nullable=True),
        sa.Column("bot_user_id", sa.String(length=32), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_installations")),
    )
    with op.batch_alter_table("slack_installations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_slack_installations_lookup", ["client_id", "enterprise_id", "team_id"], unique=False
        )
    installations = sa.table(
        "slack_app_installations",
        sa.column("client_id", sa.String()),
        *(sa.column(k) for k in INSTALLATION_COLUMNS),
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(installations)).mappings():
        data = {k: row[k] for k in INSTALLATION_COLUMNS}
        for k in TIMES:
            when = data[k]
            data[k] = when.replace(tzinfo=UTC).isoformat() if isinstance(when, datetime) else when
        installed = row["installed_at"]
        conn.execute(
            old.insert().values(
                client_id=row["client_id"],
                app_id=row["app_id"],
                enterprise_id=row["enterprise_id"] or "",
                team_id=row["team_id"] or "",
                user_id=row["user_id"],
                is_enterprise_install=bool(row["is_enterprise_install"]),
                bot_token=row["bot_token"],
                bot_user_id=row["bot_user_id"],
                data=data,
                installed_at=installed.replace(tzinfo=UTC) if isinstance(installed, datetime) else installed,
            )
        )
    op.drop_table("slack_teams")
    op.drop_index("slack_app_bots_idx", table_name="slack_app_bots")
    op.drop_table("slack_app_bots")
    op.drop_index("slack_app_installations_idx", table_name="slack_app_installations")
    op.drop_table("slack_app_installations")
