/**
 * The one door from the domain into the write path: mutations write records through the same
 * validation and batched MERGEs as the importers, and `importData` runs the import pipeline.
 * Domain modules import ingest only from here (a lint rule checks it).
 */
export {
  validateNode, validateRelationship, writeValidRecords,
  projectsAround, refreshProjects, refreshProjectsAround, touchedByRelationship, STUB_LABEL_FOLLOWS,
  type NodeRecord, type Provenance, type Rejection, type RelationshipRecord, type SourceRecord,
} from "./graph-writer.js";
export { ImportError, importFile } from "./import-pipeline.js";
export { FieldConflict, STORED_FIELDS, completeUpdate, type StoredFields } from "./partial-update.js";
export { currentIds, entitiesByIatiKey, mergedAway, type IatiKey } from "./merges.js";
export { XmlSyntaxError } from "./iati/xml-stream.js";
export { listsOf, replacedEntries, setProvenance } from "./provenance.js";
