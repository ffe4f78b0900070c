"""content: full-text search over module text (FTS5 on SQLite, a GIN index on PostgreSQL)

Revision ID: 0017_search
Revises: 0016_records
Create Date: 2026-11-30 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_search'
down_revision = '0016_records'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['content_module.id'], name=op.f('fk_content_search_module_id_content_module')),
    sa.ForeignKeyConstraint(['version_id'], ['content_version.id'], name=op.f('fk_content_search_version_id_content_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_search'))
    )
    op.create_index(op.f('ix_content_search_module_id'), 'content_search', ['module_id'], unique=False)
    op.create_index(op.f('ix_content_search_version_id'), 'content_search', ['version_id'], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        # SQLite has no Swedish stemmer: the body goes in stemmed (lms.content.search).
        op.execute(
            "CREATE VIRTUAL TABLE content_search_fts USING fts5("
            "stems, tokenize = 'unicode61 remove_diacritics 0')"
        )
    else:
        from lms.content.search import TSVECTOR

        op.execute(f"CREATE INDEX ix_content_search_document ON content_search USING gin ({TSVECTOR})")
    _backfill(bind)


def _backfill(bind):
    """Index the modules of every version stored before this revision."""
    from lms.content import search

    versions = sa.table('content_version', sa.column('id'), sa.column('language'))
    modules = sa.table(
        'content_module', sa.column('id'), sa.column('version_id'), sa.column('number'),
        sa.column('title'), sa.column('html'), sa.column('translations', sa.JSON()),
    )
    languages = dict(bind.execute(sa.select(versions.c.id, versions.c.language)).all())
    rows = []
    for m in bind.execute(sa.select(modules).order_by(modules.c.version_id, modules.c.number)):
        texts = {languages[m.version_id]: (m.title, m.html)}
        for lang, t in (m.translations or {}).items():
            texts[lang] = (t.get('title', ''), t.get('html', ''))
        for lang, (title, body) in texts.items():
            rows.append({
                'version_id': m.version_id, 'module_id': m.id, 'language': lang,
                'body': f"{title}\n{search.plain_text(body)}",
            })
    search.store(rows, connection=bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.execute("DROP TABLE content_search_fts")
    else:
        op.execute("DROP INDEX ix_content_search_document")
    op.drop_index(op.f('ix_content_search_version_id'), table_name='content_search')
    op.drop_index(op.f('ix_content_search_module_id'), table_name='content_search')
    op.drop_table('content_search')
