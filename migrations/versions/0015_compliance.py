"""compliance: training requirements, reminders sent; assignments withdrawn and linked to
their requirement; a course's recertify_days

Revision ID: 0015_compliance
Revises: 0014_person_unit
Create Date: 2026-11-30 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_compliance"
down_revision = "0014_person_unit"
branch_labels = None
depends_on = None

ASSIGNMENT_COLUMNS = (
    "requirement_id",
    "reason",
    "withdrawn_at",
    "withdrawn_by_id",
    "withdrawn_reason",
)


def upgrade():
    op.create_table(
        "compliance_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("profession", sa.String(length=20), nullable=True),
        sa.Column("unit", sa.String(length=120), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("days_to_complete", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"]),
        sa.ForeignKeyConstraint(["course_id"], ["content_course.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_compliance_requirement_centre_id", "compliance_requirement", ["centre_id"])
    op.create_index("ix_compliance_requirement_course_id", "compliance_requirement", ["course_id"])
    op.create_table(
        "compliance_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("threshold_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "user_id", "subject", "kind", "threshold_on", name="uq_compliance_reminder_key"
        ),
    )
    op.create_index("ix_compliance_reminder_subject", "compliance_reminder", ["subject", "kind"])
    op.add_column("enrolment_assignment", sa.Column("requirement_id", sa.Integer(), nullable=True))
    op.add_column("enrolment_assignment", sa.Column("reason", sa.String(length=300), nullable=True))
    op.add_column("enrolment_assignment", sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
    op.add_column("enrolment_assignment", sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
    op.add_column("enrolment_assignment", sa.Column("withdrawn_reason", sa.Text(), nullable=True))
    op.create_index(
        "ix_enrolment_assignment_requirement_id", "enrolment_assignment", ["requirement_id"]
    )
    # The reminder job reads assignments by date window (set-based, issue 14).
    op.create_index("ix_enrolment_assignment_due_on", "enrolment_assignment", ["due_on"])
    op.create_index("ix_enrolment_assignment_created_at", "enrolment_assignment", ["created_at"])
    op.add_column("content_version", sa.Column("recertify_days", sa.Integer(), nullable=True))


def downgrade():
    op.drop_column("content_version", "recertify_days")
    for name in ("requirement_id", "due_on", "created_at"):
        op.drop_index(f"ix_enrolment_assignment_{name}", table_name="enrolment_assignment")
    # Plain ALTER TABLE (SQLite >= 3.35): a batch rebuild would reflect user_account and
    # warn about (and on the way lose) its expression index, as 0014 notes.
    for name in reversed(ASSIGNMENT_COLUMNS):
        op.drop_column("enrolment_assignment", name)
    op.drop_index("ix_compliance_reminder_subject", table_name="compliance_reminder")
    op.drop_table("compliance_reminder")
    op.drop_index("ix_compliance_requirement_course_id", table_name="compliance_requirement")
    op.drop_index("ix_compliance_requirement_centre_id", table_name="compliance_requirement")
    op.drop_table("compliance_requirement")
