-- A counter that moves with every change to what a send reads from the
-- database (services, users, credentials, service tokens, settings), so a
-- process can keep those reads in memory and tell, with one small read,
-- whether any process changed them. History does not move it.
CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;

INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TRIGGER services_changed_insert AFTER INSERT ON services BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER services_changed_update AFTER UPDATE ON services BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER services_changed_delete AFTER DELETE ON services BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER users_changed_insert AFTER INSERT ON users BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER users_changed_update AFTER UPDATE ON users BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER users_changed_delete AFTER DELETE ON users BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER credentials_changed_insert AFTER INSERT ON credentials BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER credentials_changed_update AFTER UPDATE ON credentials BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER credentials_changed_delete AFTER DELETE ON credentials BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;

CREATE TRIGGER service_tokens_changed_insert AFTER INSERT ON service_tokens BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER service_tokens_changed_update AFTER UPDATE ON service_tokens BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER service_tokens_changed_delete AFTER DELETE ON service_tokens BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;

-- The next free history id is bookkeeping of history, not a setting.
CREATE TRIGGER meta_changed_insert AFTER INSERT ON meta
WHEN NEW.key != 'history_next_id' BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER meta_changed_update AFTER UPDATE ON meta
WHEN NEW.key != 'history_next_id' BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER meta_changed_delete AFTER DELETE ON meta
WHEN OLD.key != 'history_next_id' BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
END;
