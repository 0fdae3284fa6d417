"""the orchestrator's LLM calls pass the emergency pause (mcc_budget_reserve's p_pause_exempt)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Only PostgreSQL has the server-side reserve (SQLite runs mcc/budget/serialized.py):
# the function gains p_pause_exempt, which skips the pause check and nothing else (see
# mcc.budget.holds.ReserveRequest for why). It defaults to false, so a worker not yet
# upgraded that calls it with nine arguments keeps being refused while paused.
OLD_SIGNATURE = "integer, text, integer, text, numeric, timestamptz, date, interval, numeric"
NEW_SIGNATURE = f"{OLD_SIGNATURE}, boolean"

RESERVE = """-- Reserve a call's worst case at every level, or say why not. Statuses: held, reused
-- (the key's hold is still held), settled (the key's call was charged already), paused
-- (unless p_pause_exempt: the person's orchestrator), refused (with the levels), missing
-- (ledger rows to create first), foreign (another owner's key). Ledger rows are locked
-- in (day, level_key) order, like everywhere else.
CREATE FUNCTION mcc_budget_reserve(
    p_owner integer, p_key text, p_project integer, p_agent text, p_amount numeric,
    p_now timestamptz, p_day date, p_ttl interval, p_default numeric,
    p_pause_exempt boolean DEFAULT false
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
    IF NOT p_pause_exempt AND EXISTS (SELECT 1 FROM system_state
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
"""

# The function as migration 0003 created it, restored by the downgrade.
RESERVE_BEFORE = """-- Reserve a call's worst case at every level, or say why not. Statuses: held, reused
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
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION mcc_budget_reserve({OLD_SIGNATURE})")
        op.execute(RESERVE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION mcc_budget_reserve({NEW_SIGNATURE})")
        op.execute(RESERVE_BEFORE)
