"""Larger text option and picture passwords

Revision ID: 888818770316
Revises: 453cfebd2cf7
Create Date: 2026-11-23 03:46:00.779247

app_user.large_text: the participant's "Larger text" choice (off for everyone at first).
app_user.secret_kind: what password_hash holds, "password", "pin" or "pictures". A hash does not
say whether it was made from digits, so existing accounts start as "password"; new PINs and
picture passwords are marked from now on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '888818770316'
down_revision = '453cfebd2cf7'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('app_user', sa.Column('secret_kind', sa.String(length=10),
                                        server_default='password', nullable=False))
    op.add_column('app_user', sa.Column('large_text', sa.Boolean(),
                                        server_default=sa.text('false'), nullable=False))


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy of app_user: with
    # foreign keys on, dropping the old copy of the table would delete every row that refers
    # to a user (quiz attempts, attendance) through ON DELETE CASCADE.
    op.drop_column('app_user', 'large_text')
    op.drop_column('app_user', 'secret_kind')
