/**
 * The interpreter's readings (who funds whom, several funders, paths to places and themes, descriptions), on the
 * words as ask() reads them and the entities its name lookup would find (the lookup itself is tested
 * on the database in test/ask).
 */
import { describe, expect, it } from "vitest";
import { COOPERATION_TYPES } from "../../src/model/model.js";
import { interpret, type MentionedEntity } from "../../src/domain/ask/interpreter.js";
import { detectLanguage } from "../../src/domain/ask/lexicon.js";
import { words, type Word } from "../../src/domain/ask/text.js";

const ENTITIES: Record<string, MentionedEntity> = {
  undp: { id: "organization:undp", name: "UNDP", type: "Organization" },
  pnud: { id: "organization:undp", name: "UNDP", type: "Organization" },
  usaid: { id: "organization:usaid", name: "USAID", type: "Agency" },
  "us usagov": { id: "organization:iati:US-USAGOV", name: "United States", type: "Organization" },
  peru: { id: "country:PE", name: "Peru", nameEs: "Perú", type: "Country" },
  unodc: { id: "organization:unodc", name: "UNODC", type: "Organization" },
  idb: { id: "organization:idb", name: "IDB", type: "Organization" },
  cybercrime: { id: "theme:cybercrime", name: "Cybercrime", nameEs: "Ciberdelito", type: "Theme" },
  "latin america": { id: "region:419", name: "Latin America and the Caribbean", nameEs: "América Latina y el Caribe", type: "Region" },
};
ENTITIES.onudd = ENTITIES.unodc!;
ENTITIES.ciberdelito = ENTITIES.cybercrime!;
ENTITIES["america latina"] = ENTITIES["latin america"]!;

/** The question's words with the names above marked, as findMentions leaves them. */
function read(question: string) {
  const list: Word[] = words(question);
  const named = new Set<number>();
  const entities: MentionedEntity[] = [];
  for (let i = 0; i < list.length; i++) {
    for (const length of [2, 1]) {
      const entity = ENTITIES[list.slice(i, i + length).map((w) => w.text).join(" ")];
      if (!entity || list.slice(i, i + length).length < length) continue;
      for (let k = i; k < i + length; k++) named.add(k);
      if (!entities.some((e) => e.id === entity.id)) entities.push(entity);
      i += length - 1;
      break;
    }
  }
  const result = interpret({ words: list, named, entities, language: detectLanguage(question, list) });
  if (!("operation" in result)) throw new Error(`not understood: ${result.problem}`);
  return result.operation;
}

const fundedBy = (funder: string) => ({ intent: "FUNDED_BY", filter: { funders: [funder] } });
const fundersOf = (actor: string) => ({ intent: "FUNDERS_OF_ACTOR", actor });

describe("who funds whom", () => {
  it.each([
    ["¿Qué financia US-USAGOV?", fundedBy("organization:iati:US-USAGOV")],
    ["¿Qué proyectos financió el PNUD?", fundedBy("organization:undp")],
    ["¿Qué financió el PNUD?", fundedBy("organization:undp")],
    ["¿Cuántos proyectos financió el PNUD?", fundedBy("organization:undp")],
    ["¿Qué proyectos fueron financiados por el PNUD?", fundedBy("organization:undp")],
    ["¿A quién financió el PNUD?", fundedBy("organization:undp")],
    ["¿Qué patrocinó el PNUD?", fundedBy("organization:undp")],
    ["Who did UNDP fund?", fundedBy("organization:undp")],
    ["Whom does UNDP fund?", fundedBy("organization:undp")],
    ["What did UNDP fund?", fundedBy("organization:undp")],
    ["What does US-USAGOV fund?", fundedBy("organization:iati:US-USAGOV")],
    ["How many projects did UNDP fund?", fundedBy("organization:undp")],
    ["Projects funded by UNDP", fundedBy("organization:undp")],
    ["Who was funded by UNDP?", fundedBy("organization:undp")],
    ["Who funds UNDP?", fundersOf("organization:undp")],
    ["Who funded UNDP?", fundersOf("organization:undp")],
    ["Who are the funders of UNDP?", fundersOf("organization:undp")],
    ["¿Quién financia al PNUD?", fundersOf("organization:undp")],
    ["¿Quién financió el PNUD?", fundersOf("organization:undp")],
    ["¿Quiénes son los financiadores del PNUD?", fundersOf("organization:undp")],
    ["¿Quiénes son los donantes del PNUD?", fundersOf("organization:undp")],
  ])("%s", (question, expected) => {
    const op = read(question);
    expect(op.intent).toBe(expected.intent);
    if ("filter" in expected) expect(op.variables.filter).toEqual(expected.filter);
    else expect(op.variables).toEqual({ actor: expected.actor });
  });
});

