ALTER TABLE users ADD COLUMN password_digest varchar(255);
ALTER TABLE users ADD COLUMN api_token_hash char(64);
CREATE INDEX idx_users_api_token_hash ON users (api_token_hash);
UPDATE settings SET value = 'enabled' WHERE key = 'password_reset';
