-- Access management over the API (issue 13, docs/decisions.md D36). Expand-only (D9): new nullable columns.
--  * expires_at: the key is refused from this database time on (NULL: never). A rotation sets the old key's
--    expires_at to the end of its grace period.
--  * replaced_by: the key that a rotation issued in its place (a rotated key cannot be rotated again).
ALTER TABLE api_key ADD COLUMN expires_at timestamptz;
ALTER TABLE api_key ADD COLUMN replaced_by text REFERENCES api_key (key_id);
ALTER TABLE api_key ADD CONSTRAINT api_key_not_replaced_by_itself CHECK (replaced_by IS NULL OR replaced_by <> key_id);
