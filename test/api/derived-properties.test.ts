/**
 * Properties the write side maintains for filters (issue 13): every project's `involvedPlaces` and
 * `participantCount` must equal a from-scratch computation after every kind of write: the seed and
 * importers (graph-writer), the editing mutations, merges and deletes.
 */
import { describe, expect, it } from "vitest";
import { INVOLVED_PLACES } from "../../src/model/involvement.js";
import { adminSuiteOverSeed } from "../support/api.js";

const CITE = `citation: { source: "source:coopgraph-enrichment", quote: "test fact" }`;
const { db, admin, importJson } = adminSuiteOverSeed("derived");

async function involved(projectId: string): Promise<string[]> {
  const [row] = await db.read("MATCH (p:Project {id: $id}) RETURN p.involvedPlaces AS places", { id: projectId });
  return row!.places as string[];
}

/** Every project whose stored derived properties differ from what its relationships say now. */
async function stale(): Promise<unknown[]> {
  return db.read(`
    MATCH (p:Project)
    WITH p, ${INVOLVED_PLACES} AS places, COUNT { MATCH (a:Actor)-[:PARTICIPATES_IN]->(p) RETURN DISTINCT a } AS participants
    WHERE p.involvedPlaces IS NULL OR p.involvedPlaces <> places OR p.participantCount <> participants
    RETURN p.id AS id, p.involvedPlaces AS stored, places, p.participantCount AS storedCount, participants`);
}

async function projectsIn(country: string): Promise<string[]> {
  const data = await admin(`query($c: [String!]) { projects(filter: { countries: $c }, first: 100) { totalCount edges { node { id } } } }`, { c: [country] });
  const ids = data.projects.edges.map((e: { node: { id: string } }) => e.node.id).sort();
  expect(data.projects.totalCount).toBe(ids.length);
  return ids;
}

describe("projects' involved places, kept on write", () => {
  it("are right after the seed: participants' countries and their regions", async () => {
    expect(await involved("project:cybercrime-conferences")).toEqual(expect.arrayContaining(["country:AR", "country:CR", "country:PA", "country:PE", "region:419"]));
    expect(await involved("project:cybercrime-conferences")).not.toContain("country:CL");
    expect(await stale()).toEqual([]);
  });

  it("follow a new and a removed BASED_IN of a participant (addRelationship, removeRelationship)", async () => {
    await admin(`mutation { addRelationship(input: { type: BASED_IN, from: "group:prosecutors-peru", to: "Uruguay", ${CITE} }) { id } }`);
    expect(await involved("project:cybercrime-conferences")).toContain("country:UY");
    expect(await projectsIn("Uruguay")).toEqual(["project:cybercrime-conferences"]);
    await admin(`mutation { removeRelationship(type: BASED_IN, from: "group:prosecutors-peru", to: "PE") }`);
    expect(await involved("project:cybercrime-conferences")).not.toContain("country:PE");
    expect(await projectsIn("Peru")).toEqual([]);
    expect(await stale()).toEqual([]);
  });

  it("follow participations added and removed, and places a project takes place in", async () => {
    await admin(`mutation { addParticipation(input: { actor: "agency:fiscalia-chile", project: "project:dmi-open-drug-markets", role: "partner", ${CITE} }) { id } }`);
    expect(await involved("project:dmi-open-drug-markets")).toContain("country:CL");
    await admin(`mutation { addRelationship(input: { type: TAKES_PLACE_IN, from: "project:dmi-open-drug-markets", to: "Japan", ${CITE} }) { id } }`);
    expect(await involved("project:dmi-open-drug-markets")).toEqual(expect.arrayContaining(["country:JP", "region:142", "region:030"]));
    await admin(`mutation { removeParticipation(actor: "agency:fiscalia-chile", project: "project:dmi-open-drug-markets", role: "partner") }`);
    expect(await projectsIn("Chile")).toEqual(["project:training-programs-chile"]);
    expect(await stale()).toEqual([]);
  });

  it("follow merges and deletes of actors and places", async () => {
    const created = await admin(`mutation { upsertActor(input: { kind: AGENCY, name: "Fiscalía de Prueba", basedIn: ["BO"], ${CITE} }) { id } }`);
    const dupe = created.upsertActor.id as string;
    await admin(`mutation { addParticipation(input: { actor: "${dupe}", project: "project:victim-satisfaction-evaluation", role: "partner", ${CITE} }) { id } }`);
    expect(await projectsIn("Bolivia")).toEqual(["project:victim-satisfaction-evaluation"]);
    // The duplicate's projects move to the kept actor (based in Chile); Bolivia stays only through the moved BASED_IN.
    await admin(`mutation { mergeEntities(keep: "agency:fiscalia-chile", remove: "${dupe}") { id } }`);
    expect(await involved("project:training-programs-chile")).toContain("country:BO");
    expect(await stale()).toEqual([]);
    await admin(`mutation { deleteEntity(id: "country:BO") { id } }`);
    expect(await involved("project:victim-satisfaction-evaluation")).not.toContain("country:BO");
    expect(await stale()).toEqual([]);
    await admin(`mutation { deleteEntity(id: "agency:fiscalia-chile") { id } }`);
    expect(await projectsIn("Chile")).toEqual([]);
    expect(await stale()).toEqual([]);
  });

  it("follow an import, and a region placed in another region", async () => {
    const doc = {
      sources: [{ id: "source:derived-test", kind: "test", title: "derived" }],
      nodes: [
        { id: "project:derived-test", type: "Project", name: "Derived test", kind: "test", sources: [{ source: "source:derived-test", quote: "q" }] },
        { id: "region:derived-test", type: "Region", name: "Test region", sources: [{ source: "source:derived-test", quote: "q" }] },
      ],
      relationships: [
        { type: "TAKES_PLACE_IN", from: "project:derived-test", to: "region:005", sources: [{ source: "source:derived-test", quote: "q" }] },
      ],
    };
    await importJson(doc);
    expect(await involved("project:derived-test")).toEqual(expect.arrayContaining(["region:005", "region:419"]));
    expect(await involved("project:derived-test")).not.toContain("country:AR");
    const nested = { relationships: [{ type: "IN_REGION", from: "region:419", to: "region:derived-test", sources: [{ source: "source:derived-test", quote: "q" }] }] };
    await importJson(nested);
    expect(await involved("project:derived-test")).toContain("region:derived-test");
    expect(await involved("project:cybercrime-conferences")).toContain("region:derived-test");
    expect(await stale()).toEqual([]);
  });
});
