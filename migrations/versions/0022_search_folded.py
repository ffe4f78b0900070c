"""content: module text for search stored folded (case, diacritics off: "förvaring" -> "forvaring")

Revision ID: 0022_search_folded
Revises: 0021_tallies_by_day
Create Date: 2026-11-30 20:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_search_folded'
down_revision = '0021_tallies_by_day'
branch_labels = None
depends_on = None


def upgrade():
    """Fold the body of every search row stored before (lms.text.fold), and on SQLite
    stem the FTS5 twins again from the folded text. The GIN index on PostgreSQL is an
    expression over ``body``: it follows the update."""
    from lms.content import search
    from lms.text import fold

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, language, body FROM content_search")).all()
    for row_id, language, body in rows:
        folded = fold(body)
        bind.execute(
            sa.text("UPDATE content_search SET body = :body WHERE id = :id"),
            {"body": folded, "id": row_id},
        )
        if bind.dialect.name == 'sqlite':
            bind.execute(sa.text("DELETE FROM content_search_fts WHERE rowid = :id"), {"id": row_id})
            bind.execute(
                sa.text("INSERT INTO content_search_fts (rowid, stems) VALUES (:id, :stems)"),
                {"id": row_id, "stems": search.stems(folded, language)},
            )


def downgrade():
    """Nothing to undo: folded text is still searchable text (the marks are not kept)."""