describe("several funders: and is all of them, or is any of them", () => {
  const both = ["organization:undp", "organization:usaid"];
  it.each([
    ["Which projects did UNDP and USAID fund?", { fundersAll: both }, "Projects funded by all of UNDP, USAID"],
    ["How many projects did UNDP and USAID fund?", { fundersAll: both }, "How many projects funded by all of UNDP, USAID"],
    ["Which projects did UNDP or USAID fund?", { funders: both }, "Projects funded by any of UNDP, USAID"],
    ["Which projects did UNDP or USAID fund between 2019 and 2021?", { funders: both, activeFrom: 2019, activeTo: 2021 }, "Projects funded by any of UNDP, USAID active 2019-2021"],
    ["¿Qué proyectos financiaron el PNUD y USAID?", { fundersAll: both }, "Proyectos financiados por todos: UNDP, USAID"],
    ["¿Cuántos proyectos financiaron el PNUD o USAID?", { funders: both }, "Cuántos proyectos financiados por cualquiera de UNDP, USAID"],
  ])("%s", (question, filter, description) => {
    const op = read(question);
    expect(op.intent).toBe("FUNDED_BY");
    expect(op.variables.filter).toEqual(filter);
    expect(op.description).toBe(description);
  });
});

describe("paths to places and themes", () => {
  it.each([
    ["How is Peru connected to UNODC?", ["BASED_IN", "TAKES_PLACE_IN"], "How Peru is connected to UNODC (cooperation relationships and BASED_IN, TAKES_PLACE_IN)"],
    ["¿Cómo se conecta Perú con la ONUDD?", ["BASED_IN", "TAKES_PLACE_IN"], "Cómo se conecta Perú con UNODC (relaciones de cooperación y BASED_IN, TAKES_PLACE_IN)"],
    ["How is cybercrime connected to UNODC?", ["ABOUT"], "How Cybercrime is connected to UNODC (cooperation relationships and ABOUT)"],
    ["How is Latin America connected to the IDB?", ["IN_REGION", "BASED_IN", "TAKES_PLACE_IN"], "How Latin America and the Caribbean is connected to IDB (cooperation relationships and IN_REGION, BASED_IN, TAKES_PLACE_IN)"],
  ])("%s follows the relationships that attach the place or theme", (question, added, description) => {
    const op = read(question);
    expect(op.intent).toBe("PATH");
    expect(op.variables.relationshipTypes).toEqual([...COOPERATION_TYPES, ...added]);
    expect(op.variables.maxHops).toBe(6);
    expect(op.description).toBe(description);
  });

  it("leaves the cooperation relationships alone between actors", () => {
    const op = read("How is UNODC connected to the IDB?");
    expect(op.variables).toEqual({ from: "organization:unodc", to: "organization:idb", maxHops: 6, relationshipTypes: null });
    expect(op.description).toBe("How UNODC is connected to IDB");
  });
});

describe("descriptions say everything the operation narrows by, in the question's language", () => {
  it.each([
    ["Who were the partners of UNDP in 2021?", "Partners of UNDP in shared projects active in 2021"],
    ["¿Quiénes fueron los socios del PNUD en 2021?", "Socios de UNDP en proyectos en común activos en 2021"],
    ["Partners of UNDP on cybercrime between 2019 and 2021", "Partners of UNDP on Cybercrime in shared projects active 2019-2021"],
    ["Cuántos proyectos con Peru", "Cuántos proyectos con Perú"],
    ["¿Cuántos proyectos involucraron a Perú?", "Cuántos proyectos con Perú"],
    ["Proyectos sobre ciberdelito en América Latina entre 2020 y 2021", "Proyectos en América Latina y el Caribe sobre Ciberdelito activos 2020-2021"],
    ["Projects on cybercrime in Latin America between 2020 and 2021", "Projects in Latin America and the Caribbean on Cybercrime active 2020-2021"],
  ])("%s", (question, description) => {
    expect(read(question).description).toBe(description);
  });
});
