// Round 13: a merge keeps the removed entity's IATI organisation ref or activity identifier on its
// record, so that an import or an upsert naming that identifier writes into the entity it was
// merged into instead of creating the duplicate again (src/ingest/merges.ts).
CREATE INDEX merge_record_removed_iati_ref IF NOT EXISTS FOR (n:MergeRecord) ON (n.removedIatiRef);
CREATE INDEX merge_record_removed_iati_identifier IF NOT EXISTS FOR (n:MergeRecord) ON (n.removedIatiIdentifier);
// Records written before keep the removed entity's properties as JSON (removedProps, written by
// JSON.stringify: no spaces); its identifier is read from there once. Identifiers hold no quotes or
// backslashes; one that would is left alone.
MATCH (m:MergeRecord) WHERE m.removedIatiRef IS NULL AND m.removedProps CONTAINS '"iatiRef":"'
WITH m, split(split(m.removedProps, '"iatiRef":"')[1], '"')[0] AS ref WHERE NOT ref CONTAINS '\\' AND ref <> ''
SET m.removedIatiRef = ref;
MATCH (m:MergeRecord) WHERE m.removedIatiIdentifier IS NULL AND m.removedProps CONTAINS '"iatiIdentifier":"'
WITH m, split(split(m.removedProps, '"iatiIdentifier":"')[1], '"')[0] AS identifier WHERE NOT identifier CONTAINS '\\' AND identifier <> ''
SET m.removedIatiIdentifier = identifier;
