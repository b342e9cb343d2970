/** Exact money arithmetic and name handling: the pure functions under references, sorting and totals. */
import { describe, expect, it } from "vitest";
import { compareDecimals, normalizeDecimal, sumDecimals } from "../../src/model/decimal.js";
import { allNames, nameProperties, normalizeName, slug } from "../../src/model/names.js";

describe("decimals", () => {
  it("normalizes to a canonical form or refuses", () => {
    expect(normalizeDecimal("+0113240.6600")).toBe("113240.66");
    expect(normalizeDecimal(" -0.50 ")).toBe("-0.5");
    expect(normalizeDecimal("-0.000")).toBe("0");
    expect(normalizeDecimal(".5")).toBe("0.5");
    expect(normalizeDecimal("7.")).toBe("7");
    for (const bad of ["", ".", "-", "1e5", "1,5", "0x10", "1.2.3", "NaN", "Infinity", " "]) expect(normalizeDecimal(bad), bad).toBeNull();
  });

  it("sums exactly where floating point does not", () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(["0.1", "0.2"])).toBe("0.3");
    expect(sumDecimals(["9007199254740993", "1"])).toBe("9007199254740994");
    expect(sumDecimals(["113240.66", "-113240.66"])).toBe("0");
    expect(sumDecimals(["-1.5", "0.25"])).toBe("-1.25");
    expect(sumDecimals(["0.001", "0.009"])).toBe("0.01");
    expect(sumDecimals([])).toBe("0");
    // One value: its canonical form, as the general path gives it.
    expect(sumDecimals(["+0113240.6600"])).toBe("113240.66");
    expect(sumDecimals(["-0.0"])).toBe("0");
  });

  it("sums a few short terms in doubles only where every step is exact (the rest through BigInt)", () => {
    // At the edge of the short path: 15 digits per term, 9 terms; past it: 16 digits, 10 terms.
    expect(sumDecimals(["99999999999999.9", "0.1"])).toBe("100000000000000");
    expect(sumDecimals(Array(9).fill("999999999999999"))).toBe("8999999999999991");
    expect(sumDecimals(["999999999999999.9", "0.1"])).toBe("1000000000000000");
    expect(sumDecimals(Array(10).fill("999999999999999"))).toBe("9999999999999990");
    expect(sumDecimals(["4503599627370496.5", "4503599627370496.5"])).toBe("9007199254740993");
    expect(sumDecimals(["-0.5", "0.5", "-0"])).toBe("0");
    expect(sumDecimals(["+1", "2."])).toBe("3");
    // Against a BigInt reference on random terms of 1 to 17 digits, 1 to 12 terms, any signs and scales.
    const reference = (values: string[]) => {
      const scale = Math.max(...values.map((v) => (v.split(".")[1] ?? "").length));
      const total = values.reduce((acc, v) => {
        const [whole, fraction = ""] = v.replace("-", "").split(".");
        const digits = BigInt(whole! + fraction.padEnd(scale, "0"));
        return acc + (v.startsWith("-") ? -digits : digits);
      }, 0n);
      const abs = (total < 0n ? -total : total).toString().padStart(scale + 1, "0");
      return normalizeDecimal(`${total < 0n ? "-" : ""}${abs.slice(0, abs.length - scale)}${scale ? `.${abs.slice(abs.length - scale)}` : ""}`);
    };
    let seed = 13;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    for (let i = 0; i < 5000; i++) {
      const values = Array.from({ length: 1 + random(12) }, () => {
        const digits = Array.from({ length: 1 + random(17) }, () => String(random(10))).join("");
        const point = random(digits.length + 1);
        const text = point === digits.length ? digits : `${digits.slice(0, point) || "0"}.${digits.slice(point)}`;
        return random(3) === 0 ? `-${text}` : text;
      });
      expect(sumDecimals(values), JSON.stringify(values)).toBe(reference(values));
    }
  });

  it("orders by value, not by text nor through floating point", () => {
    expect(compareDecimals("9007199254740993", "9007199254740992")).toBe(1);
    expect(Number("9007199254740993") - Number("9007199254740992")).toBe(0);
    expect(compareDecimals("10", "9.99")).toBe(1);
    expect(compareDecimals("-1.5", "-1.25")).toBe(-1);
    expect(compareDecimals("2.50", "2.5")).toBe(0);
    expect(["100", "-3", "20.5", "0", "20.45"].sort(compareDecimals)).toEqual(["-3", "0", "20.45", "20.5", "100"]);
  });
});

describe("names", () => {
  it("compares ignoring case, accents and punctuation", () => {
    expect(normalizeName("Fiscalía de la Nación")).toBe("fiscalia de la nacion");
    expect(normalizeName("EE. UU.")).toBe("ee uu");
    expect(normalizeName("  ¡¿!?  ")).toBe("");
    expect(normalizeName("Ministério Público – São Paulo")).toBe("ministerio publico sao paulo");
  });

  it("makes id slugs of at most 80 characters, possibly empty", () => {
    expect(slug("Fiscalía de Chile")).toBe("fiscalia-de-chile");
    expect(slug("--UNODC//2021--")).toBe("unodc-2021");
    expect(slug("日本")).toBe("");
    expect(slug("a".repeat(200))).toHaveLength(80);
  });

  it("lists every name once, in the original spelling", () => {
    const unodc = { name: "UNODC", officialName: "United Nations Office on Drugs and Crime", acronyms: ["UNODC", "ONUDD"], aliases: ["unodc"], nameEs: null };
    expect(allNames(unodc)).toEqual(["UNODC", "United Nations Office on Drugs and Crime", "ONUDD"]);
    expect(nameProperties(unodc)).toEqual({ nameKey: "unodc", names: "UNODC | United Nations Office on Drugs and Crime | ONUDD" });
  });
});
