-- Schema 4: running history totals. Pruning on every insert used to sum
-- stored_bytes over the whole table; it now reads this one row. Triggers
-- keep it exact in the same transaction as any insert, delete or resize of
-- a history row, whichever code (or process) makes it.

CREATE TABLE history_totals (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    entries INTEGER NOT NULL,
    bytes   INTEGER NOT NULL
) STRICT;

INSERT INTO history_totals (id, entries, bytes)
SELECT 1, count(*), coalesce(sum(stored_bytes), 0) FROM history;

CREATE TRIGGER history_totals_insert AFTER INSERT ON history BEGIN
    UPDATE history_totals
       SET entries = entries + 1, bytes = bytes + NEW.stored_bytes WHERE id = 1;
END;

CREATE TRIGGER history_totals_delete AFTER DELETE ON history BEGIN
    UPDATE history_totals
       SET entries = entries - 1, bytes = bytes - OLD.stored_bytes WHERE id = 1;
END;

CREATE TRIGGER history_totals_resize AFTER UPDATE OF stored_bytes ON history BEGIN
    UPDATE history_totals
       SET bytes = bytes - OLD.stored_bytes + NEW.stored_bytes WHERE id = 1;
END;

-- History now stores the validated method (`GET`, not `get`); older rows
-- of the standard methods are brought in line so filters see one spelling.
UPDATE history SET method = upper(method)
 WHERE upper(method) IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT')
   AND method != upper(method);
