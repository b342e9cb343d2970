// Projects written before `involvedPlaces` was maintained on write get it once (graph-writer.ts and
// shared/involvement.ts keep it exact afterwards). Projects that have it are skipped: cheap at each start.
MATCH (p:Project) WHERE p.involvedPlaces IS NULL
CALL (p) {
  SET p.involvedPlaces = COLLECT {
    UNWIND [(p)<-[:PARTICIPATES_IN]-()-[:BASED_IN]->()-[:IN_REGION*0..4]->(x) | x.id]
         + [(p)-[:TAKES_PLACE_IN]->()-[:IN_REGION*0..4]->(x) | x.id] AS place
    RETURN DISTINCT place ORDER BY place }
} IN TRANSACTIONS OF 2000 ROWS;
