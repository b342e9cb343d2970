// fundingFlows' top groups (`first`) over a year window, by a threshold algorithm (Q8T,
// src/domain/analytics/analytics.repository.ts, topFundingGroups): for each kind of flow and
// currency (pairKey) and year of the window, the tallies in order of their total. `totalValue` is
// the exact decimal `total` as a double, for the index's numeric order (exact comparisons settle
// near-ties); the sorted seek reads only the first K entries of each year, which hold group, total and counts.
CREATE INDEX funding_tally_ranked_entries IF NOT EXISTS FOR (t:FundingTally) ON (t.place, t.pairKey, t.year, t.totalValue, t.groupKey, t.total, t.flows, t.unknown);
// A candidate group's tallies over the window (the threshold algorithm's random access), from the
// index entries alone.
CREATE INDEX funding_tally_group IF NOT EXISTS FOR (t:FundingTally) ON (t.place, t.groupKey, t.year, t.total, t.flows, t.unknown);
// One FundingTallyList per (place, pairKey, year) that holds dated tallies, with their number:
// which per-year lists a window has, without reading the tallies.
CREATE CONSTRAINT funding_tally_list_key IF NOT EXISTS FOR (l:FundingTallyList) REQUIRE l.key IS UNIQUE;
CREATE INDEX funding_tally_list_place IF NOT EXISTS FOR (l:FundingTallyList) ON (l.place, l.year, l.pairKey, l.tallies);
