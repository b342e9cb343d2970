// The write version and its change records (src/db/graph-version.ts): one lookup by id, one range scan by version.
CREATE CONSTRAINT graph_version_id IF NOT EXISTS FOR (v:GraphVersion) REQUIRE v.id IS UNIQUE;
CREATE INDEX graph_change_version IF NOT EXISTS FOR (c:GraphChange) ON (c.version);
