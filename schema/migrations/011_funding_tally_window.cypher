// fundingFlows by funder for a place and a year window (Q8) from this index's entries alone: the
// seek on (place, year) yields each tally's group, pair and counts without reading the tally
// (src/db/aggregates.ts, fundingTallyWindowKeys: pairKey and groupKey are never null, so every
// dated tally is in it).
CREATE INDEX funding_tally_window IF NOT EXISTS FOR (t:FundingTally) ON (t.place, t.year, t.pairKey, t.groupKey, t.total, t.flows, t.unknown);
