-- Event cursors on PostgreSQL follow transaction ids: `cur_x` + hex(base + the appending
-- transaction's id) + hex(its n-th event), and readers stop below the oldest transaction
-- that may still append one (src/store/pg-cursor.ts). `x` sorts above every earlier,
-- ULID-based cursor, which therefore stay valid.
--
-- `base` (0 while there is no row) is raised only when the stored cursors are ahead of the
-- cluster's transaction ids, as after a restore into a fresh cluster, so that new cursors
-- still sort above them.
CREATE TABLE event_cursor_base (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  base BIGINT NOT NULL
);

-- The cursor every event below which is committed for good, as of the calling statement's
-- snapshot (a STABLE function sees its caller's): base + the oldest transaction id the
-- snapshot holds running, or, with none, its first unassigned one. Transactions of other
-- databases of the cluster cannot append here, so those pg_stat_activity names are left out
-- (one it no longer names, or hides from this role, only makes the bound lower, never wrong).
CREATE FUNCTION clickclack_event_bound() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT 'cur_x' || lpad(to_hex(
    coalesce((SELECT b.base FROM event_cursor_base b WHERE b.id = 1), 0)
    + coalesce(
        (SELECT min(x::text::bigint)
           FROM pg_snapshot_xip(pg_current_snapshot()) AS x
          WHERE xid(x) NOT IN (
            SELECT a.backend_xid
              FROM pg_stat_get_activity(NULL) AS a
             WHERE a.backend_xid IS NOT NULL
               AND a.datid <> (SELECT d.oid FROM pg_database d
                                WHERE d.datname = current_database()))),
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint)), 16, '0') COLLATE "C"
$$;
