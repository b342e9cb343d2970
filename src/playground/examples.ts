/** The analyst questions the playground opens with; the README shows the same ones. */
export const EXAMPLE_QUERIES: { title: string; query: string }[] = [
  {
    title: "Programs with UNODC and Peru",
    query: `# Which programs involved UNODC and Peru?
# A reference is an id, a name, an acronym or an alias (English or Spanish), or a country's name or code.
query ProgramsWithUnodcAndPeru {
  projects(filter: { involvingAll: ["UNODC", "Peru"] }) {
    totalCount
    resolvedReferences { reference name type matchedBy }
    edges {
      node {
        name
        kind
        startYear
        endYear
        themes { name }
        participants { role actor { name } }
        sources { quote source { title } }
      }
    }
  }
}
`,
  },
  {
    title: "Partners of the Chilean prosecution service",
    query: `# Who has the Chilean prosecution service worked with, and on what?
query ChileanProsecutionService {
  actor(reference: "Fiscalía de Chile") {
    name
    officialName
    basedIn { name }
    participations {
      edges {
        node {
          role
          project {
            name
            participants { role actor { name basedIn { code } } }
          }
        }
      }
    }
  }
}
`,
  },
  {
    title: "Cybercrime in Latin America (en español)",
    query: `# Proyectos sobre ciberdelito en América Latina, 2020-2021
query CibercrimenAmericaLatina {
  projects(filter: { themes: ["Ciberdelito"], regions: ["América Latina"], activeFrom: 2020, activeTo: 2021 }) {
    edges { node { name involvedCountries { nameEs } } }
  }
}
`,
  },
  {
    title: "Search with a typo",
    query: `# Search tolerates case, accents and typos: "UNDOC" finds UNODC.
query Search {
  search(text: "UNDOC") {
    score
    item {
      __typename
      ... on Organization { id name acronyms }
      ... on Agency { id name }
      ... on Project { id name }
    }
  }
}
`,
  },
  {
    title: "Who spoke where",
    query: `# The conference, its session, who spoke and what was presented
query Conference {
  events {
    name
    kind
    partOf { name }
    speakers { role actor { name ... on Person { positions { title organization { name } } } } }
    projects { name }
  }
}
`,
  },
];
