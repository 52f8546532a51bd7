-- Channel topic and purpose (Slack's two channel texts).
ALTER TABLE channels ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
