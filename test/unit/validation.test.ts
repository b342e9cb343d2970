/** Input checks of writes (mutations) and of records (importers): hostile values get a clear, named error. */
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import * as check from "../../src/domain/editing/validation.js";
import { validateNode, validateRelationship } from "../../src/ingest/graph-writer.js";

/** The BAD_USER_INPUT error `work` throws, with the field it names. */
function fieldOf(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions.code).toBe("BAD_USER_INPUT");
    return String((err as GraphQLError).extensions.field);
  }
  throw new Error("expected a validation error");
}

describe("mutation inputs", () => {
  it("accepts good values, normalized", () => {
    expect(check.amount("amount", "0250000.500")).toBe("250000.5");
    expect(check.currency("currency", " usd ")).toBe("USD");
    expect(check.isoDate("date", "2024-02-29")).toBe("2024-02-29");
    expect(check.text("name", "  Fiscalía  ", { required: true })).toBe("Fiscalía");
    expect(check.idSlug("¡¿?!")).toBe("unnamed");
    expect(check.percentage("percentage", 0)).toBe(0);
  });

  it("gives names whose slugs share their first 80 characters different ids, of at most 80 characters, stable", () => {
    const long = "United Nations Office on Drugs and Crime Regional Office for Latin America and the Caribbean";
    const [a, b] = [check.idSlug(`${long} in Panama`), check.idSlug(`${long} in Peru`)];
    expect(a).not.toBe(b);
    for (const id of [a, b]) expect(id.length).toBeLessThanOrEqual(80);
    expect(a).toMatch(/^united-nations-office-on-drugs-and-crime-regional-office-for-latin-[0-9a-f]{12}$/);
    expect(check.idSlug(`${long} in Panama`)).toBe(a);
    // Slugs of 80 characters or fewer are as they always were.
    expect(check.idSlug("Fiscalía de Chile")).toBe("fiscalia-de-chile");
  });

  it("gives names in other scripts, or with letters a slug cannot spell, ids of their own", () => {
    const names = ["国家检察院", "Генеральная прокуратура", "النيابة العامة", "Ministry of Justice (Україна)", "Ministry of Justice (Росія)", "Ministry of Justice"];
    const ids = names.map((n) => check.idSlug(n));
    expect(new Set(ids).size).toBe(names.length);
    expect(ids[0]).toMatch(/^unnamed-[0-9a-f]{12}$/);
    expect(ids[3]).toMatch(/^ministry-of-justice-[0-9a-f]{12}$/);
    expect(ids[5]).toBe("ministry-of-justice");
    // Names that compare as one name still share an id.
    expect(check.idSlug("ГЕНЕРАЛЬНАЯ  прокуратура!")).toBe(ids[1]);
  });

  it("refuses hostile values and names the field", () => {
    expect(fieldOf(() => check.amount("amount", "-5"))).toBe("amount");
    expect(fieldOf(() => check.amount("amount", "1e9"))).toBe("amount");
    expect(fieldOf(() => check.amount("amount", "12,5"))).toBe("amount");
    expect(fieldOf(() => check.currency("currency", "XYZ"))).toBe("currency");
    expect(fieldOf(() => check.isoDate("startDate", "2021-02-30"))).toBe("startDate");
    expect(fieldOf(() => check.isoDate("startDate", "2023-02-29"))).toBe("startDate");
    expect(fieldOf(() => check.isoDate("startDate", "2021-1-1"))).toBe("startDate");
    expect(fieldOf(() => check.year("startYear", 1899))).toBe("startYear");
    expect(fieldOf(() => check.year("startYear", 2020.5))).toBe("startYear");
    expect(fieldOf(() => check.text("name", "   ", { required: true }))).toBe("name");
    expect(fieldOf(() => check.text("name", "x".repeat(301)))).toBe("name");
    expect(fieldOf(() => check.textList("aliases", Array(51).fill("a")))).toBe("aliases");
    expect(fieldOf(() => check.textList("aliases", ["ok", " "]))).toBe("aliases[1]");
    expect(fieldOf(() => check.percentage("percentage", 100.01))).toBe("percentage");
    expect(fieldOf(() => check.oneOf("role", "sponsor", ["lead", "partner"] as const))).toBe("role");
  });
});

describe("graph records", () => {
  const cite = [{ source: "source:x", quote: "q" }];

  it("accepts a well-formed node and relationship", () => {
    expect(validateNode({ id: "agency:mpf-caba", type: "Agency", name: "MPF", sources: cite })).toBeNull();
    expect(validateRelationship({ type: "PARTICIPATES_IN", from: "agency:a", to: "project:b", role: "lead", sources: cite })).toBeNull();
  });

  it("says what is wrong with a malformed one", () => {
    expect(validateNode({ id: "no spaces:allowed here", type: "Agency", name: "X", sources: cite })).toMatch(/not of the form/);
    expect(validateNode({ id: "agency:x", type: "Spaceship", name: "X", sources: cite })).toMatch(/unknown node type/);
    expect(validateNode({ id: "project:x", type: "Agency", name: "X", sources: cite })).toMatch(/does not start with "agency:"/);
    expect(validateNode({ id: "agency:x", type: "Agency", name: " ", sources: cite })).toBe("a name is required");
    expect(validateNode({ id: "agency:x", type: "Agency", name: "X", sources: [] })).toMatch(/at least one source/);
    expect(validateNode({ id: "agency:x", type: "Agency", name: "X", sources: [{ source: "http://x", quote: "q" }] })).toMatch(/not a source id/);
    expect(validateNode({ id: "agency:x", type: "Agency", name: "X", sources: [{ source: "source:x", quote: "  " }] })).toMatch(/has no quote/);
    // Funding has no name and needs none.
    expect(validateNode({ id: "funding:x", type: "Funding", sources: cite })).toBeNull();
    // Amounts are exact decimals in strings: a number, a thousands separator or an exponent would
    // break every sum over them (the funding tallies, fundingFlows).
    expect(validateNode({ id: "funding:x", type: "Funding", amount: "1250.50", sources: cite })).toBeNull();
    expect(validateNode({ id: "funding:x", type: "Funding", amount: 1000, sources: cite })).toMatch(/amount 1000 is not a decimal number/);
    expect(validateNode({ id: "funding:x", type: "Funding", amount: "1,000", sources: cite })).toMatch(/amount "1,000" is not a decimal/);
    expect(validateNode({ id: "funding:x", type: "Funding", amount: "1e3", sources: cite })).toMatch(/not a decimal/);
    expect(validateRelationship({ type: "PARTICIPATES_IN", from: "project:a", to: "project:b", role: "lead", sources: cite })).toMatch(/cannot start at/);
    expect(validateRelationship({ type: "PARTICIPATES_IN", from: "agency:a", to: "country:AR", role: "lead", sources: cite })).toMatch(/cannot end at/);
    expect(validateRelationship({ type: "PARTICIPATES_IN", from: "agency:a", to: "project:b", sources: cite })).toBe("PARTICIPATES_IN needs \"role\"");
    expect(validateRelationship({ type: "LIKES", from: "agency:a", to: "project:b", sources: cite })).toMatch(/unknown relationship type/);
  });
});
