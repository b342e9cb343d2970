/**
 * ask() on the seed: the user's sentence in English and Spanish, the question set's seed half, the
 * operation shown being the one that ran (pasted back into /graphql, it gives the same data), and
 * hostile input over HTTP (never a 5xx).
 */
import { afterAll, describe, expect, it } from "vitest";
import { interpret, yearRange } from "../../src/domain/ask/interpreter.js";
import { words } from "../../src/domain/ask/text.js";
import { apiSuite } from "../support/api.js";
import { graphCounts } from "../support/db.js";
import { ASK_FIELDS, QUESTIONS, mistakes } from "./questions.js";

const suite = apiSuite();
const { db, gql } = suite;

async function ask(question: string, language?: "EN" | "ES") {
  const res = await gql(`query($q: String!, $l: AskLanguage) { ask(question: $q, language: $l) { ${ASK_FIELDS} } }`, { q: question, l: language ?? null });
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  return res.data!.ask;
}

/** As a GraphQL-over-HTTP client that reads status codes (application/graphql-response+json). */
async function raw(body: unknown) {
  const res = await fetch(`${suite.server.url}graphql`, {
    method: "POST", headers: { "content-type": "application/json", accept: "application/graphql-response+json" }, body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("the user's sentence", () => {
  for (const [question, language, mention] of [
    ["Which programs involved UNODC and Peru?", "EN", "UNODC"],
    ["¿Qué programas involucraron a la ONUDD y a Perú?", "ES", "ONUDD"],
  ] as const) {
    it(`answers "${question}" with the Cybercrime Conferences, their quote and the operation it ran`, async () => {
      const a = await ask(question);
      expect(a.understood).toBe(true);
      expect(a.language).toBe(language);
      expect(a.resolvedReferences.map((m: any) => [m.text, m.id, m.matchedBy])).toEqual([[mention, "organization:unodc", "acronym"], [question.includes("Perú") ? "Perú" : "Peru", "country:PE", "name"]]);
      expect(a.interpretation.intent).toBe("PROJECTS");
      expect(a.interpretation.variables).toEqual({ filter: { involvingAll: ["organization:unodc", "country:PE"] }, first: 50 });
      expect(a.interpretation.operation).toContain("projects(filter: $filter, first: $first)");
      expect(a.answer.items.map((i: any) => i.id)).toEqual(["project:cybercrime-conferences"]);
      expect(a.answer.count).toBe(1);
      expect(a.citations).toContainEqual(expect.objectContaining({
        about: "project:cybercrime-conferences", sourceId: "source:iap27-mahiques-abstract",
        quote: expect.stringContaining("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)"),
      }));
    });
  }

  it("shows an operation that, pasted into /graphql with its variables, gives exactly the answer's data", async () => {
    for (const question of ["Which programs involved UNODC and Peru?", "¿Quién financió el proyecto DMI?", "How is UNODC connected to the IDB?", "Who spoke at the IAP 27th Annual Conference?"]) {
      const a = await ask(question);
      const pasted = await gql(a.interpretation.operation, a.interpretation.variables);
      expect(pasted.errors, question).toBeUndefined();
      expect(pasted.data, question).toEqual(a.answer.data);
    }
  });

  it("answers who funded the DMI project honestly: no funding recorded, the IDB's support shown as support", async () => {
    const a = await ask("¿Quién financió el proyecto DMI?");
    expect(a.interpretation).toMatchObject({ intent: "FUNDERS_OF_PROJECT", variables: { project: "project:dmi-open-drug-markets" } });
    expect(a.answer.summary).toBe("No hay financiamiento registrado para DMI project on open drug markets. Las fuentes indican apoyo (no financiamiento) de Inter-American Development Bank.");
    expect(a.answer.items).toEqual([{ id: "organization:idb", name: "Inter-American Development Bank", type: "Actor", detail: "supporter" }]);
    expect(a.citations.some((c: any) => c.about === "organization:idb supporter project:dmi-open-drug-markets")).toBe(true);
  });
});

describe("acronyms and codes written in capitals", () => {
  it("reads 'the US' as the United States, not as the word 'us' (which asked about every project)", async () => {
    const a = await ask("How many projects in the US?");
    expect(a.resolvedReferences.map((m: any) => [m.text, m.id])).toEqual([["US", "country:US"]]);
    expect(a.interpretation.variables.filter).toEqual({ involvingAll: ["country:US"] });
    const [all, us] = await Promise.all([gql("{ projects { totalCount } }"), gql(`{ projects(filter: { involvingAll: ["country:US"] }) { totalCount } }`)]);
    expect(a.answer.count).toBe(us.data!.projects.totalCount);
    expect(a.answer.count).toBeLessThan(all.data!.projects.totalCount);
    // Lower case it is a word, and the question asks about every project.
    expect((await ask("how many projects are there for us?")).resolvedReferences).toEqual([]);
    // A word in capitals is never a bare country code: IT is not Italy, AI not Anguilla, IN not India.
    for (const question of ["How many IT projects in Peru?", "How many projects about AI in Peru?", "Which projects IN Peru involved UNODC?"]) {
      const ids = (await ask(question)).resolvedReferences.map((m: any) => m.id);
      expect(ids, question).not.toEqual(expect.arrayContaining([expect.stringMatching(/^country:(IT|AI|IN)$/)]));
      expect(ids, question).toContain("country:PE");
    }
  });
});

describe("the question set, seed half", () => {
  const seed = QUESTIONS.filter((q) => q.dataset === "seed");
  const results: { id: string; right: boolean }[] = [];
  afterAll(() => {
    const right = results.filter((r) => r.right).length;
    console.log(`ask question set (seed): ${right}/${results.length} answered right (${((100 * right) / results.length).toFixed(1)}%)`);
  });
  it("has questions in both languages and of every form", () => {
    expect(seed.length).toBeGreaterThanOrEqual(55);
    expect(new Set(seed.map((q) => q.language))).toEqual(new Set(["EN", "ES"]));
    expect(new Set(seed.map((q) => q.intent).filter(Boolean))).toEqual(new Set(["PROJECTS", "PARTNERS", "FUNDERS_OF_PROJECT", "FUNDED_BY", "PATH", "WHEN_PROJECT", "SPEAKERS", "PARTICIPANTS", "EVENT_PROJECTS"]));
  });
  for (const q of seed) {
    it(`${q.id}: ${q.question}`, async () => {
      const a = await ask(q.question);
      const wrong = mistakes(q, a);
      results.push({ id: q.id, right: !wrong.length });
      expect(wrong).toEqual([]);
    });
  }
});

describe("not understood, never a guess", () => {
  it("names the unknown word and offers the closest readings without running them", async () => {
    const a = await ask("Which projects involved UNODC and Atlantis?");
    expect(a).toMatchObject({ understood: false, interpretation: null, answer: null, citations: [] });
    expect(a.notUnderstood.unknownWords).toEqual(["Atlantis"]);
    expect(a.notUnderstood.reason).toBe('"Atlantis" is neither a known name nor a word I can read');
    expect(a.notUnderstood.closest.map((c: any) => c.variables)).toContainEqual({ filter: { involvingAll: ["organization:unodc"] }, first: 50 });
  });

  it("offers the suggested entity for a misspelling it cannot settle, in Spanish for a Spanish question", async () => {
    const a = await ask("¿Quién habló en la sesión Heads of Prosecution Servces?");
    expect(a.understood).toBe(false);
    expect(a.language).toBe("ES");
    expect(a.notUnderstood.reason).toMatch(/^no conozco/);
  });

  it("tolerates one typo the way search does, and says so", async () => {
    const a = await ask("Which projects involved UNDOC?");
    expect(a.resolvedReferences).toEqual([expect.objectContaining({ text: "UNDOC", id: "organization:unodc", matchedBy: '"UNODC" (one typo)' })]);
  });

  it("refuses a path with one end, and a single name with no question", async () => {
    expect((await ask("How is UNODC connected?")).notUnderstood.reason).toBe("a path needs two entities; the question names 1");
    const bare = await ask("DMI");
    expect(bare.understood).toBe(false);
    expect(bare.notUnderstood.reason).toBe("no question form fits these words");
  });

  it("takes the language it is told", async () => {
    expect((await ask("UNODC partners", "ES")).language).toBe("ES");
  });
});

describe("hostile input over HTTP: a coded error or not understood, never a 5xx", () => {
  const query = `query($q: String!) { ask(question: $q) { understood notUnderstood { reason unknownWords } } }`;
  it("refuses an empty or blank question with BAD_USER_INPUT", async () => {
    for (const q of ["", "   \n\t "]) {
      const { status, body } = await raw({ query, variables: { q } });
      expect(status).toBeLessThan(500);
      expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
      expect(body.errors[0].message).toContain("the question is empty");
    }
  });

  it("refuses 10,000 characters with BAD_USER_INPUT naming the limit", async () => {
    const { status, body } = await raw({ query, variables: { q: "Which programs involved UNODC and Peru? ".repeat(250) } });
    expect(status).toBeLessThan(500);
    expect(body.errors[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", maxLength: 500 });
  });

  it("answers only punctuation, symbols and emoji with not understood", async () => {
    for (const q of ["?!?!...;;;", "¿¡()[]{}<>", "🙂🙃 ✓ ∑", "\u0000\u0001\u0002"]) {
      const { status, body } = await raw({ query, variables: { q } });
      expect(status, q).toBe(200);
      expect(body.data.ask.understood, q).toBe(false);
    }
  });

  it("answers an unknown name with not understood and leaves the graph untouched by injection attempts", async () => {
    const before = await graphCounts(db);
    for (const q of ["Which projects involved Narnia?", "Projects of \") MATCH (n) DETACH DELETE n //", "UNODC\" OR 1=1 --", "projects involving ${process.env} and {{7*7}}"]) {
      const { status, body } = await raw({ query, variables: { q } });
      expect(status, q).toBe(200);
      expect(body.data.ask.understood, q).toBe(false);
      expect(body.data.ask.notUnderstood.unknownWords.length, q).toBeGreaterThan(0);
    }
    expect(await graphCounts(db)).toEqual(before);
  });

  it("refuses a missing or non-string question with GraphQL's own 400", async () => {
    for (const variables of [{}, { q: 42 }, { q: null }]) {
      const { status, body } = await raw({ query, variables });
      expect(status).toBe(400);
      expect(body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    }
    const wrongLanguage = await raw({ query: `{ ask(question: "UNODC", language: FR) { understood } }` });
    expect(wrongLanguage.status).toBe(400);
  });
});

describe("the interpreter's rules on their own", () => {
  it("reads year ranges in both languages", () => {
    expect(yearRange(words("between 2020 and 2021"))).toEqual({ activeFrom: 2020, activeTo: 2021 });
    expect(yearRange(words("entre 2021 y 2019"))).toEqual({ activeFrom: 2019, activeTo: 2021 });
    expect(yearRange(words("desde 2019"))).toEqual({ activeFrom: 2019 });
    expect(yearRange(words("until 2018"))).toEqual({ activeTo: 2018 });
    expect(yearRange(words("in 2020"))).toEqual({ activeFrom: 2020, activeTo: 2020 });
    // "after" and "before" leave the year itself out; "since" and "until" keep it.
    expect(yearRange(words("after 2019"))).toEqual({ activeFrom: 2020 });
    expect(yearRange(words("despues de 2019"))).toEqual({ activeFrom: 2020 });
    expect(yearRange(words("before 2018"))).toEqual({ activeTo: 2017 });
    expect(yearRange(words("antes de 2018"))).toEqual({ activeTo: 2017 });
    // The same with two years: each keeps what its own word says.
    expect(yearRange(words("after 2019 and before 2022"))).toEqual({ activeFrom: 2020, activeTo: 2021 });
    expect(yearRange(words("from 2019 until 2022"))).toEqual({ activeFrom: 2019, activeTo: 2022 });
    expect(yearRange(words("project 12345"))).toEqual({});
  });

  it("puts actors and countries in involvingAny for 'or', themes and regions in their own filters", () => {
    const reading = {
      words: words("projects of A or B on C in D"), named: new Set([2, 4, 6, 8]), language: "en" as const,
      entities: [{ id: "organization:a", name: "A", type: "Organization" as const }, { id: "country:BB", name: "B", type: "Country" as const },
        { id: "theme:c", name: "C", type: "Theme" as const }, { id: "region:d", name: "D", type: "Region" as const }],
    };
    const result = interpret(reading);
    expect("operation" in result && result.operation.variables).toEqual({
      filter: { involvingAny: ["organization:a", "country:BB"], themes: ["theme:c"], regions: ["region:d"] }, first: 50,
    });
  });

  it("describes every criterion it applies, with places and themes named in the question's language", async () => {
    const described = async (question: string) => (await ask(question)).interpretation.description;
    expect(await described("¿Cuántos proyectos involucraron a Perú?")).toBe("Cuántos proyectos con Perú");
    expect(await described("Cuántos proyectos con Peru")).toBe("Cuántos proyectos con Perú");
    expect(await described("¿Qué proyectos tratan sobre capacitación?")).toBe("Proyectos sobre Capacitación");
    expect(await described("Proyectos sobre ciberdelito en América Latina entre 2020 y 2021")).toBe("Proyectos en América Latina y el Caribe sobre Ciberdelito activos 2020-2021");
    expect(await described("Who were the partners of the IDB in 2021?")).toBe("Partners of Inter-American Development Bank in shared projects active in 2021");
    expect(await described("¿Quiénes fueron los socios del BID en 2021?")).toBe("Socios de Inter-American Development Bank en proyectos en común activos en 2021");
  });

  it("says within how many steps and through what it looked when no path connects two entities", async () => {
    // No actor of the seed is based in Japan and no project takes place there.
    const a = await ask("How is Japan connected to UNODC?");
    expect(a.interpretation.description).toBe("How Japan is connected to United Nations Office on Drugs and Crime (cooperation relationships and BASED_IN, TAKES_PLACE_IN)");
    expect(a.answer).toMatchObject({ summary: "No path of at most 6 steps connects them.", count: 0 });
    expect((await ask("¿Cómo se conecta Japón con la ONUDD?")).answer.summary).toBe("Ningún camino de 6 pasos o menos los conecta.");
  });

  it("reads 'and' between themes as projects on all of them, as between actors", () => {
    const reading = {
      words: words("projects on C and E"), named: new Set([2, 4]), language: "en" as const,
      entities: [{ id: "theme:c", name: "C", type: "Theme" as const }, { id: "theme:e", name: "E", type: "Theme" as const }],
    };
    const result = interpret(reading);
    expect("operation" in result && result.operation.variables).toEqual({ filter: { involvingAll: ["theme:c", "theme:e"] }, first: 50 });
    expect("operation" in result && result.operation.description).toBe("Projects on all of C, E");
    // An "and" that joins something else leaves the themes as any of them.
    const themesOnly = (text: string, named: number[]) => interpret({ words: words(text), named: new Set(named), language: "en" as const,
      entities: [{ id: "theme:c", name: "C", type: "Theme" as const }, { id: "theme:e", name: "E", type: "Theme" as const }] });
    const ranged = themesOnly("projects on C, E between 2019 and 2021", [2, 3]);
    expect("operation" in ranged && ranged.operation.variables).toEqual({ filter: { themes: ["theme:c", "theme:e"], activeFrom: 2019, activeTo: 2021 }, first: 50 });
    const withActors = interpret({ words: words("projects of A and B on C, E"), named: new Set([2, 4, 6, 7]), language: "en" as const,
      entities: [{ id: "organization:a", name: "A", type: "Organization" as const }, { id: "organization:b", name: "B", type: "Organization" as const },
        { id: "theme:c", name: "C", type: "Theme" as const }, { id: "theme:e", name: "E", type: "Theme" as const }] });
    expect("operation" in withActors && withActors.operation.variables).toEqual({
      filter: { involvingAll: ["organization:a", "organization:b"], themes: ["theme:c", "theme:e"] }, first: 50,
    });
  });
});
