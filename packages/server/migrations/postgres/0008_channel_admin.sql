-- Channel topic and purpose (Slack's two channel texts).
ALTER TABLE channels ADD COLUMN topic TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE channels ADD COLUMN purpose TEXT COLLATE "C" NOT NULL DEFAULT '';
