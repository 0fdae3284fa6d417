"""budget usage notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:53:52.813695
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# PostgreSQL runs the per-call budget bookkeeping server-side: one round trip
# each for reserve and settle, so the owner's ledger rows stay locked for
# microseconds, not for several client round trips. They implement the rules of
# mcc/budget/serialized.py (which SQLite uses); the same tests run on both.
PG_FUNCTIONS = (
    """
CREATE OR REPLACE FUNCTION mcc_budget_levels(p_project integer, p_agent text)
RETURNS TABLE (out_key text, out_scope text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'global'::text, 'global'::text
    UNION ALL
    SELECT 'project:' || p_project, 'project' WHERE p_project IS NOT NULL
    UNION ALL
    SELECT 'agent:' || p_project || ':' || p_agent, 'agent'
    WHERE p_project IS NOT NULL AND coalesce(p_agent, '') <> ''
$$
""",
    """
-- Each level's limit in USD (NULL: bounded only by the levels above), as mcc.budget.levels.
CREATE OR REPLACE FUNCTION mcc_budget_limits(
    p_owner integer, p_project integer, p_agent text, p_default numeric
) RETURNS TABLE (out_key text, out_limit numeric)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    global_limit numeric;
    project_share numeric;
    agent_share numeric;
    project_limit numeric;
BEGIN
    SELECT daily_usd INTO global_limit FROM budget_limits
     WHERE owner_id = p_owner AND level_key = 'global';
    global_limit := trunc(coalesce(global_limit, p_default), 10);
    out_key := 'global'; out_limit := global_limit; RETURN NEXT;
    IF p_project IS NULL THEN RETURN; END IF;
    SELECT share_pct INTO project_share FROM budget_limits
     WHERE owner_id = p_owner AND level_key = 'project:' || p_project;
    project_limit := trunc(global_limit * project_share / 100, 10);
    out_key := 'project:' || p_project; out_limit := project_limit; RETURN NEXT;
    IF coalesce(p_agent, '') = '' THEN RETURN; END IF;
    SELECT share_pct INTO agent_share FROM budget_limits
     WHERE owner_id = p_owner AND level_key = 'agent:' || p_project || ':' || p_agent;
    out_key := 'agent:' || p_project || ':' || p_agent;
    out_limit := trunc(coalesce(project_limit, global_limit) * agent_share / 100, 10);
    RETURN NEXT;
END $$
""",
    """
-- The levels of a call on a day as JSON: spent, reserved, limit, alerts sent (top-down).
CREATE OR REPLACE FUNCTION mcc_budget_state(
    p_owner integer, p_day date, p_limits jsonb
) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'key', b.level_key, 'spent', b.spent_usd, 'reserved', b.reserved_usd,
               'limit', p_limits->b.level_key, 'warning_sent', b.warning_sent_at IS NOT NULL,
               'critical_sent', b.critical_sent_at IS NOT NULL)
             ORDER BY CASE b.scope WHEN 'global' THEN 0 WHEN 'project' THEN 1 ELSE 2 END),
           '[]'::jsonb)
      FROM budget_ledger b
     WHERE b.owner_id = p_owner AND b.day = p_day AND p_limits ? b.level_key
$$
""",
    """
