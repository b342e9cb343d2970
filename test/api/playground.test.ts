/** The playground in a real headless Chromium: it loads offline and answers the UNODC/Peru question. */
import { describe, expect, it } from "vitest";
import { pagesUnderTest } from "../support/web.js";

const pages = pagesUnderTest({ buildPages: false });

describe("the playground", () => {
  for (const path of ["/", "/graphql"]) {
    it(`loads at ${path} from local assets only and runs the example question`, async () => {
      const page = await pages.browser.newPage();
      const requested: string[] = [];
      page.on("request", (req) => requested.push(req.url()));
      await page.goto(`${pages.base}${path}`);
      await page.waitForSelector(".graphiql-execute-button", { timeout: 30_000 });
      // The first tab holds the UNODC/Peru question.
      await expect.poll(() => page.locator(".graphiql-query-editor").innerText()).toContain("involvingAll: [\"UNODC\", \"Peru\"]");
      const answer = page.waitForResponse((res) => res.url().endsWith("/graphql") && res.request().method() === "POST"
        && (res.request().postData() ?? "").includes("ProgramsWithUnodcAndPeru"));
      await page.click(".graphiql-execute-button");
      // What the analyst sees (the editor shows the first lines)...
      await expect.poll(() => page.locator(".graphiql-response").innerText(), { timeout: 20_000 }).toContain("Cybercrime Conferences");
      // ...and the whole answer the page received, sources included.
      const body = await (await answer).json();
      expect(body.data.projects.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["Cybercrime Conferences"]);
      expect(JSON.stringify(body)).toContain("conducted jointly with the United Nations Office on Drugs and Crime (UNODC)");
      const offsite = requested.filter((url) => !url.startsWith("http://127.0.0.1:") && !url.startsWith("data:"));
      expect(offsite).toEqual([]);
      expect(requested.some((url) => url.endsWith("/playground/graphiql.js"))).toBe(true);
      await page.close();
    });
  }
});
