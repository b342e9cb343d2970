// The partner tallies (src/db/aggregates.ts): an actor's strongest partners are an ordered seek on
// its PARTNERS_WITH relationships by `shared`, whichever end of them it is (a: the smaller id).
CREATE INDEX partners_with_a IF NOT EXISTS FOR ()-[t:PARTNERS_WITH]-() ON (t.a, t.shared);
CREATE INDEX partners_with_b IF NOT EXISTS FOR ()-[t:PARTNERS_WITH]-() ON (t.b, t.shared);
