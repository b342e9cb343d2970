/** The playground's Ask box in a real headless Chromium: it shows the reading, the operation it ran and the answer. */
import { describe, expect, it } from "vitest";
import { playgroundHtml } from "../../src/playground/playground.js";
import { pagesUnderTest } from "../support/web.js";

const pages = pagesUnderTest({ buildPages: false });

describe("the Ask box", () => {
  it("ships inline scripts that parse", () => {
    const scripts = [...playgroundHtml("/graphql").matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(() => new Function(script)).not.toThrow();
  });

  it("answers the user's Spanish sentence, shows the operation it ran and opens it in the editor", async () => {
    const page = await pages.browser.newPage();
    await page.goto(`${pages.base}/`);
    await page.waitForSelector(".graphiql-execute-button", { timeout: 30_000 });
    await page.fill("#ask-question", "¿Qué programas involucraron a la ONUDD y a Perú?");
    await page.click("#ask-submit");
    await expect.poll(() => page.locator(".ask-summary").innerText(), { timeout: 20_000 }).toBe("1 proyecto: Cybercrime Conferences");
    const operation = await page.locator(".ask-operation").innerText();
    expect(operation).toContain("projects(filter: $filter, first: $first)");
    expect(operation).toContain('"organization:unodc"');
    expect(await page.locator(".ask-reading").innerText()).toContain("ONUDD = United Nations Office on Drugs and Crime, acronym");
    expect(await page.locator("#ask-result details").innerText()).toContain("citation");
    await page.click(".ask-open");
    await expect.poll(() => page.locator(".graphiql-query-editor").innerText(), { timeout: 10_000 }).toContain("query Ask($filter: ProjectFilter");
    await page.close();
  });

  it("says 'not understood' with the closest readings, and shows coded errors, never HTML from the answer", async () => {
    const page = await pages.browser.newPage();
    await page.goto(`${pages.base}/`);
    await page.waitForSelector("#ask-question");
    await page.fill("#ask-question", "Which projects involved UNODC and <img src=x onerror=alert(1)>Atlantis?");
    await page.click("#ask-submit");
    await expect.poll(() => page.locator(".ask-not-understood").innerText(), { timeout: 20_000 }).toContain("Not understood:");
    expect(await page.locator("#ask-result img").count()).toBe(0);
    expect(await page.locator("#ask-result li").allInnerTexts()).toContain("Projects involving United Nations Office on Drugs and Crime");
    await page.fill("#ask-question", "   ");
    await page.click("#ask-submit");
    await expect.poll(() => page.locator(".ask-error").innerText(), { timeout: 20_000 }).toContain("BAD_USER_INPUT: the question is empty");
    await page.close();
  });
});
