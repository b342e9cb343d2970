/** The reference cache never keeps a resolution read before an invalidation (a write) that came after the read started. */
import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { ReferenceCache, ReferenceRepository, type ResolvedEntity } from "../../src/domain/references/reference.repository.js";

const unodc: ResolvedEntity = { reference: "UNODC", id: "organization:unodc", name: "United Nations Office on Drugs and Crime", type: "Organization", matchedBy: "acronym" };

describe("ReferenceCache", () => {
  it("drops a resolution read before an invalidation, and keeps one read after it", () => {
    const cache = new ReferenceCache();
    const before = cache.generation;
    cache.invalidate();
    cache.set("UNODC", undefined, unodc, before);
    expect(cache.get("UNODC")).toBeUndefined();
    cache.set("UNODC", undefined, unodc, cache.generation);
    expect(cache.get("UNODC")).toEqual(unodc);
  });

  it("a lookup that a write overtakes leaves nothing cached (the merge that removed the entity wins)", async () => {
    const cache = new ReferenceCache();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A database answering the lookup only once the test lets it: the write commits in between.
    const run = async (cypher: string) => {
      await gate;
      return cypher.includes("UNWIND") ? [{ ref: "organization:unodc", candidates: [{ id: "organization:unodc", name: unodc.name, type: "Organization", score: 0, via: "id" }] }] : [];
    };
    const repo = new ReferenceRepository(run as never, cache);
    const lookup = repo.resolveAll(["organization:unodc"]);
    cache.invalidate();
    release();
    expect((await lookup).map((e) => e.id)).toEqual(["organization:unodc"]);
    expect(cache.get("organization:unodc")).toBeUndefined();
    // Without a write in between, the same lookup is kept.
    await repo.resolveAll(["organization:unodc"]);
    expect(cache.get("organization:unodc")?.id).toBe("organization:unodc");
  });
});
