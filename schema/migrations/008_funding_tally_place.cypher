// fundingFlows from the tallies without a year bound filters on place alone: the (place, year)
// composite index cannot serve that, and tallies of undated flows are not in it.
CREATE INDEX funding_tally_place IF NOT EXISTS FOR (t:FundingTally) ON (t.place);
