/**
 * The GraphQL operations the interpreter runs: one per intent, written as an analyst would paste it
 * into the playground, with its variables. What the interpreter answers is what these return.
 */
export type Intent =
  | "PROJECTS" | "PARTNERS" | "FUNDERS_OF_PROJECT" | "FUNDERS_OF_ACTOR" | "FUNDED_BY" | "PATH"
  | "WHEN_PROJECT" | "WHEN_EVENT" | "SPEAKERS" | "PARTICIPANTS" | "EVENT_PROJECTS";

export interface Operation {
  intent: Intent;
  count: boolean;
  /** What the operation answers, in the question's language. */
  description: string;
  query: string;
  variables: Record<string, unknown>;
}

const SOURCES = "sources { quote source { id title } }";
const PROJECT_FIELDS = `id name kind startYear endYear
        participants { role actor { id name } }
        ${SOURCES}`;

export const QUERIES: Record<Intent, (count: boolean) => string> = {
  PROJECTS: (count) => count
    ? `query Ask($filter: ProjectFilter) {
  projects(filter: $filter) {
    totalCount
    resolvedReferences { reference name type matchedBy }
  }
}`
    : `query Ask($filter: ProjectFilter, $first: Int) {
  projects(filter: $filter, first: $first) {
    totalCount
    resolvedReferences { reference name type matchedBy }
    edges { node { ${PROJECT_FIELDS} } }
  }
}`,
  FUNDED_BY: (count) => QUERIES.PROJECTS(count),
  PARTNERS: () => `query Ask($actor: String!, $filter: PartnerFilter, $first: Int) {
  partners(actor: $actor, filter: $filter, first: $first) {
    actor { id name }
    sharedProjects firstYear lastYear projectIds
  }
}`,
  FUNDERS_OF_PROJECT: () => `query Ask($project: String!) {
  project(reference: $project) {
    id name
    funders { id name }
    funding { id amount currency date funder { id name } ${SOURCES} }
    participants(roles: ["funder", "supporter"]) { role actor { id name } ${SOURCES} }
  }
}`,
  FUNDERS_OF_ACTOR: () => `query Ask($actor: String!) {
  actor(reference: $actor) {
    id name
    funders { id name }
    fundingReceived { id amount currency date funder { id name } project { id name } ${SOURCES} }
  }
}`,
  PATH: () => `query Ask($from: String!, $to: String!, $maxHops: Int!, $relationshipTypes: [String!]) {
  paths(from: $from, to: $to, maxHops: $maxHops, relationshipTypes: $relationshipTypes) {
    length
    nodes { id label kind }
    steps { from { id label } to { id label } type role forward ${SOURCES} }
  }
}`,
  WHEN_PROJECT: () => `query Ask($project: String!) {
  project(reference: $project) { id name startYear endYear startDate endDate ${SOURCES} }
}`,
  WHEN_EVENT: () => `query Ask($event: String!) {
  event(reference: $event) { id name startDate endDate partOf { id name startDate endDate } ${SOURCES} }
}`,
  SPEAKERS: () => `query Ask($event: String!) {
  event(reference: $event) {
    id name
    speakers { role actor { id name ... on Person { positions { title organization { id name } } } } ${SOURCES} }
    sessions { id name speakers { role actor { id name ... on Person { positions { title organization { id name } } } } ${SOURCES} } }
  }
}`,
  PARTICIPANTS: () => `query Ask($project: String!) {
  project(reference: $project) {
    id name
    participants { role actor { id name } ${SOURCES} }
  }
}`,
  EVENT_PROJECTS: () => `query Ask($event: String!) {
  event(reference: $event) {
    id name
    projects { id name startYear endYear ${SOURCES} }
    sessions { id name projects { id name startYear endYear ${SOURCES} } }
  }
}`,
};
