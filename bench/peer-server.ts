/**
 * The peer: @neo4j/graphql serving type definitions equivalent to ours over the same database,
 * through Apollo Server. Started by bench/run.ts as its own process: NEO4J_URI, PORT.
 */
import http from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

export const PEER_TYPE_DEFS = /* GraphQL */ `
  type Participation @relationshipProperties { role: String }
  type Actor @node {
    id: ID!
    name: String!
    nameKey: String
    basedIn: [Country!]! @relationship(type: "BASED_IN", direction: OUT)
    projects: [Project!]! @relationship(type: "PARTICIPATES_IN", direction: OUT, properties: "Participation")
    funded: [Funding!]! @relationship(type: "FUNDED", direction: OUT)
  }
  type Project @node {
    id: ID!
    name: String!
    nameKey: String
    startKey: String
    startDate: String
    startYear: Int
    endYear: Int
    participants: [Actor!]! @relationship(type: "PARTICIPATES_IN", direction: IN, properties: "Participation")
    themes: [Theme!]! @relationship(type: "ABOUT", direction: OUT)
    countries: [Country!]! @relationship(type: "TAKES_PLACE_IN", direction: OUT)
    funding: [Funding!]! @relationship(type: "FUNDS", direction: IN)
  }
  type Country @node {
    id: ID!
    code: String!
    name: String!
    actors: [Actor!]! @relationship(type: "BASED_IN", direction: IN)
  }
  type Theme @node {
    id: ID!
    name: String!
    projects: [Project!]! @relationship(type: "ABOUT", direction: IN)
  }
  type Funding @node {
    id: ID!
    amount: String
    currency: String
    date: String
    funders: [Actor!]! @relationship(type: "FUNDED", direction: IN)
  }
`;

async function main() {
  const driver = neo4j.driver(process.env.NEO4J_URI ?? "bolt://127.0.0.1:7687");
  const schema = await new Neo4jGraphQL({ typeDefs: PEER_TYPE_DEFS, driver }).getSchema();
  const apollo = new ApolloServer({ schema, csrfPrevention: false });
  await apollo.start();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const raw = Buffer.concat(chunks).toString("utf8");
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "POST", headers, search: "", body: raw ? JSON.parse(raw) : undefined },
        context: async () => ({}),
      });
      for (const [k, v] of response.headers) res.setHeader(k, v);
      res.statusCode = response.status ?? 200;
      res.end(response.body.kind === "complete" ? response.body.string : "");
    });
  });
  server.listen(Number(process.env.PORT ?? 4001), "127.0.0.1", () => console.log(`peer ready on ${process.env.PORT ?? 4001}`));
  const stop = async () => { server.close(); await apollo.stop(); await driver.close(); process.exit(0); };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => { console.error(err); process.exit(1); });
