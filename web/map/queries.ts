export const MATRIX = `query MapCooperation($filter: ProjectFilter, $within: String) {
  cooperationMatrix(level: COUNTRY, filter: $filter, within: $within) {
    a { code name } b { code name } sharedProjects
  }
}`;

export const FILTER_OPTIONS = `query MapFilterOptions { themes { id name } regions { code name } }`;

export const COUNTRY_PROJECTS = `query MapCountryProjects($filter: ProjectFilter) {
  projects(filter: $filter, first: 50, sort: { field: START_DATE, direction: DESC }) {
    totalCount
    edges { node { id name startYear endYear participants { role actor { id name basedIn { code name } } } } }
  }
}`;
