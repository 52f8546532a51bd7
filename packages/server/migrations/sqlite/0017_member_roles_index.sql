-- Every committed event in a public channel other than `guest` is withheld from the
-- workspace's guests, so the live tailer looks them up by role for each batch.
CREATE INDEX workspace_members_role ON workspace_members(workspace_id, role);
