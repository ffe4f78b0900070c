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
    with op.batch_alter_table("compliance_requirement", schema=None) as batch_op:
        batch_op.create_index("ix_compliance_requirement_centre_id", ["centre_id"], unique=False)
        batch_op.create_index("ix_compliance_requirement_course_id", ["course_id"], unique=False)
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
    with op.batch_alter_table("compliance_reminder", schema=None) as batch_op:
        batch_op.create_index("ix_compliance_reminder_subject", ["subject", "kind"], unique=False)
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
    with op.batch_alter_table("enrolment_assignment", schema=None) as batch_op:
        for name in reversed(ASSIGNMENT_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("compliance_reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_reminder_subject")
    op.drop_table("compliance_reminder")
    with op.batch_alter_table("compliance_requirement", schema=None) as batch_op:
        batch_op.drop_index("ix_compliance_requirement_course_id")
        batch_op.drop_index("ix_compliance_requirement_centre_id")
    op.drop_table("compliance_requirement")
