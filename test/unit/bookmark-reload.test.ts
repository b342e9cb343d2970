/**
 * A process learns a new graph epoch from its watcher's poll. Two requests that verify a bookmark
 * of the new epoch while that poll runs must both wait for it: the second one used to be told "no
 * change" at once and was refused with 400 (found in review). The database here is away (every call
 * rejects), as the signer tolerates at start; the epochs come from a source the test drives.
 */
import { describe, expect, it } from "vitest";
import { BookmarkSigner, type EpochSource } from "../../src/http/bookmarks.js";
import type { Database } from "../../src/db/database.js";

const SECRET = "a-configured-bookmark-secret-of-40-chars!";
const away = new Proxy({}, { get: () => async () => { throw new Error("database away"); } }) as Database;

describe("a bookmark of a new epoch, verified by a process still at the old one", () => {
  it("is accepted by every request that verifies it while the poll that finds the epoch runs", async () => {
    const writer = await new BookmarkSigner(away, SECRET, () => {}, { epoch: "E2", poll: async () => {} }).start();
    let epoch = "E1";
    let polls = 0;
    const slowPoll: EpochSource = {
      get epoch() {
        return epoch;
      },
      poll: () => new Promise<void>((resolve) => setTimeout(() => { polls += 1; epoch = "E2"; resolve(); }, 50)),
    };
    const reader = await new BookmarkSigner(away, SECRET, () => {}, slowPoll).start();
    epoch = "E1";
    const fresh = await writer.sign(["FB:kcwQ"]);
    const results = await Promise.allSettled([reader.verify(fresh), reader.verify(fresh), reader.verify(fresh)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(results.map((r) => (r as PromiseFulfilledResult<string[]>).value)).toEqual([["FB:kcwQ"], ["FB:kcwQ"], ["FB:kcwQ"]]);
    // One poll served the three (start's own poll failed with the database away, before the source's).
    expect(polls).toBeLessThanOrEqual(2);
  });

  it("is still refused when forged, after the same wait", async () => {
    const reader = await new BookmarkSigner(away, SECRET, () => {}, { epoch: "E1", poll: async () => {} }).start();
    const other = await new BookmarkSigner(away, "another-configured-secret-of-forty-chars!", () => {}, { epoch: "E1", poll: async () => {} }).start();
    const forged = await other.sign(["FB:kcwQ"]);
    await expect(reader.verify(forged)).rejects.toThrow(/x-coopgraph-bookmark/);
  });
});
