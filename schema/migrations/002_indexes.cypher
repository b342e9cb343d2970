// Lookups the API makes besides ids: external identifiers, sort keys, filters.
CREATE INDEX actor_iati_ref IF NOT EXISTS FOR (n:Actor) ON (n.iatiRef);
CREATE INDEX actor_name_key IF NOT EXISTS FOR (n:Actor) ON (n.nameKey, n.id);
CREATE INDEX project_iati_identifier IF NOT EXISTS FOR (n:Project) ON (n.iatiIdentifier);
CREATE INDEX project_name_key IF NOT EXISTS FOR (n:Project) ON (n.nameKey, n.id);
CREATE INDEX project_start IF NOT EXISTS FOR (n:Project) ON (n.startKey, n.id);
CREATE INDEX project_participants IF NOT EXISTS FOR (n:Project) ON (n.participantCount, n.id);
CREATE INDEX project_kind IF NOT EXISTS FOR (n:Project) ON (n.kind);
CREATE INDEX project_years IF NOT EXISTS FOR (n:Project) ON (n.startYear, n.endYear);
CREATE INDEX event_name_key IF NOT EXISTS FOR (n:Event) ON (n.nameKey, n.id);
CREATE INDEX region_code IF NOT EXISTS FOR (n:Region) ON (n.code);
CREATE INDEX theme_name_key IF NOT EXISTS FOR (n:Theme) ON (n.nameKey, n.id);
CREATE INDEX participation_role IF NOT EXISTS FOR ()-[r:PARTICIPATES_IN]-() ON (r.role);
