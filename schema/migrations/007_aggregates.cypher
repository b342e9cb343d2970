// Aggregates kept current on write (src/db/aggregates.ts): funding tallies per place, funder,
// currency, year and flow type. A tally is found by its key on write and by (place, year) on read.
CREATE CONSTRAINT funding_tally_key IF NOT EXISTS FOR (t:FundingTally) REQUIRE t.key IS UNIQUE;
CREATE INDEX funding_tally_place_year IF NOT EXISTS FOR (t:FundingTally) ON (t.place, t.year);
CREATE CONSTRAINT aggregate_state_id IF NOT EXISTS FOR (s:AggregateState) REQUIRE s.id IS UNIQUE;
// Theme tallies: one node per distinct theme set (and `*`), read whole by a scan of this index.
CREATE CONSTRAINT theme_set_tally_key IF NOT EXISTS FOR (t:ThemeSetTally) REQUIRE t.key IS UNIQUE;
