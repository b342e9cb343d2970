// Projects written before `involvedPlaces` was maintained on write get it once (graph-writer.ts,
// PROJECT_DERIVED, keeps it exact afterwards). Projects that have it are skipped: cheap at each start.
MATCH (p:Project) WHERE p.involvedPlaces IS NULL
CALL (p) {
  SET p.involvedPlaces = COLLECT {
    CALL (p) {
      MATCH (p)<-[:PARTICIPATES_IN]-(:Actor)-[:BASED_IN]->(c:Country)-[:IN_REGION*0..4]->(x) RETURN x.id AS place
      UNION MATCH (p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) RETURN x.id AS place }
    RETURN place ORDER BY place }
} IN TRANSACTIONS OF 2000 ROWS;
