// Round 13: a project that is only a reference (an IATI related activity never imported, `stub: true`)
// carries the label ProjectStub beside Project (src/model/model.ts): lists, counts, search, analytics
// and exports leave it out, the count store counts it. The writers keep the label equal to `stub`;
// a graph imported before gets it here, by a seek on `project_stub` (finds nothing once done).
CREATE INDEX project_stub IF NOT EXISTS FOR (n:Project) ON (n.stub);
MATCH (p:Project) WHERE p.stub = true AND NOT p:ProjectStub SET p:ProjectStub;
