"""Session version: signing out ends the account's sessions everywhere

Revision ID: c3d5e7f90a12
Revises: 888818770316
Create Date: 2026-11-23 06:20:00

app_user.session_version is part of what the session cookie must match (User.get_id). Signing
out and switching an account back on raise it, so a session cookie copied earlier stops working.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f90a12'
down_revision = '888818770316'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('app_user', sa.Column('session_version', sa.Integer(),
                                        server_default=sa.text('0'), nullable=False))


def downgrade():
    # Plain DROP COLUMN, not a batch copy of app_user (see 888818770316).
    op.drop_column('app_user', 'session_version')
