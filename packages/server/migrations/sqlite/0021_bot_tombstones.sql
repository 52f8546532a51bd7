-- A deleted bot stays as a user (its messages keep their author) but loses its handle, which
-- anyone may then take; the handle it had and who deleted it are kept on the row, so every
-- place that presents a user shows a retired bot as such without a second lookup.
ALTER TABLE users ADD COLUMN former_handle TEXT;
ALTER TABLE users ADD COLUMN deleted_by TEXT REFERENCES users(id) ON DELETE SET NULL;