-- Reserve a call's worst case at every level, or say why not. Statuses: held, reused
-- (the key's hold is still held), settled (the key's call was charged already), paused,
-- refused (with the levels), missing (ledger rows to create first), foreign (another
-- owner's key). Ledger rows are locked in (day, level_key) order, like everywhere else.
CREATE OR REPLACE FUNCTION mcc_budget_reserve(
    p_owner integer, p_key text, p_project integer, p_agent text, p_amount numeric,
    p_now timestamptz, p_day date, p_ttl interval, p_default numeric
) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    mine record;
    has_mine boolean;
    expired_ids integer[];
    wanted_days date[];
    wanted_keys text[];
    locked integer;
    gone record;
    lvl record;
    limits jsonb;
    lim numeric;
BEGIN
    SELECT id, owner_id, state, day, project_id, agent_name, amount_usd INTO mine
      FROM budget_reservations WHERE idempotency_key = p_key;
    has_mine := FOUND;
    IF has_mine AND mine.owner_id <> p_owner THEN
        RETURN jsonb_build_object('status', 'foreign');
    END IF;
    IF has_mine AND mine.state = 'settled' THEN
        RETURN jsonb_build_object('status', 'settled');
    END IF;
    IF EXISTS (SELECT 1 FROM system_state
                WHERE key = 'emergency_pause:' || p_owner AND value->>'paused' = 'true') THEN
        RETURN jsonb_build_object('status', 'paused');
    END IF;
    IF has_mine AND mine.state = 'reserved' THEN
        UPDATE budget_reservations SET expires_at = p_now + p_ttl
         WHERE id = mine.id AND state = 'reserved';
        IF FOUND THEN
            RETURN jsonb_build_object(
                'status', 'reused', 'day', mine.day, 'project_id', mine.project_id,
                'agent_name', mine.agent_name, 'amount', mine.amount_usd);
        END IF;
    END IF;

    -- Limits are read before locking: the lock is then held for the checks and writes only.
    SELECT jsonb_object_agg(out_key, out_limit) INTO limits
      FROM mcc_budget_limits(p_owner, p_project, p_agent, p_default);
    SELECT array_agg(id) INTO expired_ids FROM budget_reservations
     WHERE owner_id = p_owner AND state = 'reserved' AND expires_at < p_now
       AND idempotency_key <> p_key;
    SELECT array_agg(w.d ORDER BY w.d, w.k), array_agg(w.k ORDER BY w.d, w.k)
      INTO wanted_days, wanted_keys
      FROM (SELECT p_day AS d, l.out_key AS k FROM mcc_budget_levels(p_project, p_agent) l
            UNION
            SELECT r.day, l.out_key FROM budget_reservations r,
                   mcc_budget_levels(r.project_id, r.agent_name) l
             WHERE r.id = ANY(coalesce(expired_ids, '{}'))) w;
    PERFORM 1 FROM budget_ledger b
      WHERE b.owner_id = p_owner
        AND (b.day, b.level_key) IN (SELECT * FROM unnest(wanted_days, wanted_keys))
      ORDER BY b.day, b.level_key
      FOR UPDATE;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(wanted_keys) THEN
        RETURN jsonb_build_object('status', 'missing');
    END IF;

    -- Expired holds are released now that their rows are locked (unless settled or retried meanwhile).
    IF expired_ids IS NOT NULL THEN
        FOR gone IN
            UPDATE budget_reservations SET state = 'released', closed_at = p_now
             WHERE id = ANY(expired_ids) AND state = 'reserved' AND expires_at < p_now
            RETURNING day, project_id, agent_name, amount_usd
        LOOP
            UPDATE budget_ledger SET reserved_usd = greatest(reserved_usd - gone.amount_usd, 0)
             WHERE owner_id = p_owner AND day = gone.day
               AND level_key IN (SELECT out_key FROM mcc_budget_levels(gone.project_id, gone.agent_name));
        END LOOP;
    END IF;

    FOR lvl IN
        SELECT b.level_key, b.spent_usd, b.reserved_usd
          FROM budget_ledger b
         WHERE b.owner_id = p_owner AND b.day = p_day AND limits ? b.level_key
         ORDER BY CASE b.scope WHEN 'global' THEN 0 WHEN 'project' THEN 1 ELSE 2 END
    LOOP
        lim := (limits->>lvl.level_key)::numeric;
        IF lim IS NOT NULL AND lvl.spent_usd + lvl.reserved_usd + p_amount > lim THEN
            RETURN jsonb_build_object(
                'status', 'refused', 'refused', lvl.level_key,
                'levels', mcc_budget_state(p_owner, p_day, limits));
        END IF;
    END LOOP;

    UPDATE budget_ledger SET reserved_usd = reserved_usd + p_amount
     WHERE owner_id = p_owner AND day = p_day
       AND level_key IN (SELECT out_key FROM mcc_budget_levels(p_project, p_agent));
    IF has_mine THEN
        UPDATE budget_reservations
           SET day = p_day, project_id = p_project, agent_name = p_agent, amount_usd = p_amount,
               cost_usd = NULL, state = 'reserved', expires_at = p_now + p_ttl, closed_at = NULL
         WHERE id = mine.id;
    ELSE
        INSERT INTO budget_reservations
            (idempotency_key, owner_id, day, project_id, agent_name, amount_usd, state,
             expires_at, created_at)
        VALUES (p_key, p_owner, p_day, p_project, p_agent, p_amount, 'reserved',
                p_now + p_ttl, p_now);
    END IF;
    RETURN jsonb_build_object('status', 'held');
END $$
""",
    """
-- Turn a hold into the real cost and record the call's usage, once. Statuses: charged
-- (with the levels, for alerts), settled (charged before), missing (ledger rows).
CREATE OR REPLACE FUNCTION mcc_budget_settle(
    p_owner integer, p_key text, p_day date, p_project integer, p_agent text,
    p_cost numeric, p_now timestamptz, p_default numeric,
    p_agent_type text, p_model text, p_tokens_in integer, p_tokens_out integer,
    p_cost_source text, p_conversation integer, p_task text
) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    locked integer;
    hold record;
    held numeric;
    limits jsonb;
BEGIN
    SELECT jsonb_object_agg(out_key, out_limit) INTO limits
      FROM mcc_budget_limits(p_owner, p_project, p_agent, p_default);
    PERFORM 1 FROM budget_ledger
      WHERE owner_id = p_owner AND day = p_day
        AND level_key IN (SELECT out_key FROM mcc_budget_levels(p_project, p_agent))
      ORDER BY day, level_key
      FOR UPDATE;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < (SELECT count(*) FROM mcc_budget_levels(p_project, p_agent)) THEN
        RETURN jsonb_build_object('status', 'missing');
    END IF;
    SELECT id, state, amount_usd INTO hold
      FROM budget_reservations WHERE idempotency_key = p_key AND owner_id = p_owner FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no budget reservation for this idempotency key';
    END IF;
    IF hold.state = 'settled' THEN
        RETURN jsonb_build_object('status', 'settled');
    END IF;
    -- A hold released (expired) while the call ran is not counted any more; the
    -- money was spent all the same.
    held := CASE WHEN hold.state = 'reserved' THEN hold.amount_usd ELSE 0 END;
    UPDATE budget_ledger
       SET spent_usd = spent_usd + p_cost, reserved_usd = greatest(reserved_usd - held, 0)
     WHERE owner_id = p_owner AND day = p_day
       AND level_key IN (SELECT out_key FROM mcc_budget_levels(p_project, p_agent));
    UPDATE budget_reservations SET state = 'settled', cost_usd = p_cost, closed_at = p_now
     WHERE id = hold.id;
    INSERT INTO token_usage
        (owner_id, day, project_id, agent_name, agent_type, model, tokens_in, tokens_out,
         cost_usd, cost_source, conversation_id, task_id, idempotency_key, created_at)
    VALUES (p_owner, p_day, p_project, coalesce(p_agent, ''), p_agent_type, p_model,
            p_tokens_in, p_tokens_out, p_cost, p_cost_source, p_conversation, p_task, p_key,
            p_now);
    RETURN jsonb_build_object(
        'status', 'charged', 'levels', mcc_budget_state(p_owner, p_day, limits));
END $$
""",
)

DROP_PG_FUNCTIONS = (
    "DROP FUNCTION IF EXISTS mcc_budget_settle(integer, text, date, integer, text, numeric, timestamptz, numeric, text, text, integer, integer, text, integer, text)",
    "DROP FUNCTION IF EXISTS mcc_budget_reserve(integer, text, integer, text, numeric, timestamptz, date, interval, numeric)",
    "DROP FUNCTION IF EXISTS mcc_budget_state(integer, date, jsonb)",
    "DROP FUNCTION IF EXISTS mcc_budget_limits(integer, integer, text, numeric)",
    "DROP FUNCTION IF EXISTS mcc_budget_levels(integer, text)",
)


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('model_prices',
    sa.Column('base_url', sa.String(length=500), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('input_usd_per_token', sa.Numeric(precision=24, scale=18), nullable=False),
    sa.Column('output_usd_per_token', sa.Numeric(precision=24, scale=18), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('base_url', 'model', name=op.f('pk_model_prices'))
    )
    op.create_table('system_state',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_system_state'))
    )
    op.create_table('budget_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('level_key', sa.String(length=160), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=100), nullable=True),
    sa.Column('spent_usd', sa.Numeric(precision=20, scale=10), nullable=False),
    sa.Column('reserved_usd', sa.Numeric(precision=20, scale=10), nullable=False),
    sa.Column('warning_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('critical_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_budget_ledger_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_ledger')),
    sa.UniqueConstraint('owner_id', 'day', 'level_key', name=op.f('uq_budget_ledger_owner_id_day_level_key'))
    )
    op.create_table('budget_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=100), nullable=True),
    sa.Column('amount_usd', sa.Numeric(precision=20, scale=10), nullable=False),
    sa.Column('cost_usd', sa.Numeric(precision=20, scale=10), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_budget_reservations_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_reservations')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_budget_reservations_idempotency_key'))
    )
    with op.batch_alter_table('budget_reservations', schema=None) as batch_op:
        batch_op.create_index('ix_budget_reservations_owner_state_expiry', ['owner_id', 'state', 'expires_at'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_notifications_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('owner_id', 'dedupe_key', name=op.f('uq_notifications_owner_id_dedupe_key'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_owner_created', ['owner_id', 'created_at'], unique=False)

    op.create_table('budget_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=100), nullable=True),
    sa.Column('level_key', sa.String(length=160), nullable=False),
    sa.Column('daily_usd', sa.Numeric(precision=20, scale=10), nullable=True),
    sa.Column('share_pct', sa.Numeric(precision=7, scale=4), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('daily_usd IS NULL OR daily_usd >= 0', name=op.f('ck_budget_limits_daily_usd_non_negative')),
    sa.CheckConstraint('share_pct IS NULL OR (share_pct >= 0 AND share_pct <= 100)', name=op.f('ck_budget_limits_share_pct_range')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_budget_limits_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_budget_limits_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_limits')),
    sa.UniqueConstraint('owner_id', 'level_key', name=op.f('uq_budget_limits_owner_id_level_key'))
    )
    with op.batch_alter_table('budget_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_limits_project_id'), ['project_id'], unique=False)

    op.create_table('token_usage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('agent_name', sa.String(length=100), nullable=False),
    sa.Column('agent_type', sa.String(length=50), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('tokens_in', sa.Integer(), nullable=False),
    sa.Column('tokens_out', sa.Integer(), nullable=False),
    sa.Column('cost_usd', sa.Numeric(precision=20, scale=10), nullable=False),
    sa.Column('cost_source', sa.String(length=16), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=300), nullable=True),
    sa.Column('idempotency_key', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_token_usage_owner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_token_usage_project_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_token_usage')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_token_usage_idempotency_key'))
    )
    with op.batch_alter_table('token_usage', schema=None) as batch_op:
        batch_op.create_index('ix_token_usage_owner_day', ['owner_id', 'day'], unique=False)

    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROP_PG_FUNCTIONS:
            op.execute(statement)
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('token_usage', schema=None) as batch_op:
        batch_op.drop_index('ix_token_usage_owner_day')

    op.drop_table('token_usage')
    with op.batch_alter_table('budget_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_limits_project_id'))

    op.drop_table('budget_limits')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_owner_created')

    op.drop_table('notifications')
    with op.batch_alter_table('budget_reservations', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_reservations_owner_state_expiry')

    op.drop_table('budget_reservations')
    op.drop_table('budget_ledger')
    op.drop_table('system_state')
    op.drop_table('model_prices')
    # ### end Alembic commands ###
