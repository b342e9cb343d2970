// Entity resolution: analysts' judgements on candidate duplicates, and the record of each merge
// (what the removed entity was, and every relationship it had) so that a merge can be split again.
CREATE CONSTRAINT judgement_id IF NOT EXISTS FOR (n:Judgement) REQUIRE n.id IS UNIQUE;
CREATE INDEX judgement_a IF NOT EXISTS FOR (n:Judgement) ON (n.a);
CREATE INDEX judgement_b IF NOT EXISTS FOR (n:Judgement) ON (n.b);
CREATE CONSTRAINT merge_record_id IF NOT EXISTS FOR (n:MergeRecord) REQUIRE n.id IS UNIQUE;
CREATE INDEX merge_record_removed IF NOT EXISTS FOR (n:MergeRecord) ON (n.removed);
CREATE INDEX merge_record_keep IF NOT EXISTS FOR (n:MergeRecord) ON (n.keep);
