/** Every query the explorer sends, each a named operation of the public API. */

export const SEARCH = `query ExplorerSearch($text: String!) {
  search(text: $text, first: 8) {
    score
    item {
      __typename
      ... on Node { id }
      ... on Actor { name }
      ... on Project { name }
      ... on Country { name }
      ... on Region { name }
      ... on Theme { name }
      ... on Event { name }
    }
  }
}`;

export const NEIGHBORHOOD = `query ExplorerNeighborhood($of: String!, $hops: Int!, $maxNodes: Int!) {
  neighborhood(of: $of, hops: $hops, maxNodes: $maxNodes) {
    truncated
    omitted
    nodes { id kind label startYear endYear }
    edges { source target type role }
  }
}`;

/** The relationships between entities already drawn: places are linked to actors and projects only by these. */
export const LINKS = `query ExplorerLinks($ids: [ID!]!, $types: [String!]) {
  linksAmong(ids: $ids, relationshipTypes: $types) { source target type role }
}`;

export const PATH = `query ExplorerPath($from: String!, $to: String!) {
  paths(from: $from, to: $to) {
    length
    nodes { id kind label startYear endYear }
    steps { type role forward from { id label } to { id label } sources { quote source { title } } }
  }
}`;

export const THEMES = `query ExplorerThemes { themes { id name } }`;

/**
 * A country searched alone: what involves it. The actors based there, and the projects located in it
 * or with an actor from there, those with the most participants first (at most $first of each).
 */
export const COUNTRY_INVOLVEMENT = `query ExplorerCountryInvolvement($country: String!, $first: Int!, $actorsCounted: Int!) {
  country(reference: $country) {
    id
    actors(first: $actorsCounted) { __typename id name }
  }
  projects(filter: { countries: [$country] }, first: $first, sort: { field: PARTICIPANTS, direction: DESC }) {
    totalCount
    edges { node { id name startYear endYear } }
  }
}`;

/**
 * A region searched alone: the projects it is involved in (those with the most participants first,
 * at most $first), their participants with where they are based, and where the projects take place,
 * each country with the regions it lies in (nearest first), so that the region is reached through them.
 */
export const REGION_INVOLVEMENT = `query ExplorerRegionInvolvement($region: String!, $first: Int!) {
  region(reference: $region) { id }
  projects(filter: { regions: [$region] }, first: $first, sort: { field: PARTICIPANTS, direction: DESC }) {
    totalCount
    edges { node {
      id name startYear endYear
      countries { id name regions { id name } }
      participants { actor { __typename id name basedIn { id name regions { id name } } } }
    } }
  }
}`;

/** The cooperation relationships (participations, positions, memberships) between entities already drawn. */
export const COOPERATION_LINKS = `query ExplorerCooperationLinks($ids: [ID!]!) {
  linksAmong(ids: $ids) { source target type role }
}`;

/**
 * The theme and year filters, asked of the API for the projects drawn: which of each group of ids
 * (at most 100, a page's size: filters.ts FILTER_PAGE, so that no page has a second) pass the themes and years. One alias per group.
 */
export function projectFilterQuery(groups: number): string {
  const ids = Array.from({ length: groups }, (_, i) => i);
  return `query ExplorerProjectFilter(${ids.map((i) => `$ids${i}: [ID!]!`).join(", ")}, $themes: [String!], $from: Int, $to: Int) {
${ids.map((i) => `  p${i}: projects(filter: { ids: $ids${i}, themes: $themes, activeFrom: $from, activeTo: $to }, first: 100) { edges { node { id } } }`).join("\n")}
}`;
}

const CITATIONS = `sources { quote source { title kind } }`;

export const ACTOR = `query ExplorerActor($id: String!) {
  actor(reference: $id) {
    __typename id name acronyms aliases officialName
    basedIn { name }
    ... on Agency { jurisdiction jurisdictionArea }
    ... on Organization { organizationType iatiRef headquarters }
    ${CITATIONS}
    participations(first: 50) { edges { node { role project { id name startYear endYear } ${CITATIONS} } } }
  }
}`;

export const PROJECT = `query ExplorerProject($id: String!) {
  project(reference: $id) {
    id name kind startYear endYear description
    themes { name } involvedCountries { name }
    ${CITATIONS}
    participants { role actor { id name } ${CITATIONS} }
  }
}`;

export const COUNTRY = `query ExplorerCountry($id: String!) { country(reference: $id) { id name nameEs code ${CITATIONS} } }`;
export const REGION = `query ExplorerRegion($id: String!) { region(reference: $id) { id name ${CITATIONS} } }`;
export const EVENT = `query ExplorerEvent($id: String!) { event(reference: $id) { id name kind startDate endDate ${CITATIONS} speakers { role actor { id name } } } }`;
export const THEME_DETAILS = `query ExplorerTheme { themes { id name nameEs ${CITATIONS} } }`;

/** The Ask box: a question in English or Spanish, read into an operation of this same API and run. */
export const ASK = `query ExplorerAsk($question: String!, $language: AskLanguage) {
  ask(question: $question, language: $language) {
    question understood language
    interpretation { intent description operation variables count }
    resolvedReferences { text id name type matchedBy candidates { id name type } }
    answer { summary count items { id name type detail } }
    notUnderstood { reason unknownWords closest { description } }
  }
}`;
